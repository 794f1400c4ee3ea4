#pragma once
// Request handling, independent of the connection: a request in, a Response out.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string_view>

#include "emulator_state.hpp"
#include "faults.hpp"
#include "response.hpp"

namespace emu {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

// Routes /api/... to the emulated API, /_emulator/... to the control API, the rest to 404.
Response handle_request(const Request& request, EmulatorState& state);

// The emulated ATOL API (path is the encoded path, starting with "/api").
Response handle_api(const Request& request, std::string_view path, std::string_view query,
                    EmulatorState& state);

// Test control: stats, faults, tokens, fleet.
Response handle_control(const Request& request, std::string_view path, std::string_view query,
                        EmulatorState& state);

// Applies the body faults (malformed, non-UTF-8, oversize, truncated, empty, slow) to a
// successful data answer.
void apply_body_faults(Response& response, const Faults& faults);

// The answer of an injected --fail-status.
Response injected_failure(unsigned status, const Faults& faults);

}  // namespace emu
