#pragma once
// --web.listen-address as Prometheus exporters write it: "HOST:PORT", ":PORT" (every
// interface), "[IPV6]:PORT"; port 0 takes an ephemeral one.
#include <cstdint>
#include <string>
#include <string_view>

namespace kkt::web {

struct ListenAddress {
    std::string host;  // empty: every interface (IPv6 and IPv4 where the system has both)
    std::uint16_t port = 0;
};

// Throws ConfigError saying what is wrong with `text`.
ListenAddress parse_listen_address(std::string_view text);

}  // namespace kkt::web
