#pragma once
// The check itself (nagios/README.md, "Thresholds", "Output"): from assessed registers
// to the plugin output, in fleet mode (counts, aggregate performance data, one long-output
// line per problem register or register with a note) or single-register mode (exactly one --serial:
// that register's reasons and its own metrics as performance data).
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.hpp"
#include "common/fleet.hpp"
#include "common/state.hpp"
#include "nagios/perfdata.hpp"
#include "nagios/plugin_output.hpp"

namespace kkt::nagios {

struct CheckSettings {
    Selection selection;
    bool test_mode = true;
    bool tls_unverified = false;  // --insecure: said in the output
    int verbosity = 0;
};

inline constexpr std::string_view not_found_reason = "register not found in the account";

// Fleet mode, or single-register mode when the selection names exactly one serial. The
// registers' evaluations must have been made with `thresholds` (load_fleet does that);
// `thresholds` gives the performance data their warn/crit fields.
PluginOutput evaluate_check(const Fleet& fleet, const Thresholds& thresholds,
                            const CheckSettings& settings);

// Fleet performance data: registers/ok/warning/critical/unknown counts (and not_found when
// serials were asked for), then the worst value of each metric with its thresholds, totals.
std::vector<PerfDatum> fleet_perfdata(const std::vector<const RegisterStatus*>& registers,
                                      const Thresholds& thresholds,
                                      std::optional<std::size_t> not_found);

// Every metric of one register with unit, thresholds and bounds; all "U" when `metrics` is
// null (the register could not be read).
std::vector<PerfDatum> register_perfdata(const Metrics* metrics, const Thresholds& thresholds);

// "00106709186412 (shop.example.ru)": serial and payment address, as one short line.
std::string register_name(const Register& r);

// Which state an error gives.
struct ErrorStates {
    State api_error = State::unknown;  // --api-error-state: API, auth, network, protocol
    State timeout = State::unknown;    // --timeout-state
};

// "timed out after 2.5 s".
std::string timeout_reason(std::chrono::milliseconds timeout);

// The output for a run that ended in an exception: a one-line reason, the state per
// `states` (configuration and internal errors are always UNKNOWN). `settings` (when the
// configuration was read) adds the mode notes.
PluginOutput error_output(const std::exception_ptr& error, const ErrorStates& states,
                          std::chrono::milliseconds timeout, const CheckSettings* settings);

// "OK", "warning", "Critical", "unknown" (any case) and "0".."3" -> State; nullopt else.
std::optional<State> parse_state_name(std::string_view text);

// " [test mode]", " [TLS not verified]" as they apply.
std::string mode_notes(const CheckSettings& settings);

}  // namespace kkt::nagios
