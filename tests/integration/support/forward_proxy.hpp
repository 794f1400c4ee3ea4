#pragma once
// A real forward proxy for tests: tinyproxy (Debian's tinyproxy-bin, which scripts/setup.sh
// --tests installs), started in the foreground on 127.0.0.1 and a free port with a
// configuration in a private TempDir, its log kept there, stopped by PID on destruction.
#include <string>
#include <vector>

#include "integration/support/process.hpp"

namespace kkt::testing {

struct ForwardProxyRules {
    // false: an access list that admits only 192.0.2.1 (TEST-NET-1), so this machine's
    // requests get tinyproxy's "403 Access denied".
    bool admit_loopback = true;
    // Not empty: CONNECT only to these ports; a tunnel to any other gets "403 Access violation".
    std::vector<int> connect_ports;
};

class ForwardProxy {
  public:
    explicit ForwardProxy(ForwardProxyRules rules = {});
    ~ForwardProxy();
    ForwardProxy(const ForwardProxy&) = delete;
    ForwardProxy& operator=(const ForwardProxy&) = delete;

    const std::string& url() const { return url_; }  // "http://127.0.0.1:PORT"
    std::string log() const;                         // everything tinyproxy logged so far
    // The request lines tinyproxy logged, e.g. "GET http://127.0.0.1:8080/api/x HTTP/1.1" or
    // "CONNECT 127.0.0.1:8443 HTTP/1.1", in order.
    std::vector<std::string> requests() const;

  private:
    bool start(const ForwardProxyRules& rules, int port);
    TempDir dir_;
    int pid_ = -1;
    std::string url_;
};

// A loopback port nothing listens on while the returned object lives: bound, never listening,
// so a connection to it is refused and no other process can take it meanwhile.
class ClosedPort {
  public:
    ClosedPort();
    ~ClosedPort();
    ClosedPort(const ClosedPort&) = delete;
    ClosedPort& operator=(const ClosedPort&) = delete;
    int port() const { return port_; }

  private:
    int fd_ = -1;
    int port_ = 0;
};

}  // namespace kkt::testing
