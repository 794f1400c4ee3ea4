// What a failed run prints: one line with the reason, in the state the admin chose for that
// kind of failure.
#include "common/errors.hpp"
#include "common/format.hpp"
#include "nagios/check.hpp"

namespace kkt::nagios {

std::string timeout_reason(std::chrono::milliseconds timeout) {
    return "timed out after " + format_number(static_cast<double>(timeout.count()) / 1000.0) + " s";
}

PluginOutput error_output(const std::exception_ptr& error, const ErrorStates& states,
                          std::chrono::milliseconds timeout, const CheckSettings* settings) {
    PluginOutput out;
    out.state = State::unknown;
    try {
        std::rethrow_exception(error);
    } catch (const TimeoutError& e) {
        out.state = states.timeout;
        out.summary = timeout_reason(timeout);
        if (settings && settings->verbosity >= 1) out.verbose.push_back(e.what());
    } catch (const ConfigError& e) {
        out.summary = e.what();
    } catch (const ApiError& e) {  // AuthError and NotFoundError too
        out.state = states.api_error;
        out.summary = e.what();
    } catch (const TransportError& e) {
        out.state = states.api_error;
        out.summary = e.what();
    } catch (const ProtocolError& e) {
        out.state = states.api_error;
        out.summary = e.what();
    } catch (const Error& e) {  // local trouble, e.g. the cache directory
        out.summary = e.what();
    } catch (const std::exception& e) {
        out.summary = std::string("internal error: ") + e.what();
    } catch (...) {
        out.summary = "internal error";
    }
    if (out.summary.empty()) out.summary = "unexplained failure";
    if (settings) out.summary += mode_notes(*settings);
    return out;
}

std::optional<State> parse_state_name(std::string_view text) {
    std::string upper;
    for (char c : text) upper += c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    for (State s : {State::ok, State::warning, State::critical, State::unknown}) {
        if (upper == state_name(s) || upper == std::to_string(static_cast<int>(s))) return s;
    }
    return std::nullopt;
}

}  // namespace kkt::nagios
