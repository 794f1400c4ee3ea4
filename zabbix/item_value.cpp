#include "zabbix/item_value.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <string_view>
#include <utility>

#include "common/json_text.hpp"
#include "common/status_json.hpp"

namespace kkt::zabbix {
namespace {

using namespace std::string_view_literals;

struct SourceFields {
    std::string_view key;                      // element key
    std::vector<std::string_view> api_fields;  // the API fields its value comes from
};

// Where each value of an element comes from, to say why one is unknown.
const std::vector<SourceFields>& source_fields() {
    static const std::vector<SourceFields> table{
        {"serial_number", {"serialNumber"}},
        {"registration_number", {"registrationNumber"}},
        {"device_number", {"deviceNumber"}},
        {"fiscalization_date", {"fiscalizationDate"}},
        {"fiscal_storage_expiration", {"fiscalStorageExpiration"}},
        {"signed_documents", {"signedDocuments"}},
        {"fiscal_storage_percentage_use", {"fiscalStoragePercentageUse"}},
        {"fiscal_storage_inn", {"fiscalStorageINN"}},
        {"fiscal_storage_serial_number", {"fiscalStorageSerialNumber"}},
        {"fiscal_storage_payment_address", {"fiscalStoragePaymentAddress"}},
        {"group_code", {"groupCode"}},
        {"timestamp", {"timestamp"}},
        {"is_shift_opened", {"isShiftOpened"}},
        {"shift_number", {"shiftNumber"}},
        {"shift_receipt", {"shiftReceipt"}},
        {"unsent_docs", {"unsentDocs"}},
        {"first_unsent_doc_timestamp", {"firstUnsetDocTimestamp"}},
        {"network_error_code", {"networkErrorCode"}},
        {"network_error_text", {"networkErrorCode"}},
        {"fn_days_left", {"fiscalStorageExpiration"}},
        {"fn_usage", {"fiscalStoragePercentageUse"}},
        {"unsent_age_hours", {"unsentDocs", "firstUnsetDocTimestamp"}},
        {"ofd_block_days_left", {"unsentDocs", "firstUnsetDocTimestamp"}},
        {"data_age_hours", {"timestamp"}},
        {"shift_open_hours", {"isShiftOpened"}},
        {"network_error", {"networkErrorCode"}},
        {"shift_receipts", {"shiftReceipt"}},
    };
    return table;
}

std::string join(const std::vector<std::string_view>& parts, std::string_view separator) {
    std::string out;
    for (std::string_view part : parts) {
        if (!out.empty()) out += separator;
        out += part;
    }
    return out;
}

// Why `key` of register `r` has no value, in words: "(the API gave no valid timestamp)".
std::string unknown_cause(const Register& r, std::string_view key) {
    const bool unsent_key = key == "unsent_age_hours" || key == "ofd_block_days_left" ||
                            key == "first_unsent_doc_timestamp";
    for (const SourceFields& entry : source_fields()) {
        if (entry.key != key) continue;
        std::vector<std::string_view> bad;
        for (std::string_view field : entry.api_fields)
            if (r.field_unknown(field)) bad.push_back(field);
        if (!bad.empty()) return "(the API gave no valid " + join(bad, " or ") + ")";
    }
    if (unsent_key && r.unsent_docs && *r.unsent_docs > 0)
        return "(the API gave no firstUnsetDocTimestamp for " + std::to_string(*r.unsent_docs) +
               " unsent documents)";
    if (key == "first_unsent_doc_timestamp" && r.unsent_docs && *r.unsent_docs == 0)
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

void check_item_key(std::string_view key) {
    const auto& keys = item_keys();
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) return;
    std::string valid;
    for (const std::string& k : keys) valid += (valid.empty() ? "" : ", ") + k;
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
                    " is unknown " + unknown_cause(status.reg, key));
}

const RegisterStatus& find_register(const Fleet& fleet, std::string_view serial) {
    for (const RegisterStatus& status : fleet.registers)
        if (status.reg.serial_number && *status.reg.serial_number == serial) return status;
    throw ItemError("register " + std::string(serial) + " not found in the account");
}

}  // namespace kkt::zabbix
