// CurlTransport against a loopback HTTP server started inside the test.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "common/errors.hpp"
#include "common/http.hpp"

namespace kkt {
namespace {

using namespace std::chrono_literals;

struct ReceivedRequest {
    std::string method;
    std::string target;
    std::vector<std::string> header_lines;
    std::string body;
    int connection = 0;  // 1-based index of the connection it came on

    bool has_header(std::string_view line) const {
        for (const auto& h : header_lines) {
            if (h == line) return true;
        }
        return false;
    }
    bool has_header_named(std::string_view name) const {
        for (const auto& h : header_lines) {
            if (h.size() > name.size() && strncasecmp(h.c_str(), name.data(), name.size()) == 0 &&
                h[name.size()] == ':') {
                return true;
            }
        }
        return false;
    }
};

// A tiny single-threaded HTTP/1.1 server on 127.0.0.1 with an ephemeral port. The handler
// gives the raw response text for a request, or nullopt to never answer it.
class LoopbackServer {
  public:
    using Handler = std::function<std::optional<std::string>(const ReceivedRequest&)>;

    explicit LoopbackServer(Handler handler) : handler_(std::move(handler)) {
        listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (listen_fd_ < 0 ||
            bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            listen(listen_fd_, 16) != 0 || pipe(wake_) != 0) {
            throw std::runtime_error("loopback server setup failed");
        }
        socklen_t length = sizeof address;
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { run(); });
    }

    ~LoopbackServer() {
        const char stop = 'x';
        (void)!write(wake_[1], &stop, 1);
        thread_.join();
        close(listen_fd_);
        close(wake_[0]);
        close(wake_[1]);
    }

    std::string url(std::string_view path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
    }
    int connections() const { return connections_.load(); }
    std::vector<ReceivedRequest> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

  private:
    struct Client {
        int fd;
        int index;
        std::string buffer;
    };

    void run() {
        std::vector<Client> clients;
        for (;;) {
            std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
            for (const auto& c : clients) fds.push_back({c.fd, POLLIN, 0});
            if (poll(fds.data(), fds.size(), -1) < 0) break;
            if (fds[0].revents != 0) break;
            if (fds[1].revents & POLLIN) {
                const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
                if (fd >= 0) clients.push_back({fd, ++connections_, {}});
            }
            for (std::size_t i = 2; i < fds.size(); ++i) {
                if (fds[i].revents == 0) continue;
                Client& client = clients[i - 2];
                char chunk[65536];
                const ssize_t n = recv(client.fd, chunk, sizeof chunk, 0);
                if (n <= 0) {
                    close(client.fd);
                    client.fd = -1;
                    continue;
                }
                client.buffer.append(chunk, static_cast<std::size_t>(n));
                serve_complete_requests(client);
            }
            std::erase_if(clients, [](const Client& c) { return c.fd < 0; });
        }
        for (const auto& c : clients) close(c.fd);
    }

    void serve_complete_requests(Client& client) {
        for (;;) {
            const auto head_end = client.buffer.find("\r\n\r\n");
            if (head_end == std::string::npos) return;
            ReceivedRequest request;
            request.connection = client.index;
            std::size_t content_length = 0;
            std::size_t line_start = 0;
            bool first = true;
            while (line_start < head_end) {
                const auto line_end = client.buffer.find("\r\n", line_start);
                const std::string line = client.buffer.substr(line_start, line_end - line_start);
                line_start = line_end + 2;
                if (first) {
                    const auto sp1 = line.find(' ');
                    const auto sp2 = line.find(' ', sp1 + 1);
                    request.method = line.substr(0, sp1);
                    request.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
                    first = false;
                    continue;
                }
                if (strncasecmp(line.c_str(), "content-length:", 15) == 0) {
                    content_length = std::stoul(line.substr(15));
                }
                request.header_lines.push_back(line);
            }
            if (client.buffer.size() < head_end + 4 + content_length) return;
            request.body = client.buffer.substr(head_end + 4, content_length);
            client.buffer.erase(0, head_end + 4 + content_length);
            {
                std::lock_guard lock(mutex_);
                requests_.push_back(request);
            }
            if (const auto response = handler_(request)) {
                (void)!send(client.fd, response->data(), response->size(), MSG_NOSIGNAL);
            }
        }
    }

    Handler handler_;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};
    int port_ = 0;
    std::atomic<int> connections_{0};
    mutable std::mutex mutex_;
    std::vector<ReceivedRequest> requests_;
    std::thread thread_;
};

std::string http_response(int status, std::string_view body, std::string_view extra_headers = "") {
    return "HTTP/1.1 " + std::to_string(status) +
           " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
           std::string(extra_headers) + "\r\n" + std::string(body);
}

