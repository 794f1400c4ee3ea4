#pragma once
// The API page's example register, as JSON and as the Register it must map to; shared by the
// register mapping tests.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>

#include "common/register.hpp"

namespace register_fixture {

namespace json = boost::json;
using namespace std::chrono;
using kkt::Register;
using kkt::TimePoint;

inline TimePoint utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
    return TimePoint{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi} + seconds{s};
}

// The API page's example register.
inline const char* const example = R"({"serialNumber": "00106709186412",
 "registrationNumber": "0006538712045120", "deviceNumber": "KKT031877",
 "fiscalizationDate": "2025-09-14T09:12:00+00:00",
 "fiscalStorageExpiration": "2026-12-29T21:00:00+00:00", "signedDocuments": 48211,
 "fiscalStoragePercentageUse": 37.5, "fiscalStorageINN": "7701234567",
 "fiscalStorageSerialNumber": "7380440800123456",
 "fiscalStoragePaymentAddress": "shop.example.ru", "groupCode": "shop-example-ru_1207",
 "timestamp": "2026-11-28T10:05:41+00:00", "isShiftOpened": true, "shiftNumber": 412,
 "shiftReceipt": 96, "unsentDocs": 3, "firstUnsetDocTimestamp": "2026-11-28T08:47:10+00:00",
 "networkErrorCode": 2})";

inline json::object example_object() {
    return json::parse(example).as_object();
}

inline Register example_register() {
    Register r;
    r.serial_number = "00106709186412";
    r.registration_number = "0006538712045120";
    r.device_number = "KKT031877";
    r.fiscalization_date = utc(2025, 9, 14, 9, 12);
    r.fiscal_storage_expiration = utc(2026, 12, 29, 21);
    r.signed_documents = 48211;
    r.fiscal_storage_percentage_use = 37.5;
    r.fiscal_storage_inn = "7701234567";
    r.fiscal_storage_serial_number = "7380440800123456";
    r.fiscal_storage_payment_address = "shop.example.ru";
    r.group_code = "shop-example-ru_1207";
    r.timestamp = utc(2026, 11, 28, 10, 5, 41);
    r.is_shift_opened = true;
    r.shift_number = 412;
    r.shift_receipt = 96;
    r.unsent_docs = 3;
    r.first_unsent_doc_timestamp = utc(2026, 11, 28, 8, 47, 10);
    r.network_error_code = 2;
    return r;
}

inline Register from(const json::object& o) {
    return json::value_to<Register>(json::value(o));
}

inline void expect_same(const Register& a, const Register& e) {
    EXPECT_EQ(a.serial_number, e.serial_number);
    EXPECT_EQ(a.registration_number, e.registration_number);
    EXPECT_EQ(a.device_number, e.device_number);
    EXPECT_EQ(a.fiscalization_date, e.fiscalization_date);
    EXPECT_EQ(a.fiscal_storage_expiration, e.fiscal_storage_expiration);
    EXPECT_EQ(a.signed_documents, e.signed_documents);
    EXPECT_EQ(a.fiscal_storage_percentage_use, e.fiscal_storage_percentage_use);
    EXPECT_EQ(a.fiscal_storage_inn, e.fiscal_storage_inn);
    EXPECT_EQ(a.fiscal_storage_serial_number, e.fiscal_storage_serial_number);
    EXPECT_EQ(a.fiscal_storage_payment_address, e.fiscal_storage_payment_address);
    EXPECT_EQ(a.group_code, e.group_code);
    EXPECT_EQ(a.timestamp, e.timestamp);
    EXPECT_EQ(a.is_shift_opened, e.is_shift_opened);
    EXPECT_EQ(a.shift_number, e.shift_number);
    EXPECT_EQ(a.shift_receipt, e.shift_receipt);
    EXPECT_EQ(a.unsent_docs, e.unsent_docs);
    EXPECT_EQ(a.first_unsent_doc_timestamp, e.first_unsent_doc_timestamp);
    EXPECT_EQ(a.network_error_code, e.network_error_code);
    EXPECT_EQ(a.unknown_fields, e.unknown_fields);
}

}  // namespace register_fixture
