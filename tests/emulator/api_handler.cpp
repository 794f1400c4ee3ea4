// The emulated ATOL monitoring API (docs/atol-api.md), under /api.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <charconv>
#include <limits>

#include "gzip.hpp"
#include "handlers.hpp"
#include "json_text.hpp"
#include "target.hpp"
#include "time_format.hpp"

namespace emu {
namespace {

namespace http = boost::beast::http;

constexpr std::string_view auth_path = "/api/auth/v1/gettoken";
constexpr std::string_view list_path = "/api/kkt/v1/cash-registers";
constexpr std::size_t max_credential_length = 100;

struct Route {
    Endpoint endpoint = Endpoint::other;
    std::string_view encoded_serial;  // for Endpoint::get
};

Route classify(std::string_view path) {
    if (path == auth_path) return {Endpoint::auth, {}};
    if (path == list_path) return {Endpoint::list, {}};
    if (path.starts_with(list_path) && path.size() > list_path.size() + 1 &&
        path[list_path.size()] == '/') {
        const std::string_view serial = path.substr(list_path.size() + 1);
        if (serial.find('/') == std::string_view::npos) return {Endpoint::get, serial};
    }
    return {Endpoint::other, {}};
}

Response method_not_allowed(std::string_view allowed) {
    Response response = api_error(405, 40, "Метод не поддерживается");
    response.headers.emplace_back("Allow", std::string(allowed));
    return response;
}

// UTF-8 code points, as the API counts characters (bytes of invalid UTF-8 count as one each).
std::size_t character_count(std::string_view text) {
    std::size_t count = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
    }
    return count;
}

Response handle_auth(const Request& request, EmulatorState& state) {
    if (request.method() != http::verb::post) return method_not_allowed("POST");
    std::string content_type(request[http::field::content_type]);
    for (char& c : content_type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!content_type.starts_with("application/json")) {
        return api_error(400, 41, "Неверный Content-Type: ожидается application/json");
    }
    boost::system::error_code error;
    const boost::json::value body = boost::json::parse(request.body(), error);
    if (error || !body.is_object()) {
        return api_error(400, 40, "Некорректный запрос: тело должно быть JSON-объектом");
    }
    const auto* login = body.get_object().if_contains("login");
    const auto* pass = body.get_object().if_contains("pass");
    if (!login || !pass || !login->is_string() || !pass->is_string()) {
        return api_error(400, 13, "Ошибка валидации: не переданы login и pass (строки)");
    }
    if (character_count(login->get_string()) > max_credential_length ||
        character_count(pass->get_string()) > max_credential_length) {
        return api_error(400, 13, "Ошибка валидации: login и pass не длиннее 100 символов");
    }
    const Credentials& expected = state.credentials();
    if (login->get_string() != expected.login || pass->get_string() != expected.password) {
        return api_error(400, 12, "Неверный логин или пароль");
    }
    const std::string token = state.tokens().issue();
    ++state.stats().tokens_issued;
    return json_response(200, R"({"error":null,"token":")" + token + R"(","timestamp":")" +
                                  format_api_timestamp(now_seconds()) + R"("})");
}

// nullopt when the request may go on; else the 401 to answer.
std::optional<Response> reject_token(const Request& request, EmulatorState& state) {
    const auto header = request["Token"];
    switch (state.tokens().check(std::string_view(header.data(), header.size()))) {
        case TokenStatus::valid:
            return std::nullopt;
        case TokenStatus::missing:
            return api_error(401, 10, "Токен не передан");
        case TokenStatus::unknown:
            return api_error(401, 10, "Токен не распознан");
        case TokenStatus::expired:
            break;
    }
    return api_error(401, 11, "Переданный токен не активен");
}

// A non-negative integer query parameter; `*bad` is set when present but not one.
std::optional<std::size_t> size_parameter(std::string_view query, std::string_view name,
                                          bool* bad) {
    bool malformed = false;
    const auto text = query_parameter(query, name, &malformed);
    if (!text) {
        *bad = *bad || malformed;
        return std::nullopt;
    }
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc{} || end != text->data() + text->size() || text->empty()) {
        *bad = true;
        return std::nullopt;
    }
    return value;
}

