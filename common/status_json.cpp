#include "common/status_json.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <type_traits>
#include <variant>

#include "common/format.hpp"

namespace kkt {
namespace {

// Not a field of its own: the text of network_error_code.
constexpr std::string_view network_error_text_key = "network_error_text";

template <typename T>
boost::json::value output_value(const std::optional<T>& v) {
    if (!v) return nullptr;
    if constexpr (std::is_same_v<T, TimePoint>) {
        return boost::json::string(format_iso8601(*v));
    } else {
        return boost::json::value_from(*v);
    }
}

}  // namespace

boost::json::value field_value(const Register& r, Field f) {
    return std::visit([&r](auto member) { return output_value(r.*member); }, field_info(f).member);
}

FieldSet status_key_sources(std::string_view key) {
    for (const FieldInfo& info : all_fields())
        if (info.output_key == key) return {info.id};
    if (key == network_error_text_key) return {Field::network_error_code};
    if (const auto metric = metric_from_name(key)) return metric_info(*metric).sources;
    return {};
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const RegisterStatus& s) {
    const Register& r = s.reg;
    boost::json::object o;
    o.reserve(40);
    for (const FieldInfo& info : all_fields()) o[info.output_key] = field_value(r, info.id);
    o[network_error_text_key] = r.network_error_code
                                    ? boost::json::value(network_error_text(*r.network_error_code))
                                    : boost::json::value(nullptr);
    for (const MetricInfo& info : all_metrics()) {
        // A metric that is a field as it is (unsent_docs, signed_documents, shift_number).
        if (o.contains(info.name)) continue;
        auto value = s.metrics.get(info.id);
        if (!value)
            o[info.name] = nullptr;
        else if (info.integer())
            o[info.name] = static_cast<std::int64_t>(std::llround(*value));
        else
            o[info.name] = round3(*value);
    }
    o["state"] = state_name(s.evaluation.state);
    o["state_code"] = static_cast<int>(s.evaluation.state);
    boost::json::array problems;
    for (const Problem& p : s.evaluation.problems) problems.emplace_back(p.reason);
    o["problems"] = std::move(problems);
    boost::json::array notes;
    for (const std::string& note : s.notes) notes.emplace_back(note);
    o["notes"] = std::move(notes);
    boost::json::array unknown;
    for (const std::string& key : r.unknown_fields) unknown.emplace_back(key);
    o["unknown_fields"] = std::move(unknown);
    v = std::move(o);
}

void write_status_array(const std::vector<const RegisterStatus*>& statuses, TextSink& out,
                        const std::function<void(boost::json::object&)>& amend) {
    out.write("[");
    bool first = true;
    for (const RegisterStatus* status : statuses) {
        boost::json::value element = boost::json::value_from(*status);
        if (amend) amend(element.as_object());
        if (!first) out.write(",");
        first = false;
        out.write(to_json_text(element));
    }
    out.write("]\n");
}

}  // namespace kkt