std::string chunked_response(std::string_view body) {
    char size_hex[32];
    std::snprintf(size_hex, sizeof size_hex, "%zx", body.size());
    return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(size_hex) +
           "\r\n" + std::string(body) + "\r\n0\r\n\r\n";
}

HttpRequest get(std::string url) {
    HttpRequest request;
    request.url = std::move(url);
    return request;
}

Deadline seconds(int n) {
    return Deadline(std::chrono::seconds(n));
}

TEST(CurlTransport, ReturnsStatusBodyAndContentType) {
    LoopbackServer server([](const ReceivedRequest&) {
        return http_response(200, "[1,2]", "Content-Type: application/json\r\n");
    });
    CurlTransport transport({});
    const HttpResponse response = transport.perform(get(server.url("/api/x")), seconds(5));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "[1,2]");
    EXPECT_EQ(response.content_type, "application/json");
    EXPECT_EQ(response.retry_after_seconds, std::nullopt);
}

TEST(CurlTransport, ErrorStatusesAreReturnedWithRetryAfterSeconds) {
    LoopbackServer server([](const ReceivedRequest& request) {
        if (request.target == "/date") {
            return http_response(503, "", "Retry-After: Fri, 31 Dec 1999 23:59:59 GMT\r\n");
        }
        return http_response(503, "busy", "Retry-After: 120\r\nContent-Type: text/plain\r\n");
    });
    CurlTransport transport({});
    const HttpResponse response = transport.perform(get(server.url("/x")), seconds(5));
    EXPECT_EQ(response.status, 503);
    EXPECT_EQ(response.body, "busy");
    EXPECT_EQ(response.content_type, "text/plain");
    EXPECT_EQ(response.retry_after_seconds, 120);
    // The HTTP-date form is not a number of seconds: ignored.
    EXPECT_EQ(transport.perform(get(server.url("/date")), seconds(5)).retry_after_seconds,
              std::nullopt);
}

TEST(CurlTransport, ReusesOneConnectionAndResetsRequestState) {
    LoopbackServer server([](const ReceivedRequest&) { return http_response(200, "ok"); });
    CurlTransport transport({});
    HttpRequest post;
    post.method = "POST";
    post.url = server.url("/api/auth/v1/gettoken");
    post.headers = {"Content-Type: application/json; charset=utf-8"};
    post.body = R"({"login":"a","pass":"b"})";
    EXPECT_EQ(transport.perform(post, seconds(5)).status, 200);
    HttpRequest list = get(server.url("/api/kkt/v1/cash-registers?limit=1&offset=0"));
    list.headers = {"Token: abc"};
    EXPECT_EQ(transport.perform(list, seconds(5)).status, 200);

    EXPECT_EQ(server.connections(), 1);
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].body, R"({"login":"a","pass":"b"})");
    EXPECT_TRUE(requests[0].has_header("Content-Type: application/json; charset=utf-8"));
    EXPECT_FALSE(requests[0].has_header_named("Expect"));
    EXPECT_TRUE(requests[0].has_header_named("Accept-Encoding"));
    EXPECT_EQ(requests[1].method, "GET");
    EXPECT_EQ(requests[1].target, "/api/kkt/v1/cash-registers?limit=1&offset=0");
    EXPECT_EQ(requests[1].body, "");
    EXPECT_TRUE(requests[1].has_header("Token: abc"));
    // Nothing of the POST leaks into the GET on the reused handle.
    EXPECT_FALSE(requests[1].has_header_named("Content-Type"));
    EXPECT_FALSE(requests[1].has_header_named("Content-Length"));
    EXPECT_EQ(requests[1].connection, 1);
}

TEST(CurlTransport, BodyOverTheCapIsATransportError) {
    const std::string big(2048, 'x');
    LoopbackServer server([&](const ReceivedRequest& request) {
        return request.target == "/chunked" ? chunked_response(big) : http_response(200, big);
    });
    HttpOptions options;
    options.max_body_bytes = 1024;
    CurlTransport transport(options);
    for (const char* path : {"/length", "/chunked"}) {
        try {
            transport.perform(get(server.url(path)), seconds(5));
            ADD_FAILURE() << path << ": no exception";
        } catch (const TransportError& e) {
            EXPECT_EQ(std::string(e.what()),
                      "response body larger than 1024 bytes limit from " + server.url(path));
        }
    }
}

TEST(CurlTransport, BodyExactlyAtTheCapIsAccepted) {
    const std::string body(1024, 'y');
    LoopbackServer server([&](const ReceivedRequest&) { return chunked_response(body); });
    HttpOptions options;
    options.max_body_bytes = 1024;
    CurlTransport transport(options);
    EXPECT_EQ(transport.perform(get(server.url("/")), seconds(5)).body, body);
}

