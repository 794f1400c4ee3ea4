#pragma once
// `atol-kkt exporter`'s endpoints on a web::Server (web/server.hpp): the metrics of an account
// (the exporter's own configuration at the telemetry path, a profile's at /probe?profile=NAME,
// as the blackbox and SNMP exporters serve other targets), the status page at / (also
// ?profile=NAME), /-/healthy and /-/ready. Each account's registers come from a FleetSource
// (common/fleet_source.hpp): a scrape waits for a read under way at most until its own
// timeout (X-Prometheus-Scrape-Timeout-Seconds, less a margin), then answers with the last
// good data and atol_kkt_up 0. The registers' part of the exposition is rendered and
// gzip-compressed once per read, into OutputSpools (beyond a MiB, temporary files, sent in
// pieces), so a scrape of 10,000 registers costs little more than a copy.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/log.hpp"
#include "common/state.hpp"
#include "web/http.hpp"

namespace kkt::prometheus {

// Port 9632: the Prometheus wiki's "Default port allocations" page keeps 9100-9999 for exporters
// so that they can run side by side on one host; 9632 was marked free in the newest copy of the
// list that could be consulted (the range has filled up since, so --web.listen-address exists).
inline constexpr std::string_view default_listen_address = ":9632";

// One account the exporter serves: the exporter's own configuration or a profile's.
struct Target {
    Config config;
    Thresholds thresholds;
    std::string account;  // --account-label: account="…" on every sample; "" for none
};

struct ExporterSettings {
    std::string telemetry_path = "/metrics";
    // The target of the telemetry path and of /.
    std::function<Target()> default_target;
    // A profile's target; nullopt when there is no such profile. Throws ConfigError for a
    // profile that cannot be read. Only called with names valid_profile_name() accepts.
    std::function<std::optional<Target>(const std::string& profile)> profile_target;
};

// What a scrape waits at most for a read under way, from Prometheus' timeout header: what the
// header gives less a margin for sending the answer (at least half of it); `otherwise` without
// one (a browser, curl).
std::chrono::milliseconds scrape_wait(std::string_view timeout_header,
                                      std::chrono::milliseconds otherwise);

class Exporter {
  public:
    // Reads the default target (throws ConfigError).
    Exporter(ExporterSettings settings, const Clock& clock, const Log& log);
    ~Exporter();
    Exporter(const Exporter&) = delete;
    Exporter& operator=(const Exporter&) = delete;

    // web::Handler
    void handle(const web::Request& request, const web::Reply& reply);
    // Starts the first read of the default target, so the first scrape finds data.
    void warm_up();
    // SIGHUP: every target again from its configuration; one whose account (API and login)
    // is unchanged keeps its data until its next read, which comes at once. Throws
    // ConfigError, changing nothing, when the default target cannot be read.
    void reload();

    struct Entry;

  private:
    std::shared_ptr<Entry> make_entry(Target target, const std::shared_ptr<Entry>& previous);
    // nullptr when there is no such profile; throws ConfigError.
    std::shared_ptr<Entry> entry_for(const std::string& profile);
    void serve(const std::shared_ptr<Entry>& entry, const web::Request& request,
               const web::Reply& reply, bool page);

    ExporterSettings settings_;
    const Clock& clock_;
    const Log& log_;
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<Entry>> entries_;  // "" is the default target
};

}  // namespace kkt::prometheus
