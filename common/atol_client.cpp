// The ATOL monitoring API client: see docs/atol-api.md, "Authentication" to "Single register".
#include "common/atol_client.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <utility>

#include "common/errors.hpp"
#include "common/json_text.hpp"
#include "common/text.hpp"
#include "common/utf8.hpp"

namespace kkt {

namespace json = boost::json;

namespace {

const std::string content_type_header = "Content-Type: application/json; charset=utf-8";
const std::string accept_json = "Accept: application/json";
const std::string accept_hal = "Accept: application/hal+json";
constexpr std::string_view auth_failed_prefix = "authentication failed: ";
constexpr std::string_view atol_error_label = "ATOL error";

// ATOL's error object: {"error": {"error_id": "...", "code": 12, "text": "...", "type": "..."}}.
struct AtolError {
    std::optional<int> code;
    std::string text;
};

AtolError tag_invoke(json::value_to_tag<AtolError>, const json::value& value) {
    AtolError error;
    const json::object* object = value.if_object();
    if (object == nullptr) return error;
    if (const json::value* code = object->if_contains("code")) {
        json::error_code ec;
        const auto number = code->to_number<int>(ec);
        if (!ec) error.code = number;
    }
    if (const json::value* text = object->if_contains("text"); text && text->is_string()) {
        error.text = valid_utf8(text->get_string());
    }
    return error;
}

// The gettoken request body: {"login": ..., "pass": ...} (the field is "pass").
struct Credentials {
    std::string_view login;
    std::string_view pass;
};

void tag_invoke(json::value_from_tag, json::value& value, const Credentials& credentials) {
    value = json::object{{"login", credentials.login}, {"pass", credentials.pass}};
}

// The gettoken answer: {"error": null, "token": "...", "timestamp": "..."}.
struct TokenReply {
    std::optional<AtolError> error;  // set when "error" is a non-null object
    std::string token;
};

TokenReply tag_invoke(json::value_to_tag<TokenReply>, const json::value& value) {
    TokenReply reply;
    const json::object& object = value.as_object();
    if (const json::value* error = object.if_contains("error"); error && error->is_object()) {
        reply.error = json::value_to<AtolError>(*error);
    }
    if (const json::value* token = object.if_contains("token"); token && token->is_string()) {
        reply.token = std::string(token->get_string());
    }
    return reply;
}

void check_credentials(const AtolClientOptions& options) {
    check_credential_length(options.login, "the login");
    check_credential_length(options.password, "the password");
}

bool starts_json_object(std::string_view body) {
    return trim(body).starts_with('{');
}

// The ATOL error object in a body, if the body is a JSON object with a non-null "error".
std::optional<AtolError> atol_error_in(std::string_view body) {
    if (!starts_json_object(body)) return std::nullopt;
    json::error_code ec;
    const json::value value = json::parse(body, ec, {}, api_parse_options());
    if (ec || !value.is_object()) return std::nullopt;
    const json::value* error = value.get_object().if_contains("error");
    if (error == nullptr || !error->is_object()) return std::nullopt;
    return json::value_to<AtolError>(*error);
}

// "<label> 12: Неверный логин или пароль (HTTP 400)" or, without an ATOL error object,
// "HTTP 503 from <url>".
std::string describe_failure(std::string_view label, const std::optional<AtolError>& error,
                             const HttpResponse& response, const std::string& url) {
    std::string text;
    if (error) {
        text = label;
        if (error->code) text += " " + std::to_string(*error->code);
        if (!error->text.empty()) text += ": " + error->text;
        text += " (HTTP " + std::to_string(response.status) + ")";
    } else {
        text = "HTTP " + std::to_string(response.status) + " from " + display_url(url);
    }
    if (response.retry_after_seconds) {
        text += " (retry after " + std::to_string(*response.retry_after_seconds) + " s)";
    }
    return text;
}

template <class ErrorType>
[[noreturn]] void throw_failure(std::string_view prefix, std::string_view label,
                                const std::optional<AtolError>& error, const HttpResponse& response,
                                const std::string& url) {
    throw ErrorType(std::string(prefix) + describe_failure(label, error, response, url),
                    response.status, error ? error->code : std::nullopt,
                    error ? error->text : std::string());
}

// A 429 or 503 with Retry-After: the server says when to come back. It gets one more try
// when that wait still leaves time_after_retry_wait of the run for the request itself; else the
// answer goes back to the caller at once, whose error message names the retry-after.
constexpr std::chrono::milliseconds time_after_retry_wait{200};

bool asks_to_retry_later(const HttpResponse& response) {
    return (response.status == 429 || response.status == 503) && response.retry_after_seconds;
}

HttpResponse perform_respecting_retry_after(HttpTransport& http, const HttpRequest& request,
                                            const Deadline& deadline, AtolClientStats& stats,
                                            bool auth) {
    auto send = [&] {
        ++stats.requests;
        if (auth) ++stats.auth_requests;
        return http.perform(request, deadline);
    };
    HttpResponse response = send();
    if (!asks_to_retry_later(response)) return response;
    const auto wait = std::chrono::seconds(*response.retry_after_seconds);
    if (wait + time_after_retry_wait > deadline.remaining()) return response;
    std::this_thread::sleep_for(wait);
    return send();
}

bool is_token_rejection(const std::optional<AtolError>& error, long status) {
    if (status == 401) return true;
    return error && error->code && (*error->code == 10 || *error->code == 11);
}

// One page of the list: the body must be a JSON array of objects. Parsed into `storage`.
json::array parse_list_page(const std::string& body, std::size_t offset,
                            const json::storage_ptr& storage) {
    const std::string where = "register list page at offset " + std::to_string(offset);
    if (trim(body).empty()) throw ProtocolError("the " + where + " is empty");
    json::error_code ec;
    json::value value = json::parse(body, ec, storage, api_parse_options());
    if (ec == json::error::incomplete) {
        throw ProtocolError("the " + where + " is truncated JSON (" + std::to_string(body.size()) +
                            " bytes)");
    }
    if (ec) throw ProtocolError("the " + where + " is malformed JSON: " + ec.message());
    if (!value.is_array()) {
        throw ProtocolError("the " + where + " is not a JSON array but " +
                            json_kind_phrase(value.kind()));
    }
    json::array page = std::move(value.get_array());
    for (std::size_t i = 0; i < page.size(); ++i) {
        if (!page[i].is_object()) {
            throw ProtocolError("element " + std::to_string(i) + " of the " + where +
                                " is not a JSON object but " + json_kind_phrase(page[i].kind()));
        }
    }
    return page;
}

// Registers already taken, by identity: the serial number, or (without one) the JSON text.
class SeenRegisters {
  public:
    // True the first time a register is offered.
    bool insert(const json::object& object) {
        if (const json::value* serial =
                object.if_contains(field_info(Field::serial_number).api_key());
            serial && serial->is_string())
            return serials_.emplace(serial->get_string()).second;
        return others_.insert(json::serialize(object)).second;
    }

