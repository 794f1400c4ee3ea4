// The register object's JSON mapping (API page, section 5): every key missing, null and
// mistyped in turn; both spellings of the first-unsent timestamp; lists and envelopes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/register.hpp"
#include "unit/register_fixture.hpp"

namespace {

using namespace register_fixture;

enum class Type { string, integer, number, boolean, date };

// The 16 keys whose absence makes them unknown, how to forget each in the expected register,
// and values of a wrong type for each.
struct Field {
    const char* key;
    Type type;
    std::function<void(Register&)> forget;
};

const std::vector<Field>& required_fields() {
    static const std::vector<Field> fields = {
        {"serialNumber", Type::string, [](Register& r) { r.serial_number.reset(); }},
        {"registrationNumber", Type::string, [](Register& r) { r.registration_number.reset(); }},
        {"deviceNumber", Type::string, [](Register& r) { r.device_number.reset(); }},
        {"fiscalizationDate", Type::date, [](Register& r) { r.fiscalization_date.reset(); }},
        {"fiscalStorageExpiration", Type::date,
         [](Register& r) { r.fiscal_storage_expiration.reset(); }},
        {"signedDocuments", Type::integer, [](Register& r) { r.signed_documents.reset(); }},
        {"fiscalStoragePercentageUse", Type::number,
         [](Register& r) { r.fiscal_storage_percentage_use.reset(); }},
        {"fiscalStorageINN", Type::string, [](Register& r) { r.fiscal_storage_inn.reset(); }},
        {"fiscalStorageSerialNumber", Type::string,
         [](Register& r) { r.fiscal_storage_serial_number.reset(); }},
        {"fiscalStoragePaymentAddress", Type::string,
         [](Register& r) { r.fiscal_storage_payment_address.reset(); }},
        {"groupCode", Type::string, [](Register& r) { r.group_code.reset(); }},
        {"timestamp", Type::date, [](Register& r) { r.timestamp.reset(); }},
        {"isShiftOpened", Type::boolean, [](Register& r) { r.is_shift_opened.reset(); }},
        {"shiftNumber", Type::integer, [](Register& r) { r.shift_number.reset(); }},
        {"shiftReceipt", Type::integer, [](Register& r) { r.shift_receipt.reset(); }},
        {"networkErrorCode", Type::integer, [](Register& r) { r.network_error_code.reset(); }},
    };
    return fields;
}

std::vector<json::value> wrong_values(Type type) {
    switch (type) {
        case Type::string:
            return {json::value(123), json::value(true), json::object(), json::array()};
        case Type::integer:
            return {json::value("3"), json::value(3.5), json::value(true), json::object(),
                    json::array{1}};
        case Type::number:
            return {json::value("37.5"), json::value(false), json::object(), json::array()};
        case Type::boolean:
            return {json::value(1), json::value(0), json::value("true"), json::object()};
        case Type::date:
            return {json::value(1764324341),
                    json::value("garbage"),
                    json::value("2025-02-29T00:00:00+00:00"),
                    json::value("2026-11-28"),
                    json::value(true),
                    json::object()};
    }
    return {};
}

TEST(RegisterFromJson, ApiExampleHasEveryFieldExactly) {
    const Register r = from(example_object());
    expect_same(r, example_register());
    EXPECT_TRUE(r.unknown_fields.empty());
    EXPECT_EQ(r.display_serial(), "00106709186412");
}

TEST(RegisterFromJson, EachKeyMissingInTurnIsUnknownAndTheRestIntact) {
    ASSERT_EQ(required_fields().size(), 16u);
    for (const auto& field : required_fields()) {
        SCOPED_TRACE(field.key);
        json::object o = example_object();
        ASSERT_EQ(o.erase(field.key), 1u);
        Register expected = example_register();
        field.forget(expected);
        expected.unknown_fields = {field.key};
        const Register r = from(o);
        expect_same(r, expected);
        EXPECT_TRUE(r.field_unknown(field.key));
    }
}

TEST(RegisterFromJson, EachKeyNullInTurnIsUnknown) {
    for (const auto& field : required_fields()) {
        SCOPED_TRACE(field.key);
        json::object o = example_object();
        o[field.key] = nullptr;
        Register expected = example_register();
        field.forget(expected);
        expected.unknown_fields = {field.key};
        expect_same(from(o), expected);
    }
}

TEST(RegisterFromJson, EachKeyWithAWrongTypeIsUnknown) {
    for (const auto& field : required_fields()) {
        for (const auto& wrong : wrong_values(field.type)) {
            SCOPED_TRACE(std::string(field.key) + " = " + json::serialize(wrong));
            json::object o = example_object();
            o[field.key] = wrong;
            Register expected = example_register();
            field.forget(expected);
            expected.unknown_fields = {field.key};
            expect_same(from(o), expected);
        }
    }
}

TEST(RegisterFromJson, UnknownFieldsAreListedInApiOrder) {
    json::object o = example_object();
    o.erase("networkErrorCode");
    o["timestamp"] = nullptr;
    o["serialNumber"] = 5;
    o["unsentDocs"] = "x";
    const Register r = from(o);
    EXPECT_EQ(r.unknown_fields, (std::vector<std::string>{"serialNumber", "timestamp", "unsentDocs",
                                                          "networkErrorCode"}));
    EXPECT_EQ(r.display_serial(), "(unknown serial)");
}

TEST(RegisterFromJson, EmptyObjectKeepsTheRegisterWithEverythingUnknown) {
    const Register r = from(json::object());
    std::vector<std::string> keys;
    for (const auto& field : required_fields()) keys.emplace_back(field.key);
    EXPECT_EQ(r.unknown_fields, keys);
    EXPECT_EQ(r.unsent_docs, 0);  // absent means 0
    EXPECT_EQ(r.first_unsent_doc_timestamp, std::nullopt);
    EXPECT_FALSE(r.field_unknown("unsentDocs"));
    EXPECT_FALSE(r.field_unknown("firstUnsetDocTimestamp"));
}

TEST(RegisterFromJson, UnsentDocsAbsentIsZeroAndKnown) {
    json::object o = example_object();
    o.erase("unsentDocs");
    o.erase("firstUnsetDocTimestamp");
    const Register r = from(o);
    EXPECT_EQ(r.unsent_docs, 0);
    EXPECT_EQ(r.first_unsent_doc_timestamp, std::nullopt);
    EXPECT_TRUE(r.unknown_fields.empty());
}

TEST(RegisterFromJson, UnsentDocsNullOrMistypedIsUnknown) {
    for (const json::value& bad : {json::value(nullptr), json::value("3"), json::value(3.5),
                                   json::value(true), json::value(json::array())}) {
        SCOPED_TRACE(json::serialize(bad));
        json::object o = example_object();
        o["unsentDocs"] = bad;
        const Register r = from(o);
        EXPECT_EQ(r.unsent_docs, std::nullopt);
        EXPECT_EQ(r.unknown_fields, std::vector<std::string>{"unsentDocs"});
    }
}

TEST(RegisterFromJson, IntegersAcceptWholeDoublesOnly) {
    const auto shift_number = [](json::value v) {
        json::object o = example_object();
        o["shiftNumber"] = v;
        return from(o).shift_number;
    };
    EXPECT_EQ(shift_number(3), 3);
    EXPECT_EQ(shift_number(json::parse("3.0")), 3);
    EXPECT_EQ(shift_number(json::parse("3e2")), 300);
    EXPECT_EQ(shift_number(json::parse("-7.0")), -7);
    EXPECT_EQ(shift_number(json::parse("1e18")), 1000000000000000000);
    EXPECT_EQ(shift_number(json::parse("3.5")), std::nullopt);
    EXPECT_EQ(shift_number(json::parse("0.1")), std::nullopt);
    EXPECT_EQ(shift_number(json::value("3")), std::nullopt);
}

TEST(RegisterFromJson, HugeNumbers) {
    const auto signed_documents = [](const char* text) {
        json::object o = example_object();
        o["signedDocuments"] = json::parse(text);
        return from(o).signed_documents;
    };
    EXPECT_EQ(signed_documents("9223372036854775807"), INT64_MAX);
    EXPECT_EQ(signed_documents("-9223372036854775808"), INT64_MIN);
    EXPECT_EQ(signed_documents("9223372036854775808"), std::nullopt);   // uint64, > int64
    EXPECT_EQ(signed_documents("18446744073709551615"), std::nullopt);  // uint64 max
    EXPECT_EQ(signed_documents("18446744073709551616"), std::nullopt);  // a double now
    EXPECT_EQ(signed_documents("9.3e18"), std::nullopt);
    EXPECT_EQ(signed_documents("1e400"), std::nullopt);  // parses as infinity
    EXPECT_EQ(signed_documents("4294967296"), 4294967296);

    json::object o = example_object();
    o["fiscalStoragePercentageUse"] = json::parse("1e400");
    EXPECT_EQ(from(o).fiscal_storage_percentage_use, std::nullopt);
    o["fiscalStoragePercentageUse"] = json::parse("18446744073709551615");
    EXPECT_EQ(from(o).fiscal_storage_percentage_use, 18446744073709551615.0);
}

TEST(RegisterFromJson, PercentageAcceptsAnyNumber) {
    json::object o = example_object();
    o["fiscalStoragePercentageUse"] = 37;
    EXPECT_EQ(from(o).fiscal_storage_percentage_use, 37.0);
    o["fiscalStoragePercentageUse"] = json::parse("99.99");
    EXPECT_EQ(from(o).fiscal_storage_percentage_use, 99.99);
    o["fiscalStoragePercentageUse"] = json::parse("0");
    EXPECT_EQ(from(o).fiscal_storage_percentage_use, 0.0);
}

TEST(RegisterFromJson, DatesWithOtherOffsetsAndZ) {
    json::object o = example_object();
    o["timestamp"] = "2026-11-28T13:05:41+03:00";
    o["fiscalStorageExpiration"] = "2026-12-29T21:00:00Z";
    o["fiscalizationDate"] = "2025-09-14T03:42:00-05:30";
    expect_same(from(o), example_register());
}

TEST(RegisterFromJson, FirstUnsentTimestampEitherSpelling) {
    json::object o = example_object();
    o.erase("firstUnsetDocTimestamp");
    o["firstUnsentDocTimestamp"] = "2026-11-28T08:47:10+00:00";
    expect_same(from(o), example_register());
}

TEST(RegisterFromJson, FirstUnsentTimestampAbsentOrNullIsNoneAndKnown) {
    json::object o = example_object();
    o.erase("firstUnsetDocTimestamp");
    EXPECT_EQ(from(o).first_unsent_doc_timestamp, std::nullopt);
    EXPECT_TRUE(from(o).unknown_fields.empty());
    o["firstUnsetDocTimestamp"] = nullptr;
    o["firstUnsentDocTimestamp"] = nullptr;
    EXPECT_EQ(from(o).first_unsent_doc_timestamp, std::nullopt);
    EXPECT_TRUE(from(o).unknown_fields.empty());
}

TEST(RegisterFromJson, FirstUnsentTimestampBothSpellingsPreferAValidOne) {
    json::object o = example_object();
    o["firstUnsetDocTimestamp"] = "2026-11-28T08:47:10+00:00";
    o["firstUnsentDocTimestamp"] = "2026-11-01T00:00:00+00:00";
    EXPECT_EQ(from(o).first_unsent_doc_timestamp, utc(2026, 11, 28, 8, 47, 10));  // "Unset"

    o["firstUnsetDocTimestamp"] = "not a date";
    EXPECT_EQ(from(o).first_unsent_doc_timestamp, utc(2026, 11, 1));
    EXPECT_TRUE(from(o).unknown_fields.empty());

    o["firstUnsetDocTimestamp"] = "2026-11-28T08:47:10+00:00";
    o["firstUnsentDocTimestamp"] = 12;
    EXPECT_EQ(from(o).first_unsent_doc_timestamp, utc(2026, 11, 28, 8, 47, 10));
    EXPECT_TRUE(from(o).unknown_fields.empty());

    o["firstUnsetDocTimestamp"] = nullptr;
    o["firstUnsentDocTimestamp"] = "2026-11-01T00:00:00+00:00";
    EXPECT_EQ(from(o).first_unsent_doc_timestamp, utc(2026, 11, 1));
}

TEST(RegisterFromJson, FirstUnsentTimestampPresentButBadIsUnknown) {
    json::object o = example_object();
    o.erase("firstUnsetDocTimestamp");
    o["firstUnsentDocTimestamp"] = "2026-13-01T00:00:00+00:00";
    Register r = from(o);
    EXPECT_EQ(r.first_unsent_doc_timestamp, std::nullopt);
    EXPECT_EQ(r.unknown_fields, std::vector<std::string>{"firstUnsentDocTimestamp"});
    // Either spelling names the one field.
    EXPECT_TRUE(r.field_unknown("firstUnsentDocTimestamp"));
    EXPECT_TRUE(r.field_unknown("firstUnsetDocTimestamp"));
    EXPECT_FALSE(r.field_unknown("timestamp"));

    o["firstUnsetDocTimestamp"] = 1764324341;
    r = from(o);
    EXPECT_EQ(r.first_unsent_doc_timestamp, std::nullopt);
    EXPECT_EQ(r.unknown_fields,
              (std::vector<std::string>{"firstUnsetDocTimestamp", "firstUnsentDocTimestamp"}));
}

TEST(RegisterFromJson, UnknownKeysAreIgnored) {
    json::object o = example_object();
    o["_links"] = json::parse(R"({"self": {"href": "/x"}})");
    o["someFutureField"] = 1;
    o["serialnumber"] = "case differs";
    const Register r = from(o);
    expect_same(r, example_register());
}

TEST(RegisterFromJson, CyrillicStringsKeptByteForByte) {
    json::object o = example_object();
    o["fiscalStoragePaymentAddress"] = "магазин.рф";
    o["groupCode"] = "Группа №1 \"Ромашка\"";
    const Register r = from(o);
    EXPECT_EQ(r.fiscal_storage_payment_address, "магазин.рф");
    EXPECT_EQ(r.group_code, "Группа №1 \"Ромашка\"");
    const Register escaped =
        from(json::parse(R"({"groupCode": "\u041a\u041a\u0422"})").as_object());
    EXPECT_EQ(escaped.group_code, "ККТ");
}

TEST(RegisterFromJson, SerialNumberIsTrimmedOtherStringsAreNot) {
    json::object o = example_object();
    o["serialNumber"] = " \t00106709186412\r\n";
    o["deviceNumber"] = " KKT031877 ";
    const Register r = from(o);
    EXPECT_EQ(r.serial_number, "00106709186412");
    EXPECT_EQ(r.device_number, " KKT031877 ");
    o["serialNumber"] = "   ";  // no identity at all
    EXPECT_EQ(from(o).serial_number, std::nullopt);
    EXPECT_TRUE(from(o).field_unknown("serialNumber"));
}

TEST(RegisterFromJson, NonObjectThrowsSystemError) {
    EXPECT_THROW(json::value_to<Register>(json::value(json::array())), boost::system::system_error);
    EXPECT_THROW(json::value_to<Register>(json::value("x")), boost::system::system_error);
    EXPECT_THROW(json::value_to<Register>(json::value(nullptr)), boost::system::system_error);
}

TEST(RegisterToJson, CamelCaseKeysApiDatesAndNoUnsentWhenZero) {
    Register r = example_register();
    r.unsent_docs = 0;
    r.first_unsent_doc_timestamp.reset();
    r.shift_receipt.reset();
    r.unknown_fields = {"shiftReceipt"};
    const json::value v = json::value_from(r);
    const json::object& o = v.as_object();
    EXPECT_EQ(o.size(), 16u);
    EXPECT_FALSE(o.contains("unsentDocs"));
    EXPECT_FALSE(o.contains("firstUnsetDocTimestamp"));
    EXPECT_FALSE(o.contains("firstUnsentDocTimestamp"));
    EXPECT_TRUE(o.at("shiftReceipt").is_null());
    EXPECT_EQ(o.at("timestamp"), "2026-11-28T10:05:41+00:00");
    EXPECT_EQ(o.at("fiscalStorageExpiration"), "2026-12-29T21:00:00+00:00");
    EXPECT_EQ(o.at("serialNumber"), "00106709186412");
    EXPECT_EQ(o.at("fiscalStorageINN"), "7701234567");
    EXPECT_EQ(o.at("signedDocuments"), 48211);
    EXPECT_EQ(o.at("fiscalStoragePercentageUse"), 37.5);
    EXPECT_EQ(o.at("isShiftOpened"), true);
    EXPECT_EQ(o.at("networkErrorCode"), 2);
}

TEST(RegisterToJson, UnsentFieldsWrittenWhenPresent) {
    const json::value v = json::value_from(example_register());
    EXPECT_EQ(v.at("unsentDocs"), 3);
    EXPECT_EQ(v.at("firstUnsetDocTimestamp"), "2026-11-28T08:47:10+00:00");
    EXPECT_EQ(v.as_object().size(), 18u);
}

TEST(RegisterToJson, RoundTripKeepsEverything) {
    expect_same(json::value_to<Register>(json::value_from(example_register())), example_register());

    json::object o = example_object();
    o.erase("groupCode");
    o["isShiftOpened"] = "yes";
    o["unsentDocs"] = nullptr;
    o["fiscalStoragePaymentAddress"] = "магазин.рф";
    const Register partial = from(o);
    ASSERT_EQ(partial.unknown_fields,
              (std::vector<std::string>{"groupCode", "isShiftOpened", "unsentDocs"}));
    expect_same(json::value_to<Register>(json::value_from(partial)), partial);
}

}  // namespace
