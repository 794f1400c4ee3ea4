#include "json_text.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>
#include <stdexcept>

namespace emu {
namespace {

bool is_json_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t skip_space(std::string_view text, std::size_t pos) {
    while (pos < text.size() && is_json_space(text[pos])) ++pos;
    return pos;
}

// Returns the position just past the value starting at `pos` (a valid JSON value).
std::size_t skip_value(std::string_view text, std::size_t pos) {
    int depth = 0;
    bool in_string = false;
    for (; pos < text.size(); ++pos) {
        const char c = text[pos];
        if (in_string) {
            if (c == '\\') {
                ++pos;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (depth == 0) break;  // the enclosing array closes
            --depth;
        } else if (c == ',' && depth == 0) {
            break;
        }
    }
    while (pos > 0 && is_json_space(text[pos - 1])) --pos;
    return pos;
}

}  // namespace

std::string json_quote(std::string_view text) {
    return boost::json::serialize(boost::json::string_view(text.data(), text.size()));
}

std::vector<std::pair<std::size_t, std::size_t>> split_top_level_array(std::string_view text) {
    std::vector<std::pair<std::size_t, std::size_t>> elements;
    std::size_t pos = skip_space(text, 0);
    if (pos >= text.size() || text[pos] != '[') {
        throw std::invalid_argument("the fleet must be a JSON array");
    }
    pos = skip_space(text, pos + 1);
    while (pos < text.size() && text[pos] != ']') {
        const std::size_t end = skip_value(text, pos);
        elements.emplace_back(pos, end);
        pos = skip_space(text, end);
        if (pos < text.size() && text[pos] == ',') pos = skip_space(text, pos + 1);
    }
    return elements;
}

void JsonObjectText::add_string(std::string key, std::string_view value) {
    members_.emplace_back(std::move(key), json_quote(value));
}

void JsonObjectText::add_integer(std::string key, std::int64_t value) {
    members_.emplace_back(std::move(key), std::to_string(value));
}

void JsonObjectText::add_boolean(std::string key, bool value) {
    members_.emplace_back(std::move(key), value ? "true" : "false");
}

void JsonObjectText::add_raw(std::string key, std::string raw_json) {
    members_.emplace_back(std::move(key), std::move(raw_json));
}

void JsonObjectText::remove(std::string_view key) {
    std::erase_if(members_, [key](const auto& member) { return member.first == key; });
}

void JsonObjectText::set_null(std::string_view key) {
    for (auto& member : members_) {
        if (member.first == key) member.second = "null";
    }
}

bool JsonObjectText::has(std::string_view key) const {
    return std::any_of(members_.begin(), members_.end(),
                       [key](const auto& member) { return member.first == key; });
}

std::string JsonObjectText::str() const {
    std::string out = "{";
    for (const auto& [key, value] : members_) {
        if (out.size() > 1) out += ',';
        out += json_quote(key);
        out += ':';
        out += value;
    }
    out += '}';
    return out;
}

}  // namespace emu
