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

JsonPieces::JsonPieces(std::string_view text, const json::parse_options& options)
    : text_(text),
      parser_(json::storage_ptr(), options, parser_buffer_, sizeof parser_buffer_),
      arena_(value_buffer_, sizeof value_buffer_) {}

bool JsonPieces::take(char c) {
    if (!next_is(c)) return false;
    ++pos_;
    return true;
}

bool JsonPieces::next_is(char c) {
    pos_ = skip_json_space(text_, pos_);
    return pos_ < text_.size() && text_[pos_] == c;
}

const json::value* JsonPieces::value(TextSpan* span) {
    pos_ = skip_json_space(text_, pos_);
    if (pos_ == text_.size()) return nullptr;
    last_.reset();
    arena_.release();
    parser_.reset(json::storage_ptr(&arena_));
    json::error_code ec;
    const std::size_t start = pos_;
    pos_ += parser_.write_some(text_.data() + pos_, text_.size() - pos_, ec);
    if (ec) return nullptr;
    if (span) {
        // The parser takes the whitespace after a value too: the span ends where it does.
        std::size_t end = pos_;
        while (end > start && is_json_space(text_[end - 1])) --end;
        *span = TextSpan{start, end - start};
    }
    last_.emplace(parser_.release());  // in the arena still
    return &*last_;
}

std::optional<std::string> JsonPieces::key() {
    if (!next_is('"')) return std::nullopt;
    const json::value* name = value();
    if (!name || !name->is_string() || !take(':')) return std::nullopt;
    return std::string(name->get_string());
}

bool JsonPieces::at_end() {
    return skip_json_space(text_, pos_) == text_.size();
}

bool for_each_object_element(std::string_view text, json::parse_options options,
                             const std::function<void(const json::value&, TextSpan)>& each) {
    if (options.max_depth < 2) return false;
    --options.max_depth;
    JsonPieces pieces(text, options);
    if (!pieces.take('[')) return false;
    if (pieces.take(']')) return pieces.at_end();
    do {
        if (!pieces.next_is('{')) return false;
        TextSpan span;
        const json::value* element = pieces.value(&span);
        if (!element) return false;
        each(*element, span);
    } while (pieces.take(','));
    return pieces.take(']') && pieces.at_end();
}

}  // namespace kkt
