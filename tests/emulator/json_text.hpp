#pragma once
// JSON as text: the emulator serves register objects byte for byte, so it keeps them as text
// rather than as parsed values (a parsed value would normalise numbers and key order).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu {

// A JSON string literal, quotes included, with the escapes JSON requires.
std::string json_quote(std::string_view text);

// Byte ranges [begin, end) of the top-level elements of a JSON array text. The text must
// already be known to be valid JSON (see FleetSnapshot); throws std::invalid_argument when it
// is not an array.
std::vector<std::pair<std::size_t, std::size_t>> split_top_level_array(std::string_view text);

// A JSON object built member by member, keeping insertion order; members can be removed or
// nulled afterwards (to make incomplete registers).
class JsonObjectText {
  public:
    void add_string(std::string key, std::string_view value);
    void add_integer(std::string key, std::int64_t value);
    void add_boolean(std::string key, bool value);
    void add_raw(std::string key, std::string raw_json);
    void remove(std::string_view key);
    void set_null(std::string_view key);
    bool has(std::string_view key) const;
    const std::vector<std::pair<std::string, std::string>>& members() const { return members_; }
    std::string str() const;

  private:
    std::vector<std::pair<std::string, std::string>> members_;  // key, raw JSON value
};

}  // namespace emu
