// CurlTransport: HTTP over one libcurl easy handle per object (see http.hpp).
#include "common/http.hpp"

#include <curl/curl.h>
#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>

#include "common/errors.hpp"
#include "common/format.hpp"
#include "common/text.hpp"

namespace kkt {

namespace {

using std::chrono::milliseconds;

// libcurl's functions, from the library loaded by the first transport rather than by the
// dynamic linker at start: libcurl brings some 30 shared libraries (TLS, Kerberos, LDAP, IDN,
// ...) whose loading took about 3 ms of a run's ~11 ms start, and most runs send no request (a
// register read from the fresh cache: a Zabbix item, a check per register; docs/performance.md,
// "Start-up"). The Debian package depends on libcurl4 by name (packaging/debian.cmake).
struct LibCurl {
    decltype(&::curl_global_init) global_init = nullptr;
    decltype(&::curl_easy_init) easy_init = nullptr;
    decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
    decltype(&::curl_easy_reset) easy_reset = nullptr;
    decltype(&::curl_easy_setopt) easy_setopt = nullptr;
    decltype(&::curl_easy_perform) easy_perform = nullptr;
    decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
    decltype(&::curl_easy_strerror) easy_strerror = nullptr;
    decltype(&::curl_slist_append) slist_append = nullptr;
    decltype(&::curl_slist_free_all) slist_free_all = nullptr;
};

constexpr const char* libcurl_soname = "libcurl.so.4";

template <class Function>
void resolve(void* library, const char* name, Function& function) {
    function = reinterpret_cast<Function>(::dlsym(library, name));
    if (function == nullptr)
        throw TransportError(std::string("cannot use ") + libcurl_soname + ": it has no " + name);
}

LibCurl load_libcurl() {
    // Never closed: its handles may live until the process ends.
    void* library = ::dlopen(libcurl_soname, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        const char* why = ::dlerror();
        throw TransportError(std::string("cannot load ") + libcurl_soname +
                             " (package libcurl4): " + (why != nullptr ? why : "unknown error"));
    }
    LibCurl curl;
    resolve(library, "curl_global_init", curl.global_init);
    resolve(library, "curl_easy_init", curl.easy_init);
    resolve(library, "curl_easy_cleanup", curl.easy_cleanup);
    resolve(library, "curl_easy_reset", curl.easy_reset);
    resolve(library, "curl_easy_setopt", curl.easy_setopt);
    resolve(library, "curl_easy_perform", curl.easy_perform);
    resolve(library, "curl_easy_getinfo", curl.easy_getinfo);
    resolve(library, "curl_easy_strerror", curl.easy_strerror);
    resolve(library, "curl_slist_append", curl.slist_append);
    resolve(library, "curl_slist_free_all", curl.slist_free_all);
    // curl_global_init is not thread-safe on older libcurl, so it runs exactly once (a function
    // static is initialised once even with concurrent callers). It is never cleaned up: the
    // process ends first, and a cleanup racing another thread's handle would be worse.
    const CURLcode result = curl.global_init(CURL_GLOBAL_DEFAULT);
    if (result != CURLE_OK) {
        throw TransportError(std::string("libcurl initialisation failed: ") +
                             curl.easy_strerror(result));
    }
    return curl;
}

// The loaded and initialised library; throws TransportError when it cannot be (and tries again
// on the next call).
const LibCurl& libcurl() {
    static const LibCurl loaded = load_libcurl();
    return loaded;
}

struct CurlEasyDeleter {
    void operator()(CURL* handle) const { libcurl().easy_cleanup(handle); }
};
struct CurlSlistDeleter {
    void operator()(curl_slist* list) const { libcurl().slist_free_all(list); }
};
using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;

std::string format_size_limit(std::size_t bytes) {
    constexpr std::size_t mib = 1024u * 1024u;
    if (bytes >= mib && bytes % mib == 0) return std::to_string(bytes / mib) + " MiB";
    return std::to_string(bytes) + " bytes";
}

bool iequals_prefix(std::string_view line, std::string_view prefix) {
    if (line.size() < prefix.size()) return false;
    return std::equal(prefix.begin(), prefix.end(), line.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
    });
}

// Retry-After in its delay-seconds form; the HTTP-date form is ignored (nullopt).
std::optional<long> parse_retry_after(std::string_view value) {
    if (value.empty() || value.size() > 9) return std::nullopt;
    long seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size() || seconds < 0) {
        return std::nullopt;
    }
    return seconds;
}