Response handle_list(const Request& request, std::string_view query, EmulatorState& state,
                     const Faults& faults) {
    if (request.method() != http::verb::get) return method_not_allowed("GET");
    if (auto rejection = reject_token(request, state)) return std::move(*rejection);
    bool bad = false;
    const auto limit = size_parameter(query, "limit", &bad);
    const auto offset = size_parameter(query, "offset", &bad);
    if (bad) {
        return api_error(400, 13, "Ошибка валидации: limit и offset - неотрицательные целые");
    }
    if (state.take_token_expiry_before_list_page()) {
        state.tokens().expire(request["Token"]);
        return api_error(401, 11, "Переданный токен не активен");
    }

    const auto fleet = state.fleet();
    constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max();
    std::size_t first = offset.value_or(0);
    std::size_t count = limit.value_or(unlimited);
    switch (faults.paging.mode) {
        case PagingMode::honour:
            break;
        case PagingMode::cap:
            count = std::min(count, faults.paging.cap);
            break;
        case PagingMode::ignore:
            first = 0, count = unlimited;
            break;
        case PagingMode::repeat:
            first = 0;
            break;
    }
    first = std::min(first, fleet->size());
    const std::size_t last = first + std::min(count, fleet->size() - first);

    Response response;
    if (first == 0 && last == fleet->size()) {
        response.body.append_shared(fleet->storage(), fleet->whole_array());
    } else {
        response.body.append_static("[");
        response.body.append_shared(fleet->storage(), fleet->elements_text(first, last));
        response.body.append_static("]");
    }
    ++state.stats().list_pages;
    if (offset.value_or(0) == 0) ++state.stats().list_fetches;
    state.note_list_page_served();
    if (matches(faults.body_fault_path, Endpoint::list)) apply_body_faults(response, faults);
    return response;
}

Response handle_get(const Request& request, std::string_view encoded_serial, EmulatorState& state,
                    const Faults& faults) {
    if (request.method() != http::verb::get) return method_not_allowed("GET");
    if (auto rejection = reject_token(request, state)) return std::move(*rejection);
    const auto serial = percent_decode(encoded_serial);
    if (!serial) return api_error(400, 40, "Некорректный запрос: неверная кодировка пути");
    const auto fleet = state.fleet();
    const auto index = fleet->find(*serial);
    if (!index) return api_error(404, 40, "Касса не найдена");

    Response response;
    response.content_type = "application/hal+json; charset=utf-8";
    response.body.append_static(R"({"data":)");
    response.body.append_shared(fleet->storage(), fleet->element_text(*index));
    response.body.append(R"(,"_links":{"self":{"href":)" +
                         json_quote(std::string(list_path) + "/" + percent_encode(*serial)) +
                         "}}}");
    if (matches(faults.body_fault_path, Endpoint::get)) apply_body_faults(response, faults);
    return response;
}

}  // namespace

Response handle_api(const Request& request, std::string_view path, std::string_view query,
                    EmulatorState& state) {
    Stats& stats = state.stats();
    ++stats.requests;
    const Faults faults = state.faults();
    const Route route = classify(path);
    switch (route.endpoint) {
        case Endpoint::auth:
            ++stats.auth;
            break;
        case Endpoint::list:
            ++stats.list_requests;
            break;
        case Endpoint::get:
            ++stats.get;
            break;
        case Endpoint::other:
            break;
    }

    Response response;
    if (const auto status = state.take_injected_failure(route.endpoint)) {
        response = injected_failure(*status, faults);
    } else {
        switch (route.endpoint) {
            case Endpoint::auth:
                response = handle_auth(request, state);
                break;
            case Endpoint::list:
                response = handle_list(request, query, state, faults);
                break;
            case Endpoint::get:
                response = handle_get(request, route.encoded_serial, state, faults);
                break;
            case Endpoint::other:
                response = api_error(404, 40, "Неизвестный метод API");
                break;
        }
    }
    if (response.status >= 400) ++stats.errors;
    // Last, as nginx's gzip module would: it encodes whatever the body faults left.
    if (faults.gzip && response.status == 200 && matches(faults.body_fault_path, route.endpoint) &&
        (route.endpoint == Endpoint::list || route.endpoint == Endpoint::get) &&
        accepts_gzip(std::string_view(request[http::field::accept_encoding].data(),
                                      request[http::field::accept_encoding].size()))) {
        std::string encoded = gzip(response.body);
        response.body = Body{};
        response.body.append(std::move(encoded));
        response.headers.emplace_back("Content-Encoding", "gzip");
        ++stats.gzip_responses;
    }
    response.delay = faults.latency;
    return response;
}

}  // namespace emu
