#pragma once
// The request target: path and query, percent-decoding.
#include <optional>
#include <string>
#include <string_view>

namespace emu {

struct Target {
    std::string_view path;   // still encoded
    std::string_view query;  // without '?'
};

Target split_target(std::string_view target);

// %XX decoding; '+' is kept in paths and is a space in query values. nullopt for a bad escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);
// The same, the other way: everything but unreserved characters is escaped.
std::string percent_encode(std::string_view text);

// The decoded value of the first `name=` parameter; nullopt when absent (or badly encoded,
// which `*malformed` reports).
std::optional<std::string> query_parameter(std::string_view query, std::string_view name,
                                           bool* malformed = nullptr);

}  // namespace emu
