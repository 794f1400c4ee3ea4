#pragma once
// The HTTP side: an acceptor and one session per connection (HTTP/1.1 keep-alive), each on
// its own strand, so any number of threads can run the io_context. With a TLS context every
// connection is HTTPS (the handshake first, then the same session).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "emulator_state.hpp"

namespace emu {

class Server {
  public:
    // Binds and listens at once (port 0: an ephemeral port, see local_endpoint()).
    // `tls` (may be null: plain HTTP) must outlive the server.
    Server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
           EmulatorState& state, boost::asio::ssl::context* tls = nullptr);
    boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
    void start();
    void stop();

  private:
    void accept();

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    EmulatorState& state_;
    boost::asio::ssl::context* tls_;
};

// A server TLS context with this certificate chain and private key (PEM files); throws
// std::runtime_error naming the file that does not load.
boost::asio::ssl::context make_tls_context(const std::string& cert_file,
                                           const std::string& key_file);

// Verbose request logging to stderr (off by default: stdout's first line is the URL).
void set_verbose(bool verbose);
void log_line(const std::string& line);

}  // namespace emu
