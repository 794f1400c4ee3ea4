#pragma once
// A plain TCP client connection whose every step (connect, write, read) ends within the run's
// deadline: the sender protocol needs nothing more.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/deadline.hpp"
#include "common/posix_io.hpp"

namespace kkt::zabbix {

class TcpConnection {
  public:
    // Resolves `host` and connects to the first address that answers. TransportError when
    // nothing accepts, TimeoutError when the deadline passes first.
    TcpConnection(const std::string& host, std::uint16_t port, const Deadline& deadline);
    TcpConnection(const TcpConnection&) = delete;
    TcpConnection& operator=(const TcpConnection&) = delete;

    void write_all(std::string_view data);
    // Reads up to `size` bytes: 0 means the peer closed the connection.
    std::size_t read_some(char* buffer, std::size_t size);

    const std::string& peer() const { return peer_; }  // "host:port", for messages

  private:
    void wait_for(short events, const char* doing);
    OwnedFd fd_;
    const Deadline& deadline_;
    std::string peer_;
};

}  // namespace kkt::zabbix