TEST(CurlTransport, DefaultBodyCapIsReportedInMiB) {
    const std::string body(64u * 1024u * 1024u + 1u, 'z');
    LoopbackServer server([&](const ReceivedRequest&) { return http_response(200, body); });
    CurlTransport transport({});
    EXPECT_THROW(
        {
            try {
                transport.perform(get(server.url("/big")), seconds(10));
            } catch (const TransportError& e) {
                EXPECT_EQ(std::string(e.what()),
                          "response body larger than 64 MiB limit from " + server.url("/big"));
                throw;
            }
        },
        TransportError);
}

TEST(CurlTransport, ConnectionRefusedIsATransportError) {
    // A bound socket that does not listen: connecting to its port is refused.
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    const std::string url =
        "http://user:secret@127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/api?x=1";

    CurlTransport transport({});
    try {
        transport.perform(get(url), seconds(5));
        ADD_FAILURE() << "no exception";
    } catch (const TimeoutError& e) {
        ADD_FAILURE() << "refused connection reported as a timeout: " << e.what();
    } catch (const TransportError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("GET http://127.0.0.1:"), std::string::npos) << message;
        EXPECT_NE(message.find("Couldn't connect to server"), std::string::npos) << message;
        EXPECT_EQ(message.find("secret"), std::string::npos) << message;
        EXPECT_EQ(message.find("user"), std::string::npos) << message;
    }
    close(fd);
}

TEST(CurlTransport, ServerThatNeverAnswersTimesOutWithinTheBudget) {
    LoopbackServer server([](const ReceivedRequest&) { return std::nullopt; });
    CurlTransport transport({});
    const Deadline deadline(300ms);
    const auto started = std::chrono::steady_clock::now();
    try {
        transport.perform(get(server.url("/slow")), deadline);
        ADD_FAILURE() << "no exception";
    } catch (const TimeoutError& e) {
        EXPECT_NE(std::string(e.what()).find("run budget of 0.3 s exhausted"), std::string::npos)
            << e.what();
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_LT(elapsed, 800ms);
    EXPECT_EQ(server.requests().size(), 1u);
}

TEST(CurlTransport, ExhaustedDeadlineSendsNothing) {
    LoopbackServer server([](const ReceivedRequest&) { return http_response(200, ""); });
    CurlTransport transport({});
    EXPECT_THROW(transport.perform(get(server.url("/")), Deadline(0ms)), TimeoutError);
    EXPECT_EQ(server.connections(), 0);
}

TEST(CurlTransport, TracesOneLinePerRequestWithoutSecrets) {
    LoopbackServer server([](const ReceivedRequest&) { return http_response(200, "hello"); });
    std::vector<std::string> lines;
    HttpOptions options;
    options.trace = [&](const std::string& line) { lines.push_back(line); };
    CurlTransport transport(options);
    HttpRequest request = get(server.url("/api/kkt/v1/cash-registers?limit=1000&offset=0"));
    request.url.insert(std::string("http://").size(), "user:secret@");
    request.headers = {"Token: tok-secret"};
    transport.perform(request, seconds(5));

    ASSERT_EQ(lines.size(), 1u);
    const std::regex expected(
        R"(GET http://127\.0\.0\.1:\d+/api/kkt/v1/cash-registers\?limit=1000&offset=0 -> 200, 5 bytes, \d+ ms)");
    EXPECT_TRUE(std::regex_match(lines[0], expected)) << lines[0];
}

TEST(UrlEncodePathSegment, KeepsUnreservedAndEncodesTheRest) {
    EXPECT_EQ(url_encode_path_segment("00 1/2"), "00%201%2F2");
    EXPECT_EQ(url_encode_path_segment("AZaz09-._~"), "AZaz09-._~");
    EXPECT_EQ(url_encode_path_segment("?#%+"), "%3F%23%25%2B");
    EXPECT_EQ(url_encode_path_segment("\xD0\x96"), "%D0%96");  // "Ж" in UTF-8
    EXPECT_EQ(url_encode_path_segment(""), "");
}

TEST(DisplayUrl, DropsCredentialsAndOptionallyTheQuery) {
    EXPECT_EQ(display_url("https://u:p@online.atol.ru/api/x?limit=1#f"),
              "https://online.atol.ru/api/x");
    EXPECT_EQ(display_url("https://u:p@online.atol.ru/api/x?limit=1#f", true),
              "https://online.atol.ru/api/x?limit=1");
    EXPECT_EQ(display_url("http://127.0.0.1:8080/api?q=a@b"), "http://127.0.0.1:8080/api");
    EXPECT_EQ(display_url("http://127.0.0.1:8080?q=a@b", true), "http://127.0.0.1:8080?q=a@b");
}

}  // namespace
}  // namespace kkt
