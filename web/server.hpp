#pragma once
// A small HTTP/1.1 server on Boost.Beast/Asio for read-only endpoints: GET and HEAD only (405
// otherwise), keep-alive, optional TLS and basic authentication (web/security.hpp), and limits
// so that no client can hold it: a cap on connections (more get 503), on the request head's
// size (431) and body (413), a timeout for a request's head once its first byte came (and for
// the first request of a connection from the accept), for an idle keep-alive connection and
// for writing an answer. stop() is graceful: no new connections, idle ones closed, requests
// under way answered first. It knows nothing of what it serves: a Handler answers each request.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/log.hpp"
#include "web/http.hpp"
#include "web/listen_address.hpp"
#include "web/security.hpp"

namespace kkt::web {

struct ServerLimits {
    std::size_t max_connections = 100;
    std::chrono::milliseconds read_header_timeout{10000};
    // How long a keep-alive connection may wait for its next request.
    std::chrono::milliseconds idle_timeout{120000};
    std::chrono::milliseconds write_timeout{120000};
    std::uint32_t max_header_bytes = 8192;
    std::uint64_t max_body_bytes = 0;  // read-only endpoints take no body
};

class Server {
  public:
    // Binds and listens at once (port 0: an ephemeral one, see local_endpoint()); throws
    // ConfigError naming the address when it cannot. `log` gets connection-level failures at
    // -vv and one line per request at -vvv (never a header's value).
    Server(boost::asio::io_context& io, const ListenAddress& address, ServerLimits limits,
           std::shared_ptr<const Security> security, Handler handler, const Log& log);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    boost::asio::ip::tcp::endpoint local_endpoint() const;
    // "https://127.0.0.1:9632" (brackets for IPv6; the bound port).
    std::string url() const;
    void start();
    // New connections get `security` (TLS or not); every request from now on its users.
    void set_security(std::shared_ptr<const Security> security);
    void stop();

    struct Shared;

  private:
    void accept();
    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::shared_ptr<Shared> shared_;
};

}  // namespace kkt::web