// What the callbacks of one request write into.
struct Exchange {
    HttpResponse response;
    std::size_t max_body_bytes = 0;
    bool body_too_large = false;
};

extern "C" size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* exchange = static_cast<Exchange*>(user);
    const std::size_t bytes = size * count;
    if (exchange->response.body.size() + bytes > exchange->max_body_bytes) {
        exchange->body_too_large = true;
        return 0;  // makes libcurl abort with CURLE_WRITE_ERROR
    }
    exchange->response.body.append(data, bytes);
    return bytes;
}

extern "C" size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* exchange = static_cast<Exchange*>(user);
    const std::size_t bytes = size * count;
    const std::string_view line(data, bytes);
    if (iequals_prefix(line, "HTTP/")) {
        // A new response starts (after a 100 Continue or a proxy's CONNECT answer): only
        // the final response's headers count.
        exchange->response.content_type.clear();
        exchange->response.retry_after_seconds.reset();
    } else if (iequals_prefix(line, "content-type:")) {
        exchange->response.content_type = std::string(trim(line.substr(13)));
    } else if (iequals_prefix(line, "retry-after:")) {
        exchange->response.retry_after_seconds = parse_retry_after(trim(line.substr(12)));
    }
    return bytes;
}

}  // namespace

struct CurlTransport::Impl {
    HttpOptions options;
    CurlEasyPtr handle;
    CurlSlistPtr headers;
    char error_buffer[CURL_ERROR_SIZE] = {};

    // Sets every option of one request. The handle is reset first, so nothing of the
    // previous request (method, body, headers) leaks into this one; curl_easy_reset keeps
    // the live connections, TLS session and DNS caches, which is what reuse is for.
    void prepare(const HttpRequest& request, milliseconds remaining, Exchange& exchange) {
        const LibCurl& curl = libcurl();
        CURL* h = handle.get();
        curl.easy_reset(h);
        error_buffer[0] = '\0';
        headers.reset();
        for (const auto& header : request.headers) append_header(header);
        // Some libcurl versions send "Expect: 100-continue" for POST bodies: one round trip
        // for nothing.
        append_header("Expect:");

        curl.easy_setopt(h, CURLOPT_URL, request.url.c_str());
        curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
        curl.easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
        curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
        curl.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
        curl.easy_setopt(h, CURLOPT_USERAGENT, options.user_agent.c_str());
        // The whole request gets what is left of the run's budget. The connect phase gets
        // the same: there is no second attempt that a shorter connect limit would leave
        // time for, it would only fail earlier.
        const long timeout_ms = static_cast<long>(remaining.count());
        curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
        curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);

        curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options.insecure ? 0L : 1L);
        curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options.insecure ? 0L : 2L);
        if (!options.ca_file.empty()) curl.easy_setopt(h, CURLOPT_CAINFO, options.ca_file.c_str());
        if (!options.proxy.empty()) curl.easy_setopt(h, CURLOPT_PROXY, options.proxy.c_str());

        // Fails early when a Content-Length announces too much; the write callback catches
        // chunked and compressed bodies.
        curl.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                         static_cast<curl_off_t>(options.max_body_bytes));
        curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl.easy_setopt(h, CURLOPT_WRITEDATA, &exchange);
        curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
        curl.easy_setopt(h, CURLOPT_HEADERDATA, &exchange);

        if (request.method == "GET") {
            curl.easy_setopt(h, CURLOPT_HTTPGET, 1L);
        } else if (request.method == "POST") {
            curl.easy_setopt(h, CURLOPT_POST, 1L);
            curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(request.body.size()));
            curl.easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
        } else {
            throw std::invalid_argument("unsupported HTTP method: " + request.method);
        }
    }

    void append_header(const std::string& header) {
        curl_slist* appended = libcurl().slist_append(headers.get(), header.c_str());
        if (appended == nullptr) throw std::bad_alloc();
        headers.release();  // now owned through `appended`
        headers.reset(appended);
    }

    void trace(const std::string& line) const {
        if (options.trace) options.trace(line);
    }
};

