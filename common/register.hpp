#pragma once
// The register object of the ATOL monitoring API (docs/atol-api.md, "Register fields"), mapped
// with Boost.JSON conversions. A field that is missing, null or of the wrong type is kept as
// "unknown" (nullopt) and named in `unknown_fields`; the register itself is never dropped
// (docs/atol-api.md, "Missing and invalid fields"). Each field is described once, in the field
// table (all_fields()): its API keys, its output key, its member and what an absent key means.
// The reader, the writer and every output iterate that table.
#include <array>
#include <boost/json/fwd.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/clock.hpp"
#include "common/json_text.hpp"

namespace kkt {

// The register's fields, in the API's order (unknown_fields and every output follow it).
enum class Field {
    serial_number,
    registration_number,
    device_number,
    fiscalization_date,
    fiscal_storage_expiration,
    signed_documents,
    fiscal_storage_percentage_use,
    fiscal_storage_inn,
    fiscal_storage_serial_number,
    fiscal_storage_payment_address,
    group_code,
    timestamp,
    is_shift_opened,
    shift_number,
    shift_receipt,
    unsent_docs,
    first_unsent_doc_timestamp,
    network_error_code,
};
inline constexpr std::size_t field_count = 18;

// One member per Field, same names and order (the field table says which is which).
struct Register {
    std::optional<std::string> serial_number;
    std::optional<std::string> registration_number;
    std::optional<std::string> device_number;
    std::optional<TimePoint> fiscalization_date;
    std::optional<TimePoint> fiscal_storage_expiration;
    std::optional<std::int64_t> signed_documents;
    std::optional<double> fiscal_storage_percentage_use;
    std::optional<std::string> fiscal_storage_inn;
    std::optional<std::string> fiscal_storage_serial_number;
    std::optional<std::string> fiscal_storage_payment_address;
    std::optional<std::string> group_code;
    std::optional<TimePoint> timestamp;
    std::optional<bool> is_shift_opened;
    std::optional<std::int64_t> shift_number;
    std::optional<std::int64_t> shift_receipt;
    std::optional<std::int64_t> unsent_docs = 0;  // as an absent key reads (WhenAbsent::zero)
    std::optional<TimePoint> first_unsent_doc_timestamp;
    std::optional<std::int64_t> network_error_code;

    // API keys whose value was missing, null or of the wrong type, in API order, spelled as
    // the register spelled them.
    std::vector<std::string> unknown_fields;

    // The serial number, or "(unknown serial)" when the API did not give one.
    std::string display_serial() const;
    // Whether the field behind `api_key` (either spelling) was marked unknown.
    bool field_unknown(std::string_view api_key) const;
};

// What it means when the API object lacks a field's key.
enum class WhenAbsent {
    unknown,  // absent, null or of the wrong type: unknown
    zero,     // absent: 0 (the API omits a zero count); null or of the wrong type: unknown
    nothing,  // absent or null: there is none (known); present but unparsable: unknown
};

template <typename T>
using RegisterMember = std::optional<T> Register::*;
// The member a field is stored in; its type is the field's type.
using FieldMember =
    std::variant<RegisterMember<std::string>, RegisterMember<std::int64_t>, RegisterMember<double>,
                 RegisterMember<bool>, RegisterMember<TimePoint>>;

// A field's API keys: the first is written, every one is read (an earlier one wins when several
// hold a valid value); unused slots are empty.
using ApiKeys = std::array<std::string_view, 2>;

struct FieldInfo {
    Field id;
    ApiKeys api_key_spellings;
    std::string_view output_key;  // snake_case: "serial_number"
    FieldMember member;
    WhenAbsent when_absent = WhenAbsent::unknown;
    // An identity: surrounding whitespace is not part of it, and an empty one is unknown.
    bool identity = false;

    std::string_view api_key() const { return api_key_spellings[0]; }
    // The spellings actually in use (the array's unused slots are empty).
    std::span<const std::string_view> api_keys() const;
};

const std::array<FieldInfo, field_count>& all_fields();
const FieldInfo& field_info(Field f);
// The field an API key (any spelling) names; nullopt for a key that is no field's.
std::optional<Field> field_of_api_key(std::string_view api_key);

// A set of fields, e.g. the ones a metric is computed from; iterate all_fields() to visit it
// in API order.
class FieldSet {
  public:
    constexpr FieldSet() = default;
    constexpr FieldSet(std::initializer_list<Field> fields) {
        for (Field f : fields) bits_ |= bit(f);
    }
    constexpr bool contains(Field f) const { return (bits_ & bit(f)) != 0; }
    constexpr bool empty() const { return bits_ == 0; }
    constexpr bool operator==(const FieldSet&) const = default;

  private:
    static constexpr std::uint32_t bit(Field f) { return std::uint32_t{1} << static_cast<int>(f); }
    std::uint32_t bits_ = 0;
};
static_assert(field_count <= 32, "FieldSet holds one bit per field");

// The API keys of `fields` that `r` marked unknown, as it spelled them, in API order.
std::vector<std::string_view> unknown_api_keys(const Register& r, FieldSet fields);
// The written API key of each of `fields`, in API order.
std::vector<std::string_view> api_keys_of(FieldSet fields);

// Boost.JSON conversion: value_to<Register>(v). Never throws for a JSON object (bad fields
// become unknown); throws boost::system::system_error for a value that is not an object.
Register tag_invoke(boost::json::value_to_tag<Register>, const boost::json::value& v);
// The inverse, with the API's keys and ISO 8601 UTC dates (used by tests and the cache):
// unknown fields are written as null, and a field that is absent when zero or nothing is
// omitted then, as the API does.
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const Register& r);

// The API's text of a networkErrorCode ("Нет ошибок", ...), or
// "unknown network error code N" for codes outside 0..8.
std::string network_error_text(std::int64_t code);

// Parses the list endpoint's bare JSON array. Throws ProtocolError when the text is not
// valid JSON or not an array; non-object elements are a ProtocolError too. `spans`, when
// given, gets each register's element in `json_text`, or stays empty for a text parsed whole
// (an array the element-by-element parse does not take).
std::vector<Register> parse_register_list(std::string_view json_text,
                                          std::vector<TextSpan>* spans = nullptr);
// The same registers handed to `each` one at a time as they are read, not kept
// (for_each_object_element, common/json_text.hpp): false when the text is not an array of
// objects that the element-by-element parse takes (`each` may have seen
// some of its registers then; parse_register_list() reports what is wrong with it).
bool for_each_register_element(std::string_view json_text,
                               const std::function<void(Register&&)>& each,
                               std::vector<TextSpan>* spans = nullptr);
// Parses one element of such a list (a JSON object). Throws ProtocolError.
Register parse_register_element(std::string_view json_text);
// Parses the single-register endpoint's {"data": {...}} (extra keys ignored).
Register parse_register_envelope(std::string_view json_text);

}  // namespace kkt
