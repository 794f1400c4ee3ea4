#pragma once
// `zabbix get SERIAL KEY`: one value of one register, as the text a Zabbix agent item gets.
// KEY is any key of the register's JSON element (status_json): the metrics, the raw fields,
// state and reasons — so a simple item and a JSONPath on the master item see the same thing.
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.hpp"
#include "common/fleet.hpp"

namespace kkt::zabbix {

// How long an agent item's command waits for the API before it answers from the last good
// register list (common/fleet.hpp, load_fleet_within): under the 3 s that Zabbix 6.0 and 7.0
// servers, proxies and agents give an item by default, process start and output included.
inline constexpr std::chrono::milliseconds default_answer_within{2000};

// A value Zabbix cannot have: unknown register, unknown key, unknown value. The message is
// the one line the item shows as its error.
class ItemError : public Error {
  public:
    using Error::Error;
};

// A key of every element of `zabbix registers` besides the register's own (status_json), and
// of `zabbix get`: seconds since the register list was fetched from the API, the same in every
// element. It grows while the agent is answered from the last good list (common/fleet.hpp,
// load_fleet_within), so the template can show and alert on the data's age.
inline constexpr std::string_view list_age_key = "list_age_seconds";

// Fleet::now - Fleet::fetched_at in whole seconds; 0 when unknown or in the future.
std::int64_t list_age_seconds(const Fleet& fleet);

// Every key `item_value` accepts, in the element's order.
const std::vector<std::string>& item_keys();

// ItemError ("unknown metric 'x' (valid: …)") unless `key` is one of item_keys() or
// list_age_key.
void check_item_key(std::string_view key);

// The text of one JSON value for Zabbix: strings as they are, numbers in the C locale,
// booleans as 1/0 (numeric items), arrays and objects as compact JSON; nullopt for null.
std::optional<std::string> format_item_value(const boost::json::value& value);

// The value of `key` for `status`. ItemError for a key no element has, or a value that is
// unknown ("register X: fn_days_left is unknown (the API gave no valid
// fiscalStorageExpiration)").
std::string item_value(const RegisterStatus& status, std::string_view key);

// The value of `key` for `status` of `fleet`: item_value(), or the fleet's list age.
std::string item_value(const Fleet& fleet, const RegisterStatus& status, std::string_view key);

// The register with this serial number in the fleet; ItemError ("register X not found in the
// account") when there is none.
const RegisterStatus& find_register(const Fleet& fleet, std::string_view serial);

}  // namespace kkt::zabbix
