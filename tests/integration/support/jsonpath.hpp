#pragma once
// A small JSONPath evaluator with Zabbix's semantics for the subset the Zabbix template uses:
//   $  .name  ['name']  [N]  [?(@.a.b OP LITERAL)]  and trailing .first() / .length()
// where OP is == != < <= > >= and LITERAL a quoted string or a number. As in Zabbix, a path
// through a filter is "indefinite" (a list of matches); a function turns a definite array into
// its elements first; .first() of nothing and a path that matches nothing give no value.
#include <boost/json/value.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kkt::testing {

struct JsonPathError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The value the path selects: one value for a definite path or after a function, the array of
// matches for an indefinite one; nullopt when nothing matches ("no data matches the path").
// Throws JsonPathError on a path outside the subset.
std::optional<boost::json::value> evaluate_jsonpath(const boost::json::value& document,
                                                    std::string_view path);

// Text of a value as Zabbix stores it: strings unquoted, anything else as JSON.
std::string zabbix_text(const boost::json::value& value);

}  // namespace kkt::testing
