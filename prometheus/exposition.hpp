#pragma once
// The registers' metrics and states in the Prometheus text exposition format 0.0.4: one gauge
// family per metric, labelled by register, plus the scrape's own families. Names follow
// Prometheus conventions where the core's do not (promtool rejects hours and days in a name):
// time metrics are in seconds, the network error is a code.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "common/fleet.hpp"
#include "common/metrics.hpp"
#include "common/output_spool.hpp"

namespace kkt::prometheus {

struct Family {
    Metric metric;
    std::string name;  // "atol_kkt_fn_time_left_seconds"
    double scale;      // core value × scale = exported value (86400 for days)
    std::string help;
};
// One family per core metric, in the order of all_metrics(), named and scaled from its unit.
const std::vector<Family>& metric_families();

// What the output says about the run itself.
struct ScrapeInfo {
    double duration_seconds = 0;
    bool test_mode = false;
    bool tls_verified = true;
    // When not empty, every sample gets account="…" first, so the files of several accounts
    // can share node_exporter's textfile directory without duplicate series.
    std::string account;
};

// A successful scrape: every family with HELP and TYPE once, one sample per register and
// known value (unknown values are left out, never 0), registers in the given order.
// `missing` are --serial values the account does not have (atol_kkt_register_not_found).
// A register whose labels repeat an earlier one's is left out with a comment, since
// Prometheus would reject the duplicate series.
std::string render_exposition(const std::vector<const RegisterStatus*>& registers,
                              const std::vector<std::string>& missing, const ScrapeInfo& info);
// The same text written into `sink` piece by piece (for 100,000 registers it is about four
// times the size of the register list: the `prometheus` command spools it).
void write_exposition(const std::vector<const RegisterStatus*>& registers,
                      const std::vector<std::string>& missing, const ScrapeInfo& info,
                      TextSink& sink);

// The parts of render_exposition(), for a caller that keeps the registers' part of a read and
// renders the rest per scrape (the exporter): the run's families (atol_kkt_up, the duration,
// test mode, with the mode's comments) ...
std::string render_scrape_header(bool up, const ScrapeInfo& info);
// ... and the registers' (atol_kkt_registers, atol_kkt_register_not_found, atol_kkt_state and
// one family per metric); the account of `info` labels them.
std::string render_registers(const std::vector<const RegisterStatus*>& registers,
                             const std::vector<std::string>& missing, const ScrapeInfo& info);
// ... the same written into `sink` piece by piece.
void write_registers(const std::vector<const RegisterStatus*>& registers,
                     const std::vector<std::string>& missing, const ScrapeInfo& info,
                     TextSink& sink);

// A failed scrape: atol_kkt_up 0, the duration, and `error` as a comment line.
std::string render_failure(std::string_view error, const ScrapeInfo& info);

// Building blocks for other families: "# TEXT" on one line (line feeds become spaces) ...
std::string render_comment(std::string_view text);
// ... "# HELP" and "# TYPE" (`type`: gauge, counter) ...
void append_family_header(std::string& out, std::string_view name, std::string_view type,
                          std::string_view help);
// ... one sample (`labels` "{…}" or empty; numbers in the C locale) ...
void append_sample(std::string& out, std::string_view name, std::string_view labels, double value);
// ... and the labels of a sample that is not a register's: {account="…"} or none.
std::string scrape_labels(const ScrapeInfo& info);

// Label value escaping of the text format: backslash, double quote and line feed.
std::string escape_label_value(std::string_view text);
// HELP text escaping: backslash and line feed.
std::string escape_help(std::string_view text);

}  // namespace kkt::prometheus
