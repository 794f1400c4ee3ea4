#include "common/json_text.hpp"

#include <boost/json.hpp>
#include <cmath>

#include "common/format.hpp"

namespace kkt {
namespace json = boost::json;

namespace {

void append_json(const json::value& v, std::string& out) {
    switch (v.kind()) {
        case json::kind::double_:
            out += std::isfinite(v.get_double()) ? format_number(v.get_double()) : "null";
            return;
        case json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& element : v.get_array()) {
                if (!first) out += ',';
                first = false;
                append_json(element, out);
            }
            out += ']';
            return;
        }
        case json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& entry : v.get_object()) {
                if (!first) out += ',';
                first = false;
                out += json::serialize(json::string_view(entry.key()));
                out += ':';
                append_json(entry.value(), out);
            }
            out += '}';
            return;
        }
        default:  // strings (escaped as JSON requires, UTF-8 kept), integers, bools, null
            out += json::serialize(v);
            return;
    }
}

}  // namespace

std::string_view json_kind_name(json::kind k) {
    switch (k) {
        case json::kind::null:
            return "null";
        case json::kind::bool_:
            return "boolean";
        case json::kind::int64:
        case json::kind::uint64:
        case json::kind::double_:
            return "number";
        case json::kind::string:
            return "string";
        case json::kind::array:
            return "array";
        case json::kind::object:
            return "object";
    }
    return "unknown";
}

std::string json_kind_phrase(json::kind k) {
    const std::string_view name = json_kind_name(k);
    if (k == json::kind::null) return std::string(name);
    const bool vowel = std::string_view("aeiou").find(name.front()) != std::string_view::npos;
    return (vowel ? "an " : "a ") + std::string(name);
}

std::string to_json_text(const json::value& v) {
    std::string out;
    append_json(v, out);
    return out;
}

std::optional<std::string> plain_text(const json::value& v, const PlainTextStyle& style) {
    switch (v.kind()) {
        case json::kind::null:
            return std::nullopt;
        case json::kind::bool_:
            return std::string(v.get_bool() ? style.true_text : style.false_text);
        case json::kind::int64:
            return std::to_string(v.get_int64());
        case json::kind::uint64:
            return std::to_string(v.get_uint64());
        case json::kind::double_:
            return format_number(v.get_double());
        case json::kind::string:
            return std::string(v.get_string());
        case json::kind::array:
            if (style.array_separator) {
                std::string joined;
                bool first = true;
                for (const auto& element : v.get_array()) {
                    if (!first) joined += *style.array_separator;
                    first = false;
                    joined += plain_text(element, style).value_or("");
                }
                return joined;
            }
            return to_json_text(v);
        case json::kind::object:
            return to_json_text(v);
    }
    return std::nullopt;
}

}  // namespace kkt
