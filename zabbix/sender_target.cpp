#include "zabbix/sender_target.hpp"

#include <charconv>
#include <fstream>

#include "common/text.hpp"

namespace kkt::zabbix {
namespace {

std::uint16_t parse_port(std::string_view text, std::string_view whole) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value == 0 ||
        value > 65535)
        throw ConfigError("invalid port in Zabbix server address '" + std::string(whole) + "'");
    return static_cast<std::uint16_t>(value);
}

// The first entry of a list such as ServerActive's "a:10051;b:10051,c" or Hostname's "a,b".
std::string_view first_entry(std::string_view list) {
    return trim(list.substr(0, list.find_first_of(",;")));
}

}  // namespace

TrapperAddress parse_trapper_address(std::string_view text) {
    const std::string_view whole = text;
    text = trim(text);
    TrapperAddress address;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos)
            throw ConfigError("missing ']' in Zabbix server address '" + std::string(whole) + "'");
        address.host = std::string(text.substr(1, close - 1));
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':')
                throw ConfigError("unexpected text after ']' in Zabbix server address '" +
                                  std::string(whole) + "'");
            address.port = parse_port(rest.substr(1), whole);
        }
    } else if (const auto colon = text.find(':');
               colon != std::string_view::npos &&
               text.find(':', colon + 1) == std::string_view::npos) {
        address.host = std::string(text.substr(0, colon));
        address.port = parse_port(text.substr(colon + 1), whole);
    } else {
        address.host = std::string(text);  // a name, an IPv4 address or a bare IPv6 address
    }
    if (address.host.empty())
        throw ConfigError("no host in Zabbix server address '" + std::string(whole) + "'");
    return address;
}

AgentConfigTarget read_agent_config(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ConfigError("cannot read Zabbix agent configuration " + path);
    AgentConfigTarget target;
    std::string line;
    while (std::getline(in, line)) {
        const std::string_view text = trim(line);
        if (text.empty() || text.front() == '#') continue;
        const auto equals = text.find('=');
        if (equals == std::string_view::npos) continue;
        const std::string_view name = trim(text.substr(0, equals));
        const std::string_view value = first_entry(text.substr(equals + 1));
        if (value.empty()) continue;
        if (name == "ServerActive")
            target.server = parse_trapper_address(value);
        else if (name == "Hostname")
            target.hostname = std::string(value);
    }
    return target;
}

}  // namespace kkt::zabbix