CurlTransport::CurlTransport(HttpOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->handle.reset(libcurl().easy_init());
    if (!impl_->handle) throw TransportError("libcurl could not create a handle");
}

CurlTransport::~CurlTransport() = default;

HttpResponse CurlTransport::perform(const HttpRequest& request, const Deadline& deadline) {
    const milliseconds remaining = deadline.remaining();
    const std::string budget = format_seconds(deadline.budget());
    if (remaining.count() <= 0) {
        throw TimeoutError("request not sent: run budget of " + budget + " s exhausted");
    }

    Exchange exchange;
    exchange.max_body_bytes = impl_->options.max_body_bytes;
    impl_->prepare(request, remaining, exchange);

    const auto started = std::chrono::steady_clock::now();
    const CURLcode result = libcurl().easy_perform(impl_->handle.get());
    const auto elapsed =
        std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    const std::string traced_request =
        request.method + " " + display_url(request.url, /*keep_query=*/true) + " -> ";
    const std::string traced_time = std::to_string(elapsed.count()) + " ms";

    if (result != CURLE_OK) {
        std::string message;
        if (exchange.body_too_large || result == CURLE_FILESIZE_EXCEEDED) {
            message = "response body larger than " +
                      format_size_limit(impl_->options.max_body_bytes) + " limit from " +
                      display_url(request.url);
        } else if (result == CURLE_OPERATION_TIMEDOUT) {
            message = "request timed out (run budget of " + budget + " s exhausted) on " +
                      display_url(request.url);
        } else {
            // Through a proxy, the failure may be the proxy's: the message names it, and says
            // so outright when it answered the CONNECT for an HTTPS tunnel with an error
            // (libcurl's own words for that are "Failure when receiving data from the peer").
            const std::string& proxy = impl_->options.proxy;
            long connect_status = 0;
            libcurl().easy_getinfo(impl_->handle.get(), CURLINFO_HTTP_CONNECTCODE, &connect_status);
            message = request.method + " " + display_url(request.url) +
                      (proxy.empty() ? "" : " via proxy " + display_url(proxy)) + " failed: ";
            if (!proxy.empty() && connect_status >= 300) {
                message += "the proxy refused the tunnel (HTTP " + std::to_string(connect_status) +
                           " to CONNECT)";
            } else {
                message += libcurl().easy_strerror(result);
                if (impl_->error_buffer[0] != '\0') {
                    message += std::string(" (") + impl_->error_buffer + ")";
                }
            }
        }
        impl_->trace(traced_request + "failed: " + message + ", " + traced_time);
        if (result == CURLE_OPERATION_TIMEDOUT && !exchange.body_too_large) {
            throw TimeoutError(message);
        }
        throw TransportError(message);
    }

    libcurl().easy_getinfo(impl_->handle.get(), CURLINFO_RESPONSE_CODE, &exchange.response.status);
    impl_->trace(traced_request + std::to_string(exchange.response.status) + ", " +
                 std::to_string(exchange.response.body.size()) + " bytes, " + traced_time);
    return std::move(exchange.response);
}

std::string url_encode_path_segment(std::string_view segment) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string encoded;
    encoded.reserve(segment.size() * 3);
    for (const char c : segment) {
        const auto byte = static_cast<unsigned char>(c);
        const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                                (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' ||
                                byte == '_' || byte == '~';
        if (unreserved) {
            encoded += c;
        } else {
            encoded += '%';
            encoded += hex[byte >> 4];
            encoded += hex[byte & 0x0F];
        }
    }
    return encoded;
}

std::string display_url(std::string_view url, bool keep_query) {
    const auto scheme_end = url.find("://");
    const std::size_t authority_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
    const std::size_t authority_end =
        std::min(url.find_first_of("/?#", authority_start), url.size());
    const std::string_view authority = url.substr(authority_start, authority_end - authority_start);
    const auto at = authority.rfind('@');

    std::string shown(url.substr(0, authority_start));
    shown += at == std::string_view::npos ? authority : authority.substr(at + 1);
    std::string_view rest = url.substr(authority_end);
    rest = rest.substr(0, std::min(rest.find_first_of(keep_query ? "#" : "?#"), rest.size()));
    shown += rest;
    return shown;
}

}  // namespace kkt
