// trim(): one whitespace set (ASCII, as isspace() in the C locale) for every caller.
#include <gtest/gtest.h>

#include <string>

#include "common/text.hpp"

namespace kkt {
namespace {

TEST(Trim, RemovesEveryAsciiWhitespaceAtBothEnds) {
    EXPECT_EQ(trim(" \t\r\n\f\vshop 7\v\f\n\r\t "), "shop 7");
    EXPECT_EQ(trim("x"), "x");
    EXPECT_EQ(trim("  x"), "x");
    EXPECT_EQ(trim("x  "), "x");
}

TEST(Trim, KeepsInnerWhitespace) {
    EXPECT_EQ(trim("  fn_days = 30 "), "fn_days = 30");
    EXPECT_EQ(trim("a\tb\nc"), "a\tb\nc");
}

TEST(Trim, BlankTextIsEmpty) {
    EXPECT_EQ(trim(""), "");
    EXPECT_EQ(trim(" \t\r\n\f\v"), "");
}

TEST(Trim, LeavesOtherBytesAlone) {
    EXPECT_EQ(trim(std::string("\0x\0", 3)), std::string("\0x\0", 3));
    EXPECT_EQ(trim("\xC2\xA0x\xC2\xA0"), "\xC2\xA0x\xC2\xA0");  // U+00A0 is not ASCII space
    EXPECT_EQ(trim(" магазин "), "магазин");
}

TEST(Trim, ReturnsAViewIntoItsArgument) {
    const std::string text = "  serial  ";
    const std::string_view trimmed = trim(text);
    EXPECT_EQ(trimmed.data(), text.data() + 2);
    EXPECT_EQ(trimmed.size(), 6u);
}

}  // namespace
}  // namespace kkt
