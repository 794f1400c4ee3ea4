#pragma once
// The JSON a Zabbix master item and low-level discovery read: the discovery array of LLD
// macros and the array of register elements (status_json), complete before a run prints them
// (in an OutputSpool for the registers) so that it never prints half a document.
#include <boost/json/array.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/fleet.hpp"
#include "common/output_spool.hpp"
#include "common/register.hpp"

namespace kkt::zabbix {

// One LLD macro: its name and the register field it carries.
struct LldMacro {
    std::string_view name;
    Field field;
};

// The LLD macros of one register, in this order. Unknown values are "".
inline constexpr LldMacro lld_macros[] = {
    {"{#SERIAL}", Field::serial_number},
    {"{#RNM}", Field::registration_number},
    {"{#DEVICE}", Field::device_number},
    {"{#GROUP}", Field::group_code},
    {"{#INN}", Field::fiscal_storage_inn},
    {"{#ADDRESS}", Field::fiscal_storage_payment_address},
    {"{#FN_SERIAL}", Field::fiscal_storage_serial_number},
};

// [{"{#SERIAL}":…,"{#RNM}":…,…}, …] in fleet order. A register without a serial number is
// left out: Zabbix could not key its items.
boost::json::array discovery_json(const std::vector<const RegisterStatus*>& registers);

// [{register element}, …] in fleet order, each element as `get` and `list --json` print it
// followed by list_age_key (zabbix/item_value.hpp) with `list_age`.
boost::json::array registers_json(const std::vector<const RegisterStatus*>& registers,
                                  std::int64_t list_age);

// Compact JSON text plus a newline: what the commands print.
std::string to_output(const boost::json::array& document);
// to_output(registers_json(registers, list_age)), written into `out` one register at a time.
void write_registers_output(const std::vector<const RegisterStatus*>& registers,
                            std::int64_t list_age, TextSink& out);

}  // namespace kkt::zabbix
