#include "common/status_json.hpp"

#include <boost/json.hpp>
#include <cmath>

#include "common/format.hpp"

namespace kkt {
namespace {

template <typename T>
boost::json::value optional_value(const std::optional<T>& v) {
    if (!v) return nullptr;
    return boost::json::value_from(*v);
}

boost::json::value optional_time(const std::optional<TimePoint>& t) {
    if (!t) return nullptr;
    return boost::json::string(format_iso8601(*t));
}

}  // namespace

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const RegisterStatus& s) {
    const Register& r = s.reg;
    boost::json::object o;
    o.reserve(40);
    o["serial_number"] = optional_value(r.serial_number);
    o["registration_number"] = optional_value(r.registration_number);
    o["device_number"] = optional_value(r.device_number);
    o["fiscalization_date"] = optional_time(r.fiscalization_date);
    o["fiscal_storage_expiration"] = optional_time(r.fiscal_storage_expiration);
    o["signed_documents"] = optional_value(r.signed_documents);
    o["fiscal_storage_percentage_use"] = optional_value(r.fiscal_storage_percentage_use);
    o["fiscal_storage_inn"] = optional_value(r.fiscal_storage_inn);
    o["fiscal_storage_serial_number"] = optional_value(r.fiscal_storage_serial_number);
    o["fiscal_storage_payment_address"] = optional_value(r.fiscal_storage_payment_address);
    o["group_code"] = optional_value(r.group_code);
    o["timestamp"] = optional_time(r.timestamp);
    o["is_shift_opened"] = optional_value(r.is_shift_opened);
    o["shift_number"] = optional_value(r.shift_number);
    o["shift_receipt"] = optional_value(r.shift_receipt);
    o["unsent_docs"] = optional_value(r.unsent_docs);
    o["first_unsent_doc_timestamp"] = optional_time(r.first_unsent_doc_timestamp);
    o["network_error_code"] = optional_value(r.network_error_code);
    o["network_error_text"] = r.network_error_code
                                  ? boost::json::value(network_error_text(*r.network_error_code))
                                  : boost::json::value(nullptr);
    for (const MetricInfo& info : all_metrics()) {
        if (o.contains(info.name)) continue;  // unsent_docs, shift_number: already there
        auto value = s.metrics.get(info.id);
        if (!value)
            o[info.name] = nullptr;
        else if (info.integer)
            o[info.name] = static_cast<std::int64_t>(std::llround(*value));
        else
            o[info.name] = round3(*value);
    }
    o["state"] = state_name(s.evaluation.state);
    o["state_code"] = static_cast<int>(s.evaluation.state);
    boost::json::array problems;
    for (const Problem& p : s.evaluation.problems) problems.emplace_back(p.reason);
    o["problems"] = std::move(problems);
    boost::json::array unknown;
    for (const std::string& key : r.unknown_fields) unknown.emplace_back(key);
    o["unknown_fields"] = std::move(unknown);
    v = std::move(o);
}

}  // namespace kkt
