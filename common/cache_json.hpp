#pragma once
// What the cache files' JSON mappings share (cache_stores.cpp, register_list_cache.cpp): a
// file that does not map reads as absent, never as an error.
#include <boost/json.hpp>
#include <exception>
#include <optional>
#include <string_view>

namespace kkt::cache_json {

// Parses `text` as T; nullopt for bad JSON or a shape that does not map.
template <typename T>
std::optional<T> parse_as(std::string_view text) {
    // An arena: the shift state of 100,000 registers is a few MB of small values, freed at once.
    boost::json::monotonic_resource arena;
    boost::system::error_code error;
    boost::json::value value = boost::json::parse(text, error, &arena);
    if (error) return std::nullopt;
    try {
        return boost::json::value_to<T>(value);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace kkt::cache_json
