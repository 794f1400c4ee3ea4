#include "web/listen_address.hpp"

#include <charconv>

#include "common/errors.hpp"

namespace kkt::web {

ListenAddress parse_listen_address(std::string_view text) {
    const auto refuse = [&](const std::string& why) {
        return ConfigError("--web.listen-address '" + std::string(text) + "': " + why +
                           " (expected HOST:PORT, :PORT or [IPV6]:PORT)");
    };
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) throw refuse("no port");
    std::string_view host = text.substr(0, colon);
    const std::string_view port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    else if (host.find(':') != std::string_view::npos)
        throw refuse("an IPv6 address needs brackets");
    unsigned port = 0;
    const auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
        port > 65535)
        throw refuse("the port must be a number from 0 to 65535");
    return ListenAddress{std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace kkt::web
