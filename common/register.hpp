#pragma once
// The register object of the ATOL monitoring API (atol-monitoring-api.md, section 5), mapped
// with Boost.JSON conversions. A field that is missing, null or of the wrong type is kept as
// "unknown" (nullopt) and named in `unknown_fields`; the register itself is never dropped.
#include <boost/json/fwd.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"

namespace kkt {

struct Register {
    std::optional<std::string> serial_number;                  // serialNumber
    std::optional<std::string> registration_number;            // registrationNumber
    std::optional<std::string> device_number;                  // deviceNumber
    std::optional<TimePoint> fiscalization_date;               // fiscalizationDate
    std::optional<TimePoint> fiscal_storage_expiration;        // fiscalStorageExpiration
    std::optional<std::int64_t> signed_documents;              // signedDocuments
    std::optional<double> fiscal_storage_percentage_use;       // fiscalStoragePercentageUse
    std::optional<std::string> fiscal_storage_inn;             // fiscalStorageINN
    std::optional<std::string> fiscal_storage_serial_number;   // fiscalStorageSerialNumber
    std::optional<std::string> fiscal_storage_payment_address; // fiscalStoragePaymentAddress
    std::optional<std::string> group_code;                     // groupCode
    std::optional<TimePoint> timestamp;                        // timestamp
    std::optional<bool> is_shift_opened;                       // isShiftOpened
    std::optional<std::int64_t> shift_number;                  // shiftNumber
    std::optional<std::int64_t> shift_receipt;                 // shiftReceipt
    // unsentDocs: an absent key means 0; null or a wrong type is unknown.
    std::optional<std::int64_t> unsent_docs = 0;
    // firstUnsetDocTimestamp / firstUnsentDocTimestamp: absent (or null) means "nothing
    // unsent"; only a present, unparsable value is unknown (then listed in unknown_fields).
    std::optional<TimePoint> first_unsent_doc_timestamp;
    std::optional<std::int64_t> network_error_code;            // networkErrorCode

    // camelCase API keys whose value was missing, null or of the wrong type, in API order.
    std::vector<std::string> unknown_fields;

    // The serial number, or "(unknown serial)" when the API did not give one.
    std::string display_serial() const;
    bool field_unknown(std::string_view api_key) const;
};

// Boost.JSON conversion: value_to<Register>(v). Never throws for a JSON object (bad fields
// become unknown); throws boost::system::system_error for a value that is not an object.
Register tag_invoke(boost::json::value_to_tag<Register>, const boost::json::value& v);
// The inverse, with the API's camelCase keys and ISO 8601 UTC dates (used by tests and the
// cache); unknown fields are written as null, and unsentDocs=0 is omitted as the API does.
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const Register& r);

// The API's text of a networkErrorCode ("Нет ошибок", ...), or
// "unknown network error code N" for codes outside 0..8.
std::string network_error_text(std::int64_t code);

// Parses the list endpoint's bare JSON array. Throws ProtocolError when the text is not
// valid JSON or not an array; non-object elements are a ProtocolError too.
std::vector<Register> parse_register_list(std::string_view json_text);
// Parses the single-register endpoint's {"data": {...}} (extra keys ignored).
Register parse_register_envelope(std::string_view json_text);

}  // namespace kkt
