#pragma once
// A register with its metrics and state as one flat JSON object: the raw API fields in
// snake_case, every metric, the state and its reasons. Unknown values are null. Key order is
// fixed. Used by `get`, `list --json` and the Zabbix master item, so they agree.
#include <boost/json/value.hpp>
#include <string>

#include "common/fleet.hpp"

namespace kkt {

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const RegisterStatus& s);

// Compact JSON text like boost::json::serialize, but with decimals written plainly in the C
// locale (8.35, 30, -2.4) where Boost 1.81 writes 8.35E0, 3E1: what people and Zabbix
// preprocessing read. Key order is kept; a NaN or infinity (never a metric) becomes null.
std::string to_json_text(const boost::json::value& v);

}  // namespace kkt
