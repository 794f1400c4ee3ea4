#pragma once
// The API is supposed to send UTF-8. When a register's address carries a stray invalid byte,
// losing the whole fleet's monitoring over it would be worse than showing U+FFFD: answers are
// parsed with invalid UTF-8 allowed and every string is repaired when it enters the model, so
// everything we print (JSON for Zabbix included) is valid UTF-8.
#include <boost/json/parse_options.hpp>
#include <cstddef>
#include <string>
#include <string_view>

namespace kkt {

// Parse options for API answers and our own cache files.
boost::json::parse_options api_parse_options();

// `text` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

// Characters (code points) in `text`, each invalid byte counting as one: the length of
// valid_utf8(text) in characters. For limits the API states in characters, not bytes.
std::size_t utf8_length(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a
// character.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

}  // namespace kkt