  private:
    std::unordered_set<std::string> serials_;
    std::unordered_set<std::string> others_;
};

// Gathers the registers in one array, in one arena: 100,000 registers are a few million small
// JSON values, which it holds without per-value allocations and frees at once.
class ArraySink final : public RegisterSink {
  public:
    void add(const json::value& element, std::string_view) override {
        registers_.emplace_back(json::value(element, registers_.storage()));
    }
    json::array take() { return std::move(registers_); }

  private:
    json::array registers_ = json::array(json::make_shared_resource<json::monotonic_resource>());
};

}  // namespace

void check_credential_length(std::string_view value, std::string_view what) {
    if (utf8_length(value) > max_credential_length) {
        throw ConfigError(std::string(what) + " is longer than " +
                          std::to_string(max_credential_length) + " characters");
    }
}

AtolClient::AtolClient(HttpTransport& http, AtolClientOptions options, TokenStore* tokens,
                       const Clock& clock)
    : http_(http), options_(std::move(options)), tokens_(tokens), clock_(clock) {
    while (!options_.base_url.empty() && options_.base_url.back() == '/') {
        options_.base_url.pop_back();
    }
}

std::string AtolClient::token(const Deadline& deadline, bool force_new) {
    if (force_new) {
        token_.reset();
        if (tokens_ != nullptr) tokens_->forget();
    } else if (token_) {
        return *token_;
    } else if (tokens_ != nullptr) {
        if (auto stored = tokens_->load(clock_.now()); stored && !stored->empty()) {
            token_ = std::move(*stored);
            return *token_;
        }
    }

    check_credentials(options_);
    HttpRequest request;
    request.method = "POST";
    request.url = options_.base_url + "/auth/v1/gettoken";
    request.headers = {content_type_header, accept_json};
    request.body =
        json::serialize(json::value_from(Credentials{options_.login, options_.password}));
    const HttpResponse response =
        perform_respecting_retry_after(http_, request, deadline, stats_, /*auth=*/true);

    json::error_code ec;
    const json::value value = json::parse(response.body, ec, {}, api_parse_options());
    if (ec || !value.is_object()) {
        if (response.status >= 500) {
            throw_failure<ApiError>(auth_failed_prefix, atol_error_label, std::nullopt, response,
                                    request.url);
        }
        if (response.status >= 400) {
            throw_failure<AuthError>(auth_failed_prefix, atol_error_label, std::nullopt, response,
                                     request.url);
        }
        throw ProtocolError("the authentication answer from " + display_url(request.url) +
                            " is not a JSON object (HTTP " + std::to_string(response.status) + ")");
    }
    TokenReply reply = json::value_to<TokenReply>(value);
    if (response.status >= 500 && !reply.error) {
        throw_failure<ApiError>(auth_failed_prefix, atol_error_label, std::nullopt, response,
                                request.url);
    }
    if (response.status >= 400 || reply.error) {
        throw_failure<AuthError>(auth_failed_prefix, atol_error_label, reply.error, response,
                                 request.url);
    }
    if (reply.token.empty()) {
        throw AuthError("authentication failed: the answer holds no token (HTTP " +
                            std::to_string(response.status) + ")",
                        response.status, std::nullopt, std::string());
    }
    // The token goes into a header line: control characters would split or corrupt it.
    for (const char c : reply.token) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7F) {
            throw ProtocolError("the authentication answer holds a token with control characters");
        }
    }
    token_ = std::move(reply.token);
    if (tokens_ != nullptr) tokens_->save(*token_, clock_.now() + options_.token_lifetime);
    return *token_;
}

