// The control API under /_emulator: what tests use to watch and steer the emulator.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>
#include <charconv>
#include <stdexcept>

#include "handlers.hpp"
#include "target.hpp"
#include "time_format.hpp"

namespace emu {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;

Response control_error(unsigned status, std::string_view message) {
    return json_response(status, json::serialize(json::object{{"error", message}}));
}

Response ok() {
    return json_response(200, R"({"ok":true})");
}

Response post_faults(const Request& request, EmulatorState& state) {
    boost::system::error_code error;
    const json::value body = json::parse(request.body(), error);
    if (error) return control_error(400, "faults: the body is not JSON: " + error.message());
    try {
        Faults faults = json::value_to<Faults>(body);
        state.set_faults(faults);
        return json_response(200, json::serialize(json::value_from(faults)));
    } catch (const std::invalid_argument& e) {
        return control_error(400, std::string("faults: ") + e.what());
    }
}

// ?after_pages=N stages the fleet instead: it is served once N more list pages have been.
Response post_fleet(const Request& request, std::string_view query, EmulatorState& state) {
    long after_pages = 0;
    if (const auto text = query_parameter(query, "after_pages")) {
        const auto [end, error] =
            std::from_chars(text->data(), text->data() + text->size(), after_pages);
        if (error != std::errc{} || end != text->data() + text->size() || after_pages < 0) {
            return control_error(400, "fleet: after_pages must be a non-negative integer");
        }
    }
    try {
        auto fleet = FleetSnapshot::from_json_text(request.body());
        const std::size_t size = fleet->size();
        state.set_generator(std::nullopt);  // POST /_emulator/now no longer applies
        if (after_pages > 0) {
            state.stage_fleet(std::move(fleet), after_pages);
        } else {
            state.set_fleet(std::move(fleet));
        }
        return json_response(200, R"({"registers":)" + std::to_string(size) + "}");
    } catch (const std::exception& e) {
        return control_error(400, std::string("fleet: ") + e.what());
    }
}

// {"now":"ISO 8601"}: the generated fleet as at that instant (growth mode: grown until then).
Response post_now(const Request& request, EmulatorState& state) {
    auto params = state.generator();
    if (!params) return control_error(400, "now: the fleet is not generated (--fleet or posted)");
    boost::system::error_code error;
    const json::value body = json::parse(request.body(), error);
    const json::value* now = body.is_object() ? body.as_object().if_contains("now") : nullptr;
    const auto instant =
        now && now->is_string() ? parse_iso8601(now->get_string()) : std::optional<SysSeconds>();
    if (error || !instant) return control_error(400, R"(now: expected {"now":"ISO 8601"})");
    if (params->growth_since && *instant < *params->growth_since)
        return control_error(400, "now: before --growth-since");
    params->now = *instant;
    auto fleet = FleetSnapshot::from_generated(generate_fleet(*params));
    const std::size_t size = fleet->size();
    state.set_fleet(std::move(fleet));
    state.set_generator(params);
    return json_response(200, R"({"registers":)" + std::to_string(size) + "}");
}

}  // namespace

Response handle_control(const Request& request, std::string_view path, std::string_view query,
                        EmulatorState& state) {
    const bool get = request.method() == http::verb::get;
    const bool post = request.method() == http::verb::post;
    if (path == "/_emulator/stats" && get) {
        return json_response(200, json::serialize(state.stats().to_json()));
    }
    if (path == "/_emulator/reset-stats" && post) {
        state.stats().reset();
        return ok();
    }
    if (path == "/_emulator/faults" && get) {
        return json_response(200, json::serialize(json::value_from(state.faults())));
    }
    if (path == "/_emulator/faults" && post) return post_faults(request, state);
    if (path == "/_emulator/expire-tokens" && post) {
        state.tokens().expire_all();
        return ok();
    }
    if (path == "/_emulator/fleet" && get) return json_response(200, state.fleet()->readable());
    if (path == "/_emulator/fleet" && post) return post_fleet(request, query, state);
    if (path == "/_emulator/now" && post) return post_now(request, state);
    return control_error(404, "no such control endpoint (or wrong method): " + std::string(path));
}

Response handle_request(const Request& request, EmulatorState& state) {
    const std::string_view target(request.target().data(), request.target().size());
    const Target parts = split_target(target);
    if (parts.path == "/api" || parts.path.starts_with("/api/")) {
        return handle_api(request, parts.path, parts.query, state);
    }
    if (parts.path.starts_with("/_emulator/"))
        return handle_control(request, parts.path, parts.query, state);
    return api_error(404, 40, "Не найдено");
}

}  // namespace emu
