#pragma once
// The one place where an exception becomes what the user is told and the exit code, by the
// kind of command that failed: the Nagios plugin (check) or a tool (every other command).
#include <chrono>
#include <exception>
#include <string>

#include "common/config.hpp"
#include "nagios/check.hpp"
#include "nagios/plugin_output.hpp"

namespace kkt::plugin {

enum class CommandKind {
    // The Nagios plugin conventions (nagios/README.md): one result on stdout, nothing on
    // stderr ever; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN and nothing else (also 3 for
    // --help and --version).
    nagios_plugin,
    // A command-line tool: exit 0 done, 1 when the API, the network or the output failed,
    // 2 for usage and configuration errors; the reason as one line on stderr.
    tool,
};

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

// What --help and --version exit with.
int help_exit_code(CommandKind kind);

// What the check has read when it fails: the states the admin chose for errors, the timeout,
// and (once the configuration is read) the settings that add the mode notes.
struct CheckFailureContext {
    nagios::ErrorStates states;
    std::chrono::milliseconds timeout = Config{}.timeout;
    const nagios::CheckSettings* settings = nullptr;
};

struct Failure {
    int exit_code = exit_failure;
    std::string reason;           // tool: the stderr line, after "atol-kkt: "
    nagios::PluginOutput result;  // nagios_plugin: the result for stdout
};

// The failure `error` is for a command of `kind`: for a tool, a configuration error
// (ConfigError) exits 2 and anything else 1; for the Nagios plugin, the state
// nagios::error_output() gives under `check`.
Failure failure_of(CommandKind kind, const std::exception_ptr& error,
                   const CheckFailureContext& check = {});

// The one line a tool says `failure` with on stderr, without the newline: "atol-kkt: REASON". A
// Zabbix agent item gets it as its value; `zabbix send` pushes it as one.
std::string tool_failure_line(const Failure& failure);

// Shows `failure` as `kind` promises (the stderr line, or the result on stdout) and returns
// its exit code.
int report(CommandKind kind, const Failure& failure);

}  // namespace kkt::plugin
