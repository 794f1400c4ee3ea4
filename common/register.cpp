// The register object's JSON mapping (atol-monitoring-api.md, section 5). Every API key is read
// and written here and nowhere else.
#include "common/register.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <string>

#include "common/errors.hpp"
#include "common/json_text.hpp"
#include "common/text.hpp"
#include "common/utf8.hpp"

namespace kkt {

namespace json = boost::json;

namespace {

// The API's camelCase keys, in the API page's order (unknown_fields follows it).
namespace key {
constexpr std::string_view serial_number = "serialNumber";
constexpr std::string_view registration_number = "registrationNumber";
constexpr std::string_view device_number = "deviceNumber";
constexpr std::string_view fiscalization_date = "fiscalizationDate";
constexpr std::string_view fiscal_storage_expiration = "fiscalStorageExpiration";
constexpr std::string_view signed_documents = "signedDocuments";
constexpr std::string_view fiscal_storage_percentage_use = "fiscalStoragePercentageUse";
constexpr std::string_view fiscal_storage_inn = "fiscalStorageINN";
constexpr std::string_view fiscal_storage_serial_number = "fiscalStorageSerialNumber";
constexpr std::string_view fiscal_storage_payment_address = "fiscalStoragePaymentAddress";
constexpr std::string_view group_code = "groupCode";
constexpr std::string_view timestamp = "timestamp";
constexpr std::string_view is_shift_opened = "isShiftOpened";
constexpr std::string_view shift_number = "shiftNumber";
constexpr std::string_view shift_receipt = "shiftReceipt";
constexpr std::string_view unsent_docs = "unsentDocs";
// The original client's spelling ("Unset") first: it is preferred when both are valid.
constexpr std::string_view first_unset_doc_timestamp = "firstUnsetDocTimestamp";
constexpr std::string_view first_unsent_doc_timestamp = "firstUnsentDocTimestamp";
constexpr std::string_view network_error_code = "networkErrorCode";
}  // namespace key

bool is_first_unsent_key(std::string_view k) {
    return k == key::first_unset_doc_timestamp || k == key::first_unsent_doc_timestamp;
}

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

// Reads fields of one register object, naming in `unknown` each key that is missing, null or
// of the wrong type.
class FieldReader {
  public:
    FieldReader(const json::object& object, std::vector<std::string>& unknown)
        : object_(object), unknown_(unknown) {}

    template <typename Convert>
    auto read(std::string_view k, Convert convert) -> decltype(convert(json::value())) {
        const json::value* v = object_.if_contains(k);
        decltype(convert(json::value())) result;
        if (v != nullptr) result = convert(*v);
        if (!result) unknown_.emplace_back(k);
        return result;
    }

