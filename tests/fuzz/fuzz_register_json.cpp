// Fuzzes the register JSON mapping: the list endpoint's bare array and the single-register
// envelope, as any API answer (or a corrupt cache file) may be. Beyond "no crash, only
// ProtocolError", it checks what the model promises to the rest of the program:
// - every string in the model is valid UTF-8 (checked by Boost.JSON's strict parser, not by
//   our own repair code) and a serial number is trimmed and non-empty;
// - unknown_fields names only API keys, each at most once;
// - a register written with value_from and read back is the same register (the one documented
//   loss: an unparsable first-unsent timestamp comes back as "none").
#include <boost/json.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.hpp"
#include "common/register.hpp"

namespace {

namespace json = boost::json;
using kkt::Register;

const std::set<std::string_view> api_keys = {"serialNumber",
                                             "registrationNumber",
                                             "deviceNumber",
                                             "fiscalizationDate",
                                             "fiscalStorageExpiration",
                                             "signedDocuments",
                                             "fiscalStoragePercentageUse",
                                             "fiscalStorageINN",
                                             "fiscalStorageSerialNumber",
                                             "fiscalStoragePaymentAddress",
                                             "groupCode",
                                             "timestamp",
                                             "isShiftOpened",
                                             "shiftNumber",
                                             "shiftReceipt",
                                             "unsentDocs",
                                             "firstUnsetDocTimestamp",
                                             "firstUnsentDocTimestamp",
                                             "networkErrorCode"};

[[noreturn]] void violated(const char* what, const std::string& detail = {}) {
    std::fprintf(stderr, "invariant violated: %s %s\n", what, detail.c_str());
    std::abort();
}

bool strictly_valid_utf8(const std::string& s) {
    // Boost.JSON's default parse options reject invalid UTF-8 in strings.
    json::error_code ec;
    json::parse(json::serialize(json::value(json::string_view(s))), ec);
    return !ec;
}

void check_strings(const Register& r) {
    for (const auto* field :
         {&r.serial_number, &r.registration_number, &r.device_number, &r.fiscal_storage_inn,
          &r.fiscal_storage_serial_number, &r.fiscal_storage_payment_address, &r.group_code}) {
        if (*field && !strictly_valid_utf8(**field)) violated("invalid UTF-8 in the model");
    }
    if (r.serial_number) {
        const std::string& s = *r.serial_number;
        const std::string_view space = " \t\r\n\f\v";
        if (s.empty() || space.find(s.front()) != std::string_view::npos ||
            space.find(s.back()) != std::string_view::npos) {
            violated("serial number empty or untrimmed", s);
        }
    }
}

void check_unknown_fields(const Register& r) {
    std::set<std::string> seen;
    for (const auto& k : r.unknown_fields) {
        if (!api_keys.contains(k)) violated("unknown_fields names a non-API key", k);
        if (!seen.insert(k).second) violated("unknown_fields names a key twice", k);
        if (!r.field_unknown(k)) violated("field_unknown disagrees with unknown_fields", k);
    }
    if (r.unsent_docs.has_value() == r.field_unknown("unsentDocs"))
        violated("unsentDocs unknown iff not in unknown_fields");
}

// Boost.JSON parses decimals to within an ulp or so (its default, imprecise number parsing),
// so a double may come back one ulp away through text: that is not a change of value.
bool same_number(std::optional<double> a, std::optional<double> b) {
    if (!a || !b) return a == b;
    return std::fabs(*a - *b) <= 1e-15 * std::fabs(*a);
}

bool same_fields(const Register& a, const Register& b) {
    return a.serial_number == b.serial_number && a.registration_number == b.registration_number &&
           a.device_number == b.device_number && a.fiscalization_date == b.fiscalization_date &&
           a.fiscal_storage_expiration == b.fiscal_storage_expiration &&
           a.signed_documents == b.signed_documents &&
           same_number(a.fiscal_storage_percentage_use, b.fiscal_storage_percentage_use) &&
           a.fiscal_storage_inn == b.fiscal_storage_inn &&
           a.fiscal_storage_serial_number == b.fiscal_storage_serial_number &&
           a.fiscal_storage_payment_address == b.fiscal_storage_payment_address &&
           a.group_code == b.group_code && a.timestamp == b.timestamp &&
           a.is_shift_opened == b.is_shift_opened && a.shift_number == b.shift_number &&
           a.shift_receipt == b.shift_receipt && a.unsent_docs == b.unsent_docs &&
           a.first_unsent_doc_timestamp == b.first_unsent_doc_timestamp &&
           a.network_error_code == b.network_error_code;
}

std::vector<std::string> without_first_unsent(std::vector<std::string> keys) {
    std::erase_if(keys, [](const std::string& k) {
        return k == "firstUnsetDocTimestamp" || k == "firstUnsentDocTimestamp";
    });
    return keys;
}

void check_round_trip(const Register& r) {
    const std::string text = "[" + json::serialize(json::value_from(r)) + "]";
    std::vector<Register> back;
    try {
        back = kkt::parse_register_list(text);
    } catch (const kkt::ProtocolError& e) {
        violated("value_from output does not parse back:", e.what());
    }
    if (back.size() != 1 || !same_fields(back[0], r)) violated("round trip changed", text);
    if (without_first_unsent(back[0].unknown_fields) != without_first_unsent(r.unknown_fields))
        violated("round trip changed unknown_fields", text);
}

void check(const Register& r) {
    check_strings(r);
    check_unknown_fields(r);
    check_round_trip(r);
    (void)r.display_serial();
    if (r.network_error_code) (void)kkt::network_error_text(*r.network_error_code);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        for (const Register& r : kkt::parse_register_list(text)) check(r);
    } catch (const kkt::ProtocolError&) {
        // The documented refusal of a bad answer.
    }
    try {
        check(kkt::parse_register_envelope(text));
    } catch (const kkt::ProtocolError&) {
    }
    return 0;
}
