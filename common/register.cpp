// The register object's JSON mapping (docs/atol-api.md, "Register fields"): the field table,
// and the reader and writer that iterate it. Every API key is spelled here and nowhere else.
#include "common/register.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <string>
#include <type_traits>
#include <variant>

#include "common/errors.hpp"
#include "common/json_text.hpp"
#include "common/text.hpp"
#include "common/utf8.hpp"

namespace kkt {

namespace json = boost::json;

namespace {

// The field table, in the API's order. Output keys are the member names.
constexpr std::array<FieldInfo, field_count> field_table = {{
    {Field::serial_number, ApiKeys{"serialNumber"}, "serial_number", &Register::serial_number,
     WhenAbsent::unknown, true},
    {Field::registration_number, ApiKeys{"registrationNumber"}, "registration_number",
     &Register::registration_number},
    {Field::device_number, ApiKeys{"deviceNumber"}, "device_number", &Register::device_number},
    {Field::fiscalization_date, ApiKeys{"fiscalizationDate"}, "fiscalization_date",
     &Register::fiscalization_date},
    {Field::fiscal_storage_expiration, ApiKeys{"fiscalStorageExpiration"},
     "fiscal_storage_expiration", &Register::fiscal_storage_expiration},
    {Field::signed_documents, ApiKeys{"signedDocuments"}, "signed_documents",
     &Register::signed_documents},
    {Field::fiscal_storage_percentage_use, ApiKeys{"fiscalStoragePercentageUse"},
     "fiscal_storage_percentage_use", &Register::fiscal_storage_percentage_use},
    {Field::fiscal_storage_inn, ApiKeys{"fiscalStorageINN"}, "fiscal_storage_inn",
     &Register::fiscal_storage_inn},
    {Field::fiscal_storage_serial_number, ApiKeys{"fiscalStorageSerialNumber"},
     "fiscal_storage_serial_number", &Register::fiscal_storage_serial_number},
    {Field::fiscal_storage_payment_address, ApiKeys{"fiscalStoragePaymentAddress"},
     "fiscal_storage_payment_address", &Register::fiscal_storage_payment_address},
    {Field::group_code, ApiKeys{"groupCode"}, "group_code", &Register::group_code},
    {Field::timestamp, ApiKeys{"timestamp"}, "timestamp", &Register::timestamp},
    {Field::is_shift_opened, ApiKeys{"isShiftOpened"}, "is_shift_opened",
     &Register::is_shift_opened},
    {Field::shift_number, ApiKeys{"shiftNumber"}, "shift_number", &Register::shift_number},
    {Field::shift_receipt, ApiKeys{"shiftReceipt"}, "shift_receipt", &Register::shift_receipt},
    {Field::unsent_docs, ApiKeys{"unsentDocs"}, "unsent_docs", &Register::unsent_docs,
     WhenAbsent::zero},
    // The original client's spelling ("Unset") first: it is preferred when both are valid.
    {Field::first_unsent_doc_timestamp,
     ApiKeys{"firstUnsetDocTimestamp", "firstUnsentDocTimestamp"}, "first_unsent_doc_timestamp",
     &Register::first_unsent_doc_timestamp, WhenAbsent::nothing},
    {Field::network_error_code, ApiKeys{"networkErrorCode"}, "network_error_code",
     &Register::network_error_code},
}};

// The table is indexed by the enum: keep them in the same order.
constexpr bool table_matches_enum() {
    for (std::size_t i = 0; i < field_table.size(); ++i) {
        if (static_cast<std::size_t>(field_table[i].id) != i) return false;
    }
    return true;
}
static_assert(table_matches_enum(), "field_table must list fields in enum order");

// Typed reads of one JSON value; nullopt for null or a wrong type.
std::optional<std::string> as_string(const json::value& v) {
    if (!v.is_string()) return std::nullopt;
    const json::string& s = v.get_string();
    // Nearly every API string is ASCII, which the repair would copy unchanged: skip it.
    if (std::all_of(s.begin(), s.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
        return std::string(s.data(), s.size());
    return valid_utf8(s);
}

// A JSON integer, or a double that holds a whole number in range (3.0 yes, 3.5 no).
std::optional<std::int64_t> as_integer(const json::value& v) {
    switch (v.kind()) {
        case json::kind::int64:
            return v.get_int64();
        case json::kind::uint64:
            if (v.get_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
            return static_cast<std::int64_t>(v.get_uint64());
        case json::kind::double_: {
            const double d = v.get_double();
            // 2^63 is exactly representable; every whole double below it fits in int64.
            if (!std::isfinite(d) || std::trunc(d) != d || d < -9223372036854775808.0 ||
                d >= 9223372036854775808.0) {
                return std::nullopt;
            }
            return static_cast<std::int64_t>(d);
        }
        default:
            return std::nullopt;
    }
}

std::optional<double> as_number(const json::value& v) {
    if (!v.is_number()) return std::nullopt;
    const double d = v.to_number<double>();
    if (!std::isfinite(d)) return std::nullopt;
    return d;
}

std::optional<bool> as_bool(const json::value& v) {
    if (!v.is_bool()) return std::nullopt;
    return v.get_bool();
}

std::optional<TimePoint> as_date(const json::value& v) {
    if (!v.is_string()) return std::nullopt;
    const auto& s = v.get_string();
    return parse_iso8601(std::string_view(s.data(), s.size()));
}

// One JSON value as a field's type; nullopt for null or a wrong type.
template <typename T>
std::optional<T> value_as(const json::value& v, const FieldInfo& info) {
    if constexpr (std::is_same_v<T, std::string>) {
        auto s = as_string(v);
        if (s && info.identity) s = trim(*s);
        return s && !(info.identity && s->empty()) ? s : std::nullopt;
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
        return as_integer(v);
    } else if constexpr (std::is_same_v<T, double>) {
        return as_number(v);
    } else if constexpr (std::is_same_v<T, bool>) {
        return as_bool(v);
    } else {
        static_assert(std::is_same_v<T, TimePoint>);
        return as_date(v);
    }
}

// Finds the members of an object read in the field table's order. The API writes its keys in
// that order, so the member after the last one found is tried first: one comparison per field
// instead of a search of the object for each of them (a whole-account run reads 18 fields of
// every register); any other order is still found, by the search.
class MemberFinder {
  public:
    explicit MemberFinder(const json::object& o) : o_(o) {}
    const json::value* find(std::string_view key) {
        if (next_ < o_.size()) {
            const json::key_value_pair& member = o_.begin()[next_];
            if (member.key() == key) {
                ++next_;
                return &member.value();
            }
        }
        return o_.if_contains(key);
    }

  private:
    const json::object& o_;
    std::size_t next_ = 0;
};

// Reads one field into `out` by the table's rules, naming in `unknown` each key that made it
// unknown. The first spelling holding a valid value wins; otherwise every invalid one is named.
template <typename T>
void read_field(MemberFinder& o, const FieldInfo& info, std::optional<T>& out,
                std::vector<std::string>& unknown) {
    std::array<std::string_view, 2> invalid{};
    std::size_t invalid_count = 0;
    for (const std::string_view k : info.api_keys()) {
        const json::value* v = o.find(k);
        if (v == nullptr) continue;
        if (v->is_null() && info.when_absent == WhenAbsent::nothing) continue;
        if (auto value = value_as<T>(*v, info)) {
            out = std::move(value);
            return;
        }
        invalid[invalid_count++] = k;
    }
    out.reset();
    for (std::size_t i = 0; i < invalid_count; ++i) unknown.emplace_back(invalid[i]);
    if (invalid_count > 0) return;
    switch (info.when_absent) {
        case WhenAbsent::unknown:
            unknown.emplace_back(info.api_key());
            return;
        case WhenAbsent::zero:
            out = T{};
            return;
        case WhenAbsent::nothing:
            return;
    }
}

// One field's value as the API writes it.
template <typename T>
json::value api_value(const T& value, const json::storage_ptr& storage) {
    if constexpr (std::is_same_v<T, TimePoint>) {
        return json::string(format_iso8601_api(value), storage);
    } else {
        return json::value_from(value, storage);
    }
}

// Whether the API would leave this field's key out.
template <typename T>
bool api_omits(const Register& r, const FieldInfo& info, const std::optional<T>& value) {
    switch (info.when_absent) {
        case WhenAbsent::unknown:
            return false;
        case WhenAbsent::zero:
            return value == T{};
        case WhenAbsent::nothing:
            // An unknown (unparsable) value is written as null, which reads back as "none":
            // the fact it was garbled is not kept.
            return !value && !r.field_unknown(info.api_key());
    }
    return false;
}

// Parses a whole JSON text into `storage` (a monotonic arena: 100k registers parse fast and are
// freed at once). Throws ProtocolError naming `what` and the byte where parsing stopped.
json::value parse_json(std::string_view text, const json::storage_ptr& storage,
                       std::string_view what) {
    json::parser parser(storage, api_parse_options());
    json::error_code ec;
    const std::size_t consumed = parser.write(text.data(), text.size(), ec);
    if (ec) {
        throw ProtocolError("malformed JSON in " + std::string(what) + ": " + ec.message() +
                            " at byte " + std::to_string(consumed));
    }
    return parser.release();
}

}  // namespace

Register tag_invoke(json::value_to_tag<Register>, const json::value& v) {
    if (!v.is_object()) throw boost::system::system_error(json::error::not_object);
    MemberFinder o(v.get_object());
    Register r;
    for (const FieldInfo& info : field_table) {
        std::visit([&](auto member) { read_field(o, info, r.*member, r.unknown_fields); },
                   info.member);
    }
    return r;
}

void tag_invoke(json::value_from_tag, json::value& v, const Register& r) {
    json::object& o = v.emplace_object();
    o.reserve(field_count);
    for (const FieldInfo& info : field_table) {
        std::visit(
            [&](auto member) {
                const auto& value = r.*member;
                if (api_omits(r, info, value)) return;
                o[info.api_key()] = value ? api_value(*value, o.storage()) : json::value(nullptr);
            },
            info.member);
    }
}

std::span<const std::string_view> FieldInfo::api_keys() const {
    return std::span(api_key_spellings).first(api_key_spellings[1].empty() ? 1 : 2);
}

const std::array<FieldInfo, field_count>& all_fields() {
    return field_table;
}

const FieldInfo& field_info(Field f) {
    return field_table[static_cast<std::size_t>(f)];
}

std::optional<Field> field_of_api_key(std::string_view api_key) {
    for (const FieldInfo& info : field_table) {
        for (const std::string_view k : info.api_keys())
            if (k == api_key) return info.id;
    }
    return std::nullopt;
}

std::vector<std::string_view> unknown_api_keys(const Register& r, FieldSet fields) {
    std::vector<std::string_view> keys;
    for (const std::string& k : r.unknown_fields) {
        const auto field = field_of_api_key(k);
        if (field && fields.contains(*field)) keys.push_back(k);
    }
    return keys;
}

std::vector<std::string_view> api_keys_of(FieldSet fields) {
    std::vector<std::string_view> keys;
    for (const FieldInfo& info : field_table)
        if (fields.contains(info.id)) keys.push_back(info.api_key());
    return keys;
}

std::string Register::display_serial() const {
    return serial_number ? *serial_number : std::string("(unknown serial)");
}

bool Register::field_unknown(std::string_view api_key) const {
    // Either spelling of a field names the same field.
    const auto field = field_of_api_key(api_key);
    return std::any_of(unknown_fields.begin(), unknown_fields.end(), [&](const std::string& k) {
        return k == api_key || (field && field_of_api_key(k) == field);
    });
}

std::string network_error_text(std::int64_t code) {
    // As ATOL writes them, typo in code 8 ("иницилизирован") included.
    static constexpr std::array<std::string_view, 9> texts = {
        "Нет ошибок",
        "Отсутствует физический канал связи",
        "Ошибка сетевых настроек или нет соединения с сервером ОФД",
        "Разрыв соединения при передаче документа на сервер",
        "Некорректный заголовок сессионного пакета",
        "Превышен таймаут ожидания квитанции",
        "Разрыв соединения при приёме квитанции",
        "Превышен таймаут передачи документа на сервер",
        "ОФД-процесс не иницилизирован",
    };
    if (code >= 0 && code < static_cast<std::int64_t>(texts.size())) {
        return std::string(texts[static_cast<std::size_t>(code)]);
    }
    return "unknown network error code " + std::to_string(code);
}

namespace {

// The list parsed whole into one arena: the reference behaviour, and every error message.
std::vector<Register> parse_whole_register_list(std::string_view json_text) {
    json::monotonic_resource arena;
    const json::value root = parse_json(json_text, &arena, "register list");
    if (!root.is_array()) {
        throw ProtocolError(std::string("register list is not a JSON array (got ") +
                            std::string(json_kind_name(root.kind())) + ")");
    }
    const json::array& items = root.get_array();
    std::vector<Register> registers;
    registers.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!items[i].is_object()) {
            throw ProtocolError("register list element " + std::to_string(i) +
                                " is not a JSON object (got " +
                                std::string(json_kind_name(items[i].kind())) + ")");
        }
        registers.push_back(json::value_to<Register>(items[i]));
    }
    return registers;
}

}  // namespace

bool for_each_register_element(std::string_view text, const std::function<void(Register&&)>& each,
                               std::vector<TextSpan>* spans) {
    return for_each_object_element(text, api_parse_options(),
                                   [&](const json::value& element, TextSpan span) {
                                       if (spans) spans->push_back(span);
                                       each(json::value_to<Register>(element));
                                   });
}

std::vector<Register> parse_register_list(std::string_view json_text,
                                          std::vector<TextSpan>* spans) {
    if (spans) spans->clear();
    std::vector<Register> registers;
    // Elements average a few hundred bytes: reserve once instead of growing the vector.
    registers.reserve(json_text.size() / 512 + 1);
    if (for_each_register_element(
            json_text, [&registers](Register&& r) { registers.push_back(std::move(r)); }, spans))
        return registers;
    if (spans) spans->clear();
    return parse_whole_register_list(json_text);
}

Register parse_register_element(std::string_view json_text) {
    json::monotonic_resource arena;
    const json::value element = parse_json(json_text, &arena, "register list element");
    if (!element.is_object()) {
        throw ProtocolError(std::string("register list element is not a JSON object (got ") +
                            std::string(json_kind_name(element.kind())) + ")");
    }
    return json::value_to<Register>(element);
}

Register parse_register_envelope(std::string_view json_text) {
    json::monotonic_resource arena;
    const json::value root = parse_json(json_text, &arena, "register response");
    if (!root.is_object()) {
        throw ProtocolError(std::string("register response is not a JSON object (got ") +
                            std::string(json_kind_name(root.kind())) + ")");
    }
    const json::value* data = root.get_object().if_contains("data");
    if (data == nullptr) throw ProtocolError("register response has no \"data\" object");
    if (!data->is_object()) {
        throw ProtocolError(std::string("register response \"data\" is not a JSON object (got ") +
                            std::string(json_kind_name(data->kind())) + ")");
    }
    return json::value_to<Register>(*data);
}

}  // namespace kkt
