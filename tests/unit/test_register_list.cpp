// Parsing the list endpoint's bare array and the single-register envelope; network error
// texts.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "common/errors.hpp"
#include "common/register.hpp"
#include "unit/register_fixture.hpp"

namespace {

using namespace register_fixture;

TEST(NetworkErrorText, ExactApiTexts) {
    EXPECT_EQ(kkt::network_error_text(0), "Нет ошибок");
    EXPECT_EQ(kkt::network_error_text(1), "Отсутствует физический канал связи");
    EXPECT_EQ(kkt::network_error_text(2),
              "Ошибка сетевых настроек или нет соединения с сервером ОФД");
    EXPECT_EQ(kkt::network_error_text(3), "Разрыв соединения при передаче документа на сервер");
    EXPECT_EQ(kkt::network_error_text(4), "Некорректный заголовок сессионного пакета");
    EXPECT_EQ(kkt::network_error_text(5), "Превышен таймаут ожидания квитанции");
    EXPECT_EQ(kkt::network_error_text(6), "Разрыв соединения при приёме квитанции");
    EXPECT_EQ(kkt::network_error_text(7), "Превышен таймаут передачи документа на сервер");
    EXPECT_EQ(kkt::network_error_text(8), "ОФД-процесс не иницилизирован");  // ATOL's typo
    EXPECT_EQ(kkt::network_error_text(9), "unknown network error code 9");
    EXPECT_EQ(kkt::network_error_text(-1), "unknown network error code -1");
    EXPECT_EQ(kkt::network_error_text(INT64_MAX), "unknown network error code 9223372036854775807");
}

// What parse_register_list / parse_register_envelope throw, as text.
template <typename F>
std::string protocol_error(F f) {
    try {
        f();
    } catch (const kkt::ProtocolError& e) {
        return e.what();
    }
    return "(no ProtocolError)";
}

std::string list_error(std::string_view text) {
    return protocol_error([&] { kkt::parse_register_list(text); });
}

std::string envelope_error(std::string_view text) {
    return protocol_error([&] { kkt::parse_register_envelope(text); });
}

TEST(ParseRegisterList, BareArrayOfRegistersInOrder) {
    const std::string text = std::string("[") + example + R"(, {"serialNumber": "2"}])";
    const auto list = kkt::parse_register_list(text);
    ASSERT_EQ(list.size(), 2u);
    expect_same(list[0], example_register());
    EXPECT_EQ(list[1].serial_number, "2");
    EXPECT_EQ(list[1].unknown_fields.size(), 15u);  // kept, with what it lacks named
}

TEST(ParseRegisterList, EmptyArrayIsNoRegisters) {
    EXPECT_TRUE(kkt::parse_register_list("[]").empty());
    EXPECT_TRUE(kkt::parse_register_list(" \n[ ]\n").empty());
}

TEST(ParseRegisterList, MalformedAndTruncatedJsonNameTheByte) {
    EXPECT_EQ(list_error(""), "malformed JSON in register list: incomplete JSON at byte 0");
    EXPECT_EQ(list_error("[{\"serialNumber\": \"1\"},"),
              "malformed JSON in register list: incomplete JSON at byte 23");
    EXPECT_EQ(list_error("[{] "), "malformed JSON in register list: syntax error at byte 2");
    EXPECT_EQ(list_error("[] x"), "malformed JSON in register list: extra data at byte 3");
    EXPECT_EQ(list_error("<html>502</html>"),
              "malformed JSON in register list: syntax error at byte 0");
    // A truncated body at every length is an error, never a shorter list.
    const std::string full = std::string("[") + example + "," + example + "]";
    for (std::size_t n = 0; n < full.size(); ++n) {
        EXPECT_THROW(kkt::parse_register_list(full.substr(0, n)), kkt::ProtocolError) << n;
    }
    EXPECT_EQ(kkt::parse_register_list(full).size(), 2u);
}

TEST(ParseRegisterList, NotAnArray) {
    EXPECT_EQ(list_error(example), "register list is not a JSON array (got object)");
    EXPECT_EQ(list_error(R"({"data": []})"), "register list is not a JSON array (got object)");
    EXPECT_EQ(list_error("\"[]\""), "register list is not a JSON array (got string)");
    EXPECT_EQ(list_error("42"), "register list is not a JSON array (got number)");
    EXPECT_EQ(list_error("null"), "register list is not a JSON array (got null)");
}

TEST(ParseRegisterList, NonObjectElementIsAProtocolError) {
    EXPECT_EQ(list_error(R"([{"serialNumber": "1"}, "2"])"),
              "register list element 1 is not a JSON object (got string)");
    EXPECT_EQ(list_error("[null]"), "register list element 0 is not a JSON object (got null)");
    EXPECT_EQ(list_error("[[]]"), "register list element 0 is not a JSON object (got array)");
}

TEST(ParseRegisterEnvelope, DataObjectWithHalLinksIgnored) {
    const std::string text = std::string(R"({"_links": {"self": {"href": "/api/kkt/v1/x"}},)") +
                             R"( "data": )" + example + "}";
    expect_same(kkt::parse_register_envelope(text), example_register());
}

TEST(ParseRegisterEnvelope, MissingOrWrongDataIsAProtocolError) {
    EXPECT_EQ(envelope_error(example), "register response has no \"data\" object");
    EXPECT_EQ(envelope_error(R"({"data": null})"),
              "register response \"data\" is not a JSON object (got null)");
    EXPECT_EQ(envelope_error(R"({"data": [{}]})"),
              "register response \"data\" is not a JSON object (got array)");
    EXPECT_EQ(envelope_error("[]"), "register response is not a JSON object (got array)");
    EXPECT_EQ(envelope_error(R"({"data": {)"),
              "malformed JSON in register response: incomplete JSON at byte 10");
}

TEST(ParseRegisterEnvelope, EmptyDataKeepsTheRegisterAllUnknown) {
    const Register r = kkt::parse_register_envelope(R"({"data": {}})");
    EXPECT_EQ(r.unknown_fields.size(), 16u);
    EXPECT_EQ(r.display_serial(), "(unknown serial)");
}

}  // namespace
