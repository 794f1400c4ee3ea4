#pragma once
// What `zabbix send` pushes: the template's master item (the registers JSON) and the
// discovery JSON, as values of trapper items whose keys are the agent keys
// (atol.kkt.registers[<profile>], atol.kkt.discovery[<profile>]), so switching the template's
// items from "Zabbix agent" to "Zabbix trapper" is the whole change on the Zabbix side.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/fleet.hpp"
#include "zabbix/sender.hpp"

namespace kkt::zabbix {

enum class TrapperItem { registers, discovery };

// "registers,discovery" (any order, no repeats) -> the items. ConfigError for anything else.
std::vector<TrapperItem> parse_trapper_items(std::string_view list);

// "atol.kkt.registers" / "atol.kkt.discovery": plain keys, whatever the profile. Zabbix 6.0's
// trapper does not match a pushed "atol.kkt.registers[shop]" against the template's
// "atol.kkt.registers[{$ATOL.PROFILE}]" (processed 0, failed 2), so the trapper template
// uses the plain keys and one Zabbix host per profile tells the accounts apart.
std::string trapper_key(TrapperItem item);

// One value per item, for Zabbix host `host`, stamped with `clock` (seconds since the epoch);
// the registers carry `list_age` (registers_json, zabbix/lld.hpp).
std::vector<SenderValue> trapper_values(const std::vector<TrapperItem>& items,
                                        const std::vector<const RegisterStatus*>& registers,
                                        const std::string& host, std::int64_t clock,
                                        std::int64_t list_age);

// The master item's value when the API could not be read: `error_line`, the line an agent item
// would hold ("atol-kkt: …"), so the trapper template's API error item and trigger see what the
// agent template's see.
SenderValue trapper_error_value(const std::string& host, std::string error_line,
                                std::int64_t clock);

}  // namespace kkt::zabbix
