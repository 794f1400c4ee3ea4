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

namespace {

bool is_json_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t skip_json_space(std::string_view text, std::size_t pos) {
    while (pos < text.size() && is_json_space(text[pos])) ++pos;
    return pos;
}

}  // namespace

bool for_each_object_element(std::string_view text, json::parse_options options,
                             const std::function<void(const json::value&, TextSpan)>& each) {
    if (options.max_depth < 2) return false;
    --options.max_depth;
    unsigned char parser_buffer[4096];
    json::parser parser(json::storage_ptr(), options, parser_buffer, sizeof parser_buffer);
    // An element (a register is well under 16 KiB) stays in the CPU cache.
    unsigned char element_buffer[16384];
    json::monotonic_resource element_arena(element_buffer, sizeof element_buffer);

    std::size_t pos = skip_json_space(text, 0);
    if (pos == text.size() || text[pos] != '[') return false;
    pos = skip_json_space(text, pos + 1);
    if (pos < text.size() && text[pos] == ']') return skip_json_space(text, pos + 1) == text.size();
    for (;;) {
        if (pos == text.size() || text[pos] != '{') return false;
        json::error_code ec;
        element_arena.release();
        parser.reset(json::storage_ptr(&element_arena));
        const std::size_t start = pos;
        pos += parser.write_some(text.data() + pos, text.size() - pos, ec);
        if (ec) return false;
        {
            // The parser takes the whitespace after the object too: the span ends at its '}'.
            std::size_t end = pos;
            while (end > start && is_json_space(text[end - 1])) --end;
            const json::value element = parser.release();
            each(element, TextSpan{start, end - start});
        }
        pos = skip_json_space(text, pos);
        if (pos == text.size()) return false;
        if (text[pos] == ']') break;
        if (text[pos] != ',') return false;
        pos = skip_json_space(text, pos + 1);
    }
    return skip_json_space(text, pos + 1) == text.size();
}

}  // namespace kkt
