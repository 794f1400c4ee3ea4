#include <gtest/gtest.h>

#include "common/register.hpp"
#include "common/utf8.hpp"

namespace kkt {
namespace {

const std::string replacement = "\xEF\xBF\xBD";

TEST(ValidUtf8, KeepsValidTextUnchanged) {
    EXPECT_EQ(valid_utf8("shop.example.ru"), "shop.example.ru");
    EXPECT_EQ(valid_utf8("магазин-7.рф"), "магазин-7.рф");
    EXPECT_EQ(valid_utf8("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");  // U+1F600
}

TEST(ValidUtf8, ReplacesEachInvalidByte) {
    EXPECT_EQ(valid_utf8("a\xFF"
                         "b"),
              "a" + replacement + "b");
    EXPECT_EQ(valid_utf8("\xC0\xAF"), replacement + replacement);                    // overlong '/'
    EXPECT_EQ(valid_utf8("\xED\xA0\x80"), replacement + replacement + replacement);  // surrogate
    EXPECT_EQ(valid_utf8("\xD0"), replacement);                                      // cut sequence
    EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80").substr(0, 3), replacement);  // above U+10FFFF
}

TEST(Utf8Length, CountsCharactersNotBytes) {
    EXPECT_EQ(utf8_length(""), 0u);
    EXPECT_EQ(utf8_length("shop"), 4u);
    EXPECT_EQ(utf8_length("магазин"), 7u);            // 14 bytes
    EXPECT_EQ(utf8_length("\xF0\x9F\x98\x80!"), 2u);  // U+1F600 and '!'
}

TEST(Utf8Length, EachInvalidByteCountsAsOneAsValidUtf8WouldRepairIt) {
    for (const std::string text :
         {"a\xFF"
          "b",
          "\x80\x80", "\xC0\xAF", "\xED\xA0\x80", "\xD0", "\xD0\xB0\xB0"}) {
        SCOPED_TRACE(text);
        EXPECT_EQ(utf8_length(text), utf8_length(valid_utf8(text)));
    }
    EXPECT_EQ(utf8_length("\x80\x80"), 2u);  // stray continuation bytes are characters too
}

TEST(Utf8Prefix, NeverEndsInsideACharacter) {
    EXPECT_EQ(utf8_prefix("магазин", 100), "магазин");
    EXPECT_EQ(utf8_prefix("магазин", 14), "магазин");
    EXPECT_EQ(utf8_prefix("магазин", 5), "ма");
    EXPECT_EQ(utf8_prefix("магазин", 4), "ма");
    EXPECT_EQ(utf8_prefix("магазин", 1), "");
    EXPECT_EQ(utf8_prefix("shop", 2), "sh");
    EXPECT_EQ(utf8_prefix("\xF0\x9F\x98\x80", 3), "");
}

TEST(ValidUtf8, RegisterListWithInvalidBytesIsParsedAndRepaired) {
    const std::string list =
        "[{\"serialNumber\":\"001\",\"fiscalStoragePaymentAddress\":\"shop\xFF.ru\"}]";
    auto registers = parse_register_list(list);
    ASSERT_EQ(registers.size(), 1u);
    EXPECT_EQ(registers[0].fiscal_storage_payment_address, "shop" + replacement + ".ru");
}

}  // namespace
}  // namespace kkt
