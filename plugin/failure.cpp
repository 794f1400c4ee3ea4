#include "plugin/failure.hpp"

#include <iostream>

#include "common/errors.hpp"
#include "plugin/nagios_run.hpp"

namespace kkt::plugin {

int help_exit_code(CommandKind kind) {
    return kind == CommandKind::nagios_plugin ? nagios::exit_code(State::unknown) : exit_ok;
}

Failure failure_of(CommandKind kind, const std::exception_ptr& error,
                   const CheckFailureContext& check) {
    Failure failure;
    if (kind == CommandKind::nagios_plugin) {
        failure.result = nagios::error_output(error, check.states, check.timeout, check.settings);
        failure.reason = failure.result.summary;
        failure.exit_code = nagios::exit_code(failure.result.state);
        return failure;
    }
    try {
        std::rethrow_exception(error);
    } catch (const ConfigError& e) {
        failure.exit_code = exit_usage;
        failure.reason = e.what();
    } catch (const std::exception& e) {
        failure.reason = e.what();
    } catch (...) {
        failure.reason = "internal error";
    }
    return failure;
}

std::string tool_failure_line(const Failure& failure) {
    return "atol-kkt: " + failure.reason;
}

int report(CommandKind kind, const Failure& failure) {
    if (kind == CommandKind::nagios_plugin) {
        std::string text;
        int code = failure.exit_code;
        try {
            text = nagios::render(failure.result);
        } catch (...) {
            text = "ATOL KKT UNKNOWN - internal error while printing the result\n";
            code = nagios::exit_code(State::unknown);
        }
        return emit_result(text, code);
    }
    std::cerr << tool_failure_line(failure) << "\n";
    return failure.exit_code;
}

}  // namespace kkt::plugin
