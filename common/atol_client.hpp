#pragma once
// The ATOL monitoring API client (docs/atol-api.md): token, paging, one register,
// one re-authentication on 401 / error code 10 or 11, typed errors.
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/deadline.hpp"
#include "common/http.hpp"
#include "common/register.hpp"

namespace kkt {

// The API takes a login and a password of at most this many characters, not bytes (a
// 100-letter Cyrillic password is 200 bytes and valid): docs/atol-api.md, "Authentication".
inline constexpr std::size_t max_credential_length = 100;

// Throws ConfigError "<what> is longer than N characters" when `value` has more characters
// than N = max_credential_length, each invalid UTF-8 byte counting as one.
void check_credential_length(std::string_view value, std::string_view what);

// Where the client keeps its token between runs (the cache implements it; tests fake it).
class TokenStore {
  public:
    virtual ~TokenStore() = default;
    virtual std::optional<std::string> load(TimePoint now) = 0;  // a still-valid token
    virtual void save(const std::string& token, TimePoint expires_at) = 0;
    virtual void forget() = 0;  // the server rejected it
};

// Takes the account's registers as AtolClient::list_registers() reads them, page by page: each
// register once, in API order, as the JSON object the API sent and as its text in the page
// (both valid during the call only).
class RegisterSink {
  public:
    virtual ~RegisterSink() = default;
    // `element` is always an object; `text` is valid JSON for it: the page's own bytes, so that
    // keeping the list as text needs no serialisation.
    virtual void add(const boost::json::value& element, std::string_view text) = 0;
};

struct AtolClientOptions {
    std::string base_url;  // e.g. "https://testonline.atol.ru/api", no trailing slash needed
    std::string login;
    std::string password;
    std::size_t page_size = 1000;  // the `limit` asked for
    std::size_t max_pages = 1000;  // more pages than this is an error, never a truncated list
    std::chrono::seconds token_lifetime = std::chrono::hours(24);  // assumed, see API page
};

struct AtolClientStats {
    std::size_t requests = 0;       // every HTTP request, authentication included
    std::size_t auth_requests = 0;  // of which gettoken requests
    std::size_t list_pages = 0;     // list pages received
};

class AtolClient {
  public:
    // `tokens` may be null (no token cache).
    AtolClient(HttpTransport& http, AtolClientOptions options, TokenStore* tokens,
               const Clock& clock);

    // Every register of the account as the raw JSON objects the API sent, in API order,
    // each serial once, handed to `sink` as each page arrives: no page outlives its turn, so
    // the whole list's DOM (about twice its text) never exists. Pages per the API page's
    // rules. Throws ApiError/AuthError/TransportError/TimeoutError/ProtocolError (`sink` may
    // have taken part of the list by then).
    void list_registers(const Deadline& deadline, RegisterSink& sink);
    // The same registers gathered in one array.
    boost::json::array list_registers(const Deadline& deadline);

    // One register by serial number (trimmed, path-encoded). Throws NotFoundError on 404.
    Register get_register(std::string_view serial, const Deadline& deadline);

    const AtolClientStats& stats() const { return stats_; }

  private:
    std::string token(const Deadline& deadline, bool force_new);
    HttpResponse authorized_get(const std::string& url, bool hal, const Deadline& deadline);

    HttpTransport& http_;
    AtolClientOptions options_;
    TokenStore* tokens_;
    const Clock& clock_;
    std::optional<std::string> token_;
    AtolClientStats stats_;
};

}  // namespace kkt
