#pragma once
// The HTTP side: an acceptor and one session per connection (HTTP/1.1 keep-alive), each on
// its own strand, so any number of threads can run the io_context.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "emulator_state.hpp"

namespace emu {

class Server {
  public:
    // Binds and listens at once (port 0: an ephemeral port, see local_endpoint()).
    Server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
           EmulatorState& state);
    boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
    void start();
    void stop();

  private:
    void accept();

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    EmulatorState& state_;
};

// Verbose request logging to stderr (off by default: stdout's first line is the URL).
void set_verbose(bool verbose);
void log_line(const std::string& line);

}  // namespace emu