  private:
    const json::object& object_;
    std::vector<std::string>& unknown_;
};

// The first-unsent timestamp under either spelling. Absent or null: nothing unsent, known.
// A valid value wins over an invalid one; otherwise each invalid key is named unknown.
void read_first_unsent(const json::object& o, Register& r) {
    std::array<std::string_view, 2> invalid_keys{};
    std::size_t invalid = 0;
    for (const auto k : {key::first_unset_doc_timestamp, key::first_unsent_doc_timestamp}) {
        const json::value* v = o.if_contains(k);
        if (v == nullptr || v->is_null()) continue;
        if (const auto t = as_date(*v)) {
            r.first_unsent_doc_timestamp = t;
            return;
        }
        invalid_keys[invalid++] = k;
    }
    for (std::size_t i = 0; i < invalid; ++i) r.unknown_fields.emplace_back(invalid_keys[i]);
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
    const json::object& o = v.get_object();
    Register r;
    FieldReader in(o, r.unknown_fields);

    // The identity: surrounding whitespace is not part of it, and an empty one is no identity.
    r.serial_number = in.read(key::serial_number, [](const json::value& x) {
        auto s = as_string(x);
        if (s) s = trim(*s);
        return s && !s->empty() ? s : std::nullopt;
    });
    r.registration_number = in.read(key::registration_number, as_string);
    r.device_number = in.read(key::device_number, as_string);
    r.fiscalization_date = in.read(key::fiscalization_date, as_date);
    r.fiscal_storage_expiration = in.read(key::fiscal_storage_expiration, as_date);
    r.signed_documents = in.read(key::signed_documents, as_integer);
    r.fiscal_storage_percentage_use = in.read(key::fiscal_storage_percentage_use, as_number);
    r.fiscal_storage_inn = in.read(key::fiscal_storage_inn, as_string);
    r.fiscal_storage_serial_number = in.read(key::fiscal_storage_serial_number, as_string);
    r.fiscal_storage_payment_address = in.read(key::fiscal_storage_payment_address, as_string);
    r.group_code = in.read(key::group_code, as_string);
    r.timestamp = in.read(key::timestamp, as_date);
    r.is_shift_opened = in.read(key::is_shift_opened, as_bool);
    r.shift_number = in.read(key::shift_number, as_integer);
    r.shift_receipt = in.read(key::shift_receipt, as_integer);
    // The API omits unsentDocs when it is 0; present but null or mistyped is unknown.
    if (o.contains(key::unsent_docs)) r.unsent_docs = in.read(key::unsent_docs, as_integer);
    read_first_unsent(o, r);
    r.network_error_code = in.read(key::network_error_code, as_integer);
    return r;
}

void tag_invoke(json::value_from_tag, json::value& v, const Register& r) {
    json::object& o = v.emplace_object();
    o.reserve(18);
    const auto put = [&o](std::string_view k, const auto& field) {
        if (field) {
            o[k] = json::value_from(*field, o.storage());
        } else {
            o[k] = nullptr;
        }
    };
    const auto put_date = [&o](std::string_view k, const std::optional<TimePoint>& t) {
        if (t) {
            o[k] = format_iso8601_api(*t);
        } else {
            o[k] = nullptr;
        }
    };
    put(key::serial_number, r.serial_number);
    put(key::registration_number, r.registration_number);
    put(key::device_number, r.device_number);
    put_date(key::fiscalization_date, r.fiscalization_date);
    put_date(key::fiscal_storage_expiration, r.fiscal_storage_expiration);
    put(key::signed_documents, r.signed_documents);
    put(key::fiscal_storage_percentage_use, r.fiscal_storage_percentage_use);
    put(key::fiscal_storage_inn, r.fiscal_storage_inn);
    put(key::fiscal_storage_serial_number, r.fiscal_storage_serial_number);
    put(key::fiscal_storage_payment_address, r.fiscal_storage_payment_address);
    put(key::group_code, r.group_code);
    put_date(key::timestamp, r.timestamp);
    put(key::is_shift_opened, r.is_shift_opened);
    put(key::shift_number, r.shift_number);
    put(key::shift_receipt, r.shift_receipt);
    if (r.unsent_docs != std::optional<std::int64_t>(0)) put(key::unsent_docs, r.unsent_docs);
    // Omitted when nothing is unsent, as the API does. An unknown (unparsable) timestamp is
    // written as null, which reads back as "none": the fact it was garbled is not kept.
    if (r.first_unsent_doc_timestamp || r.field_unknown(key::first_unset_doc_timestamp)) {
        put_date(key::first_unset_doc_timestamp, r.first_unsent_doc_timestamp);
    }
    put(key::network_error_code, r.network_error_code);
}

std::string Register::display_serial() const {
    return serial_number ? *serial_number : std::string("(unknown serial)");
}

bool Register::field_unknown(std::string_view api_key) const {
    // Both spellings of the first-unsent timestamp name the same field.
    const bool either_spelling = is_first_unsent_key(api_key);
    return std::any_of(unknown_fields.begin(), unknown_fields.end(), [&](const std::string& k) {
        return k == api_key || (either_spelling && is_first_unsent_key(k));
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

std::size_t skip_json_space(std::string_view text, std::size_t pos) {
    while (pos < text.size() &&
           (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r'))
        ++pos;
    return pos;
}

// The list parsed one element at a time into a small reused arena: the DOM of a 100,000-register
// list (about twice the text) never exists at once, and the arena stays in the CPU cache. Only
// for a well-formed array of objects; nullopt on anything else, for the whole parse to report.
std::optional<std::vector<Register>> parse_register_list_by_element(std::string_view text) {
    json::parse_options options = api_parse_options();
    // An element sits one level below the array: the same depth limit as the whole parse.
    if (options.max_depth < 2) return std::nullopt;
    --options.max_depth;
    unsigned char parser_buffer[4096];
    json::parser parser(json::storage_ptr(), options, parser_buffer, sizeof parser_buffer);
    unsigned char element_buffer[16384];
    json::monotonic_resource element_arena(element_buffer, sizeof element_buffer);

    std::vector<Register> registers;
    std::size_t pos = skip_json_space(text, 0);
    if (pos == text.size() || text[pos] != '[') return std::nullopt;
    pos = skip_json_space(text, pos + 1);
    if (pos < text.size() && text[pos] == ']') {
        pos = skip_json_space(text, pos + 1);
        return pos == text.size() ? std::optional(std::move(registers)) : std::nullopt;
    }
    // Elements average a few hundred bytes: reserve once instead of growing the vector.
    registers.reserve(text.size() / 512 + 1);
    for (;;) {
        if (pos == text.size() || text[pos] != '{') return std::nullopt;
        json::error_code ec;
        element_arena.release();
        parser.reset(json::storage_ptr(&element_arena));
        pos += parser.write_some(text.data() + pos, text.size() - pos, ec);
        if (ec) return std::nullopt;
        {
            const json::value element = parser.release();
            registers.push_back(json::value_to<Register>(element));
        }
        pos = skip_json_space(text, pos);
        if (pos == text.size()) return std::nullopt;
        if (text[pos] == ']') break;
        if (text[pos] != ',') return std::nullopt;
        pos = skip_json_space(text, pos + 1);
    }
    pos = skip_json_space(text, pos + 1);
    if (pos != text.size()) return std::nullopt;
    return registers;
}

}  // namespace

std::vector<Register> parse_register_list(std::string_view json_text) {
    if (auto registers = parse_register_list_by_element(json_text)) return std::move(*registers);
    return parse_whole_register_list(json_text);
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
