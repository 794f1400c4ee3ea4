// C-locale number formatting for perfdata and reasons.
#include <gtest/gtest.h>

#include <clocale>
#include <limits>

#include "common/format.hpp"
#include "unit/comma_locale.hpp"

namespace kkt {
namespace {

TEST(FormatNumber, ShortestRoundTripInPlainNotation) {
    EXPECT_EQ(format_number(2.4), "2.4");
    EXPECT_EQ(format_number(30), "30");
    EXPECT_EQ(format_number(0), "0");
    EXPECT_EQ(format_number(-0.0), "0");
    EXPECT_EQ(format_number(-2.5), "-2.5");
    EXPECT_EQ(format_number(37.5), "37.5");
    EXPECT_EQ(format_number(0.1), "0.1");
    EXPECT_EQ(format_number(0.1 + 0.2), "0.30000000000000004");
    EXPECT_EQ(format_number(1e6), "1000000");
    EXPECT_EQ(format_number(1e-7), "0.0000001");
    EXPECT_EQ(format_number(48211), "48211");
    EXPECT_EQ(format_number(1e20), "100000000000000000000");
}

TEST(FormatNumber, NonFiniteIsPerfdataUnknown) {
    EXPECT_EQ(format_number(std::numeric_limits<double>::quiet_NaN()), "U");
    EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "U");
    EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "U");
    EXPECT_EQ(format_fixed(std::numeric_limits<double>::quiet_NaN(), 1), "U");
}

TEST(FormatNumber, ExtremesFit) {
    EXPECT_EQ(format_number(std::numeric_limits<double>::max()).size(), 309u);
    EXPECT_EQ(format_number(std::numeric_limits<double>::denorm_min()).substr(0, 4), "0.00");
}

TEST(FormatFixed, RoundsToTheGivenDecimals) {
    EXPECT_EQ(format_fixed(2.44, 1), "2.4");
    EXPECT_EQ(format_fixed(2.46, 1), "2.5");
    EXPECT_EQ(format_fixed(30, 1), "30.0");
    EXPECT_EQ(format_fixed(-3.06, 1), "-3.1");
    EXPECT_EQ(format_fixed(26.6625, 1), "26.7");
    EXPECT_EQ(format_fixed(1.005, 0), "1");
    EXPECT_EQ(format_fixed(2.345, 2), "2.35");  // 2.345 is 2.34500000000000019984 as a double
}

TEST(FormatFixed, NeverNegativeZero) {
    EXPECT_EQ(format_fixed(-0.04, 1), "0.0");
    EXPECT_EQ(format_fixed(-0.0, 1), "0.0");
    EXPECT_EQ(format_fixed(-0.4, 0), "0");
    EXPECT_EQ(format_fixed(-0.05001, 1), "-0.1");
}

TEST(Round3, DropsFloatNoiseBeyondTheThirdDecimal) {
    EXPECT_EQ(format_number(round3(0.1 + 0.2)), "0.3");
    EXPECT_EQ(format_number(round3(8.350000000000001)), "8.35");
    EXPECT_EQ(round3(2.0004), 2.0);
    EXPECT_EQ(round3(2.0006), 2.001);
    EXPECT_EQ(round3(-1.23456), -1.235);
    EXPECT_EQ(round3(30), 30.0);
}

TEST(FormatNumber, IndependentOfTheCLocale) {
    std::string number, fixed;
    {
        const testing::CommaLocale comma;
        ASSERT_TRUE(comma.active()) << testing::CommaLocale::missing;
        number = format_number(2.5);
        fixed = format_fixed(2.5, 1);
    }
    EXPECT_EQ(number, "2.5");
    EXPECT_EQ(fixed, "2.5");
}

}  // namespace
}  // namespace kkt
