#pragma once
// A register with its metrics and state as one flat JSON object: the raw API fields in
// snake_case, every metric, the state and its reasons. Unknown values are null. Key order is
// fixed. Used by `get`, `list --json` and the Zabbix master item, so they agree.
#include <boost/json/value.hpp>
#include <string>

#include "common/fleet.hpp"
#include "common/json_text.hpp"  // to_json_text, which writes this object

namespace kkt {

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const RegisterStatus& s);

}  // namespace kkt