HttpResponse AtolClient::authorized_get(const std::string& url, bool hal,
                                        const Deadline& deadline) {
    bool renewed = false;
    for (;;) {
        HttpRequest request;
        request.url = url;
        request.headers = {"Token: " + token(deadline, /*force_new=*/renewed), content_type_header,
                           hal ? accept_hal : accept_json};
        HttpResponse response =
            perform_respecting_retry_after(http_, request, deadline, stats_, /*auth=*/false);

        std::optional<AtolError> error;
        if (response.status >= 400 || starts_json_object(response.body)) {
            error = atol_error_in(response.body);
        }
        if (is_token_rejection(error, response.status)) {
            if (renewed) {
                throw_failure<AuthError>(
                    "authentication failed: the server refused a freshly issued token: ",
                    atol_error_label, error, response, url);
            }
            renewed = true;  // get a new token once and repeat the request once
            continue;
        }
        if (error || response.status >= 400) {
            throw_failure<ApiError>("", "ATOL API error", error, response, url);
        }
        return response;
    }
}

boost::json::array AtolClient::list_registers(const Deadline& deadline) {
    ArraySink registers;
    list_registers(deadline, registers);
    return registers.take();
}

void AtolClient::list_registers(const Deadline& deadline, RegisterSink& sink) {
    check_credentials(options_);
    const std::size_t limit = std::max<std::size_t>(options_.page_size, 1);
    const std::size_t max_pages = std::max<std::size_t>(options_.max_pages, 1);
    const std::string page_url =
        options_.base_url + "/kkt/v1/cash-registers?limit=" + std::to_string(limit) + "&offset=";

    SeenRegisters seen;
    std::size_t offset = 0;
    for (std::size_t page_number = 1;; ++page_number) {
        const HttpResponse response =
            authorized_get(page_url + std::to_string(offset), /*hal=*/false, deadline);
        ++stats_.list_pages;
        std::size_t received = 0;
        std::size_t new_registers = 0;
        const auto take = [&](const json::value& item, std::string_view text) {
            ++received;
            if (seen.insert(item.get_object())) {
                sink.add(item, text);
                ++new_registers;
            }
        };
        // Element by element, each with its text in the page; a page that this does not take
        // is parsed whole, which says what is wrong with it (or offers its registers again:
        // those taken already are seen).
        const std::string_view body = response.body;
        if (!for_each_object_element(body, api_parse_options(),
                                     [&](const json::value& item, TextSpan span) {
                                         take(item, body.substr(span.offset, span.length));
                                     })) {
            received = 0;
            const json::array page = parse_list_page(
                response.body, offset, json::make_shared_resource<json::monotonic_resource>());
            for (const json::value& item : page) take(item, json::serialize(item));
        }
        if (received == 0) break;  // past the end
        // The page after the last allowed one may only confirm the end.
        if (new_registers > 0 && page_number > max_pages) {
            throw ProtocolError("register list did not end after " + std::to_string(max_pages) +
                                " pages");
        }
        if (received > limit) break;    // the server ignored paging: this is everything
        if (new_registers == 0) break;  // the server ignored offset: same page again
        offset += received;             // by what came, as a server may cap below `limit`
    }
}

Register AtolClient::get_register(std::string_view serial, const Deadline& deadline) {
    const std::string trimmed(trim(serial));
    if (trimmed.empty()) throw ConfigError("the serial number is empty");
    check_credentials(options_);
    const std::string url =
        options_.base_url + "/kkt/v1/cash-registers/" + url_encode_path_segment(trimmed);
    HttpResponse response;
    try {
        response = authorized_get(url, /*hal=*/true, deadline);
    } catch (const AuthError&) {
        throw;
    } catch (const ApiError& error) {
        if (error.http_status() != 404) throw;
        throw NotFoundError("register " + trimmed + " not found in the account", 404, error.code(),
                            error.text());
    }
    return parse_register_envelope(response.body);
}

}  // namespace kkt
