#pragma once
// Command-line handling shared by every subcommand: options (Boost.Program_options), the
// Config, thresholds, clock, deadline and log of one run.
#include <memory>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/deadline.hpp"
#include "common/fleet.hpp"
#include "common/log.hpp"
#include "common/state.hpp"

namespace kkt::plugin {

// -w/--warning and -c/--critical METRIC=RANGE (repeatable); the help shows the defaults of
// Thresholds::defaults().
po::options_description threshold_options();

// -v lines of the tool commands: "atol-kkt: LINE" on stderr.
Log::Sink stderr_sink();

struct Invocation {
    po::variables_map vm;
    std::vector<std::string> positional;
    Config config;
    Thresholds thresholds;
    std::unique_ptr<Clock> clock;
    std::unique_ptr<Deadline> deadline;
    Log log;

    // With one --serial, the run needs that register only (RunContext::only_serial).
    RunContext context() const {
        const auto& serials = config.selection.serials;
        return RunContext{
            config,
            *clock,
            *deadline,
            log,
            true,
            serials.size() == 1 ? std::string_view(serials.front()) : std::string_view()};
    }
};

// Parses `args` (without the program name and subcommand) against common_options() plus
// `extra`. `log_sink` receives -v lines. Throws ConfigError.
Invocation parse_invocation(const std::vector<std::string>& args,
                            const po::options_description& extra, Log::Sink log_sink);

// True when -h/--help or -V/--version was asked for (checked before validation, so that
// they work even with an incomplete configuration).
bool wants_help(const std::vector<std::string>& args);
bool wants_version(const std::vector<std::string>& args);

std::string version_line();  // "atol-kkt 0.1.0"

}  // namespace kkt::plugin
