#pragma once
// The JSON a Zabbix master item and low-level discovery read: the discovery array of LLD
// macros and the array of register elements (status_json), built whole in memory so a run
// never prints half a document.
#include <boost/json/array.hpp>
#include <string>
#include <vector>

#include "common/fleet.hpp"

namespace kkt::zabbix {

// The LLD macros of one register, in this order. Unknown values are "".
inline constexpr const char* lld_macros[] = {"{#SERIAL}", "{#RNM}",     "{#DEVICE}",   "{#GROUP}",
                                             "{#INN}",    "{#ADDRESS}", "{#FN_SERIAL}"};

// [{"{#SERIAL}":…,"{#RNM}":…,…}, …] in fleet order. A register without a serial number is
// left out: Zabbix could not key its items.
boost::json::array discovery_json(const std::vector<const RegisterStatus*>& registers);

// [{register element}, …] in fleet order, each element as `get` and `list --json` print it.
boost::json::array registers_json(const std::vector<const RegisterStatus*>& registers);

// Compact JSON text plus a newline: what the commands print.
std::string to_output(const boost::json::array& document);
// to_output(registers_json(registers)), built one register at a time.
std::string registers_output(const std::vector<const RegisterStatus*>& registers);

}  // namespace kkt::zabbix
