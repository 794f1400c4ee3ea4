#include "zabbix/item_value.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <string_view>
#include <utility>

#include "common/json_text.hpp"
#include "common/reasons.hpp"
#include "common/status_json.hpp"

namespace kkt::zabbix {
namespace {

std::string join(const std::vector<std::string_view>& parts, std::string_view separator) {
    std::string out;
    for (std::string_view part : parts) {
        if (!out.empty()) out += separator;
        out += part;
    }
    return out;
}

// Why `key` of the register has no value, in words: "(the API gave no valid timestamp)".
std::string unknown_cause(const RegisterStatus& status, std::string_view key) {
    const Register& r = status.reg;
    if (const auto metric = metric_from_name(key))
        if (auto why = no_forecast_reason(r, status.forecast, *metric)) return "(" + *why + ")";
    const FieldSet sources = status_key_sources(key);
    const std::vector<std::string_view> bad = unknown_api_keys(r, sources);
    if (!bad.empty()) return "(the API gave no valid " + join(bad, " or ") + ")";
    const FieldInfo& first_unsent = field_info(Field::first_unsent_doc_timestamp);
    if (sources.contains(first_unsent.id) && r.unsent_docs && *r.unsent_docs > 0)
        return "(the API gave no " + std::string(first_unsent.api_key()) + " for " +
               std::to_string(*r.unsent_docs) + " unsent documents)";
    if (key == first_unsent.output_key && r.unsent_docs && *r.unsent_docs == 0)
        return "(no unsent documents)";
    return "(not given by the API)";
}

}  // namespace

const std::vector<std::string>& item_keys() {
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> out;
        const boost::json::value sample = boost::json::value_from(RegisterStatus{});
        for (const auto& entry : sample.as_object()) out.emplace_back(entry.key());
        return out;
    }();
    return keys;
}

std::int64_t list_age_seconds(const Fleet& fleet) {
    if (!fleet.fetched_at || *fleet.fetched_at > fleet.now) return 0;
    return std::chrono::duration_cast<std::chrono::seconds>(fleet.now - *fleet.fetched_at).count();
}

void check_item_key(std::string_view key) {
    const auto& keys = item_keys();
    if (key == list_age_key || std::find(keys.begin(), keys.end(), key) != keys.end()) return;
    std::string valid;
    for (const std::string& k : keys) valid += (valid.empty() ? "" : ", ") + k;
    valid += ", " + std::string(list_age_key);
    throw ItemError("unknown metric '" + std::string(key) + "' (valid: " + valid + ")");
}

std::optional<std::string> format_item_value(const boost::json::value& value) {
    return plain_text(value, {.true_text = "1", .false_text = "0", .array_separator = {}});
}

std::string item_value(const RegisterStatus& status, std::string_view key) {
    const boost::json::value element = boost::json::value_from(status);
    const boost::json::value* found = element.as_object().if_contains(key);
    if (!found) check_item_key(key);  // throws: no element has this key
    if (auto text = format_item_value(*found)) return std::move(*text);
    throw ItemError("register " + status.reg.display_serial() + ": " + std::string(key) +
                    " is unknown " + unknown_cause(status, key));
}

std::string item_value(const Fleet& fleet, const RegisterStatus& status, std::string_view key) {
    if (key == list_age_key) return std::to_string(list_age_seconds(fleet));
    return item_value(status, key);
}

const RegisterStatus& find_register(const Fleet& fleet, std::string_view serial) {
    for (const RegisterStatus& status : fleet.registers)
        if (status.reg.serial_number && *status.reg.serial_number == serial) return status;
    throw ItemError("register " + std::string(serial) + " not found in the account");
}

}  // namespace kkt::zabbix
