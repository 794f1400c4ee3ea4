#pragma once
// JSON values as text: the name of a value's kind for error messages, compact JSON with plain
// decimals, and a value as one plain text (a table cell, a single value). One place for each, so
// every output spells a number, a boolean or a list the same way.
#include <boost/json/kind.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kkt {

// "null", "boolean", "number", "string", "array" or "object".
std::string_view json_kind_name(boost::json::kind k);
// The same with an indefinite article, for a sentence: "null", "a boolean", "an object".
std::string json_kind_phrase(boost::json::kind k);

// Compact JSON text like boost::json::serialize, but with decimals written plainly in the C
// locale (8.35, 30, -2.4) where Boost 1.81 writes 8.35E0, 3E1: what people and monitoring
// systems read. Key order is kept; a NaN or infinity (never a metric) becomes null.
std::string to_json_text(const boost::json::value& v);

// How plain_text() writes what has no single plain spelling.
struct PlainTextStyle {
    std::string_view true_text = "true";
    std::string_view false_text = "false";
    // Arrays as their elements' plain texts joined with this (a null element as ""); without
    // one, as compact JSON.
    std::optional<std::string_view> array_separator;
};

// A JSON value as plain text: strings as they are (no quotes, no escapes), numbers in the C
// locale (format_number), booleans as the style says, objects as compact JSON; nullopt for
// null.
std::optional<std::string> plain_text(const boost::json::value& v,
                                      const PlainTextStyle& style = {});

// Where an element lies in a JSON text.
struct TextSpan {
    std::size_t offset = 0;
    std::size_t length = 0;
};

// Reads a JSON text a value at a time, each parsed into a small reused arena: a large array or
// object is read without its whole DOM (about twice its text) ever existing. Each value is parsed
// with the options given (the caller lowers max_depth by the depth the values sit at).
class JsonPieces {
  public:
    JsonPieces(std::string_view text, const boost::json::parse_options& options);
    JsonPieces(const JsonPieces&) = delete;
    JsonPieces& operator=(const JsonPieces&) = delete;

    // Skips whitespace; takes `c` when it comes next.
    bool take(char c);
    // Skips whitespace; whether `c` comes next (not taken).
    bool next_is(char c);
    // The next value (valid until the next value() or key()); nullptr when it is not valid JSON.
    // `span`, when given, gets where it lies (without the whitespace around it).
    const boost::json::value* value(TextSpan* span = nullptr);
    // The next object member's key and the ':' after it; nullopt when they are not there.
    std::optional<std::string> key();
    // Whether only whitespace is left.
    bool at_end();

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
    unsigned char parser_buffer_[4096];
    boost::json::parser parser_;
    // A value (a register is well under 16 KiB) stays in the CPU cache.
    unsigned char value_buffer_[16384];
    boost::json::monotonic_resource arena_;
    std::optional<boost::json::value> last_;
};

// Parses `text`, a JSON array of objects, one element at a time into a small reused arena, and
// hands each to `each` with where it lies in `text` (the value is valid during the call only):
// the DOM of a large array never exists at once. The elements are parsed with `options`, their
// max_depth one less, as they sit one level below the array. False when `text` is not such an
// array (`each` may have seen some of its elements then): a parse of the whole text says what is
// wrong with it.
bool for_each_object_element(std::string_view text, boost::json::parse_options options,
                             const std::function<void(const boost::json::value&, TextSpan)>& each);

}  // namespace kkt
