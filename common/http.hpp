#pragma once
// HTTP over libcurl: one easy handle reused for every request of a run (keeps the connection
// and TLS session), timeouts from the run's Deadline, a cap on the body size.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/deadline.hpp"

namespace kkt {

struct HttpRequest {
    std::string method = "GET";  // "GET" or "POST"
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::string content_type;
    std::optional<long> retry_after_seconds;  // from a Retry-After header in seconds
};

// What performs requests; the ATOL client talks to this, so paging and auth logic can be
// tested with a scripted fake.
class HttpTransport {
  public:
    virtual ~HttpTransport() = default;
    // Throws TimeoutError when the deadline runs out, TransportError for anything else that
    // prevents an HTTP answer (including a body over the size cap). HTTP error statuses are
    // returned, not thrown.
    virtual HttpResponse perform(const HttpRequest& request, const Deadline& deadline) = 0;
};

struct HttpOptions {
    std::string ca_file;    // empty: the system's CA store
    std::string proxy;      // empty: none (libcurl still honours no proxy env unless set)
    bool insecure = false;  // disable TLS peer/host verification (the user said --insecure)
    std::size_t max_body_bytes = 64u * 1024u * 1024u;
    std::string user_agent = "atol-kkt-monitor";
    // Receives one line per request/response for -vvv style tracing; never given headers
    // or bodies that hold secrets.
    std::function<void(const std::string&)> trace;
};

class CurlTransport final : public HttpTransport {
  public:
    explicit CurlTransport(HttpOptions options);
    ~CurlTransport() override;
    CurlTransport(const CurlTransport&) = delete;
    CurlTransport& operator=(const CurlTransport&) = delete;

    HttpResponse perform(const HttpRequest& request, const Deadline& deadline) override;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Percent-encodes one URL path segment (RFC 3986 unreserved characters kept).
std::string url_encode_path_segment(std::string_view segment);

// The URL fit for messages and traces: any "user:password@" removed, and the query and
// fragment too unless `keep_query`.
std::string display_url(std::string_view url, bool keep_query = false);

}  // namespace kkt
