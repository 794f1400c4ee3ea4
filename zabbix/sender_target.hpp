#pragma once
// Where `zabbix send` sends to and as which host: --zabbix-server HOST[:PORT] and --host NAME,
// or what a Zabbix agent configuration file says (ServerActive, Hostname).
#include <optional>
#include <string>
#include <string_view>

#include "zabbix/sender.hpp"

namespace kkt::zabbix {

// "zabbix.example.com", "10.0.0.5:10051", "[::1]:10051", "::1". ConfigError when malformed.
TrapperAddress parse_trapper_address(std::string_view text);

struct AgentConfigTarget {
    std::optional<TrapperAddress> server;  // the first ServerActive entry
    std::optional<std::string> hostname;   // the first Hostname entry
};

// Reads ServerActive and Hostname from a zabbix_agentd.conf / zabbix_agent2.conf (Include
// files are not followed). ConfigError when the file cannot be read.
AgentConfigTarget read_agent_config(const std::string& path);

}  // namespace kkt::zabbix
