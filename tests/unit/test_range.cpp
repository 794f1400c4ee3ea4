// Nagios plugin ranges, per the plugin development guidelines ("Threshold and ranges").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <clocale>
#include <limits>
#include <string>

#include "common/errors.hpp"
#include "common/range.hpp"
#include "unit/comma_locale.hpp"

namespace kkt {
namespace {

using ::testing::HasSubstr;

// The state a Nagios plugin reports for `value` under "-w warning -c critical".
std::string status(const char* warning, const char* critical, double value) {
    if (critical && parse_range(critical).alerts(value)) return "CRITICAL";
    if (warning && parse_range(warning).alerts(value)) return "WARNING";
    return "OK";
}

// The guidelines' table: "10" alerts when < 0 or > 10.
TEST(RangeTable, EndOnlyMeansZeroToEnd) {
    const Range r = parse_range("10");
    EXPECT_EQ(r.start, 0.0);
    EXPECT_EQ(r.end, 10.0);
    EXPECT_FALSE(r.inside);
    EXPECT_EQ(r.text, "10");
    EXPECT_TRUE(r.alerts(-0.01));
    EXPECT_FALSE(r.alerts(0));
    EXPECT_FALSE(r.alerts(0.01));
    EXPECT_FALSE(r.alerts(5));
    EXPECT_FALSE(r.alerts(9.99));
    EXPECT_FALSE(r.alerts(10));
    EXPECT_TRUE(r.alerts(10.01));
    EXPECT_TRUE(r.alerts(-1000));
}

// "10:" alerts when < 10 (end is infinity).
TEST(RangeTable, StartOnlyMeansStartToInfinity) {
    const Range r = parse_range("10:");
    EXPECT_EQ(r.start, 10.0);
    EXPECT_EQ(r.end, std::nullopt);
    EXPECT_TRUE(r.alerts(9.99));
    EXPECT_TRUE(r.alerts(0));
    EXPECT_TRUE(r.alerts(-5));
    EXPECT_FALSE(r.alerts(10));
    EXPECT_FALSE(r.alerts(10.01));
    EXPECT_FALSE(r.alerts(1e300));
}

// "~:10" alerts when > 10 (start is negative infinity).
TEST(RangeTable, TildeStartMeansMinusInfinityToEnd) {
    const Range r = parse_range("~:10");
    EXPECT_EQ(r.start, std::nullopt);
    EXPECT_EQ(r.end, 10.0);
    EXPECT_FALSE(r.alerts(-1e300));
    EXPECT_FALSE(r.alerts(-1));
    EXPECT_FALSE(r.alerts(9.99));
    EXPECT_FALSE(r.alerts(10));
    EXPECT_TRUE(r.alerts(10.01));
}

// "10:20" alerts when < 10 or > 20.
TEST(RangeTable, StartToEnd) {
    const Range r = parse_range("10:20");
    EXPECT_EQ(r.start, 10.0);
    EXPECT_EQ(r.end, 20.0);
    EXPECT_TRUE(r.alerts(9.99));
    EXPECT_FALSE(r.alerts(10));
    EXPECT_FALSE(r.alerts(10.01));
    EXPECT_FALSE(r.alerts(15));
    EXPECT_FALSE(r.alerts(19.99));
    EXPECT_FALSE(r.alerts(20));
    EXPECT_TRUE(r.alerts(20.01));
}

// "@10:20" alerts when >= 10 and <= 20.
TEST(RangeTable, AtMeansAlertInside) {
    const Range r = parse_range("@10:20");
    EXPECT_TRUE(r.inside);
    EXPECT_EQ(r.text, "@10:20");
    EXPECT_FALSE(r.alerts(9.99));
    EXPECT_TRUE(r.alerts(10));
    EXPECT_TRUE(r.alerts(15));
    EXPECT_TRUE(r.alerts(20));
    EXPECT_FALSE(r.alerts(20.01));
}

TEST(RangeTable, AtWithOtherForms) {
    const Range end_only = parse_range("@10");  // inside 0..10
    EXPECT_FALSE(end_only.alerts(-0.01));
    EXPECT_TRUE(end_only.alerts(0));
    EXPECT_TRUE(end_only.alerts(10));
    EXPECT_FALSE(end_only.alerts(10.01));

    const Range open_end = parse_range("@10:");  // inside 10..inf
    EXPECT_FALSE(open_end.alerts(9.99));
    EXPECT_TRUE(open_end.alerts(10));
    EXPECT_TRUE(open_end.alerts(1e300));

    const Range open_start = parse_range("@~:10");  // inside -inf..10
    EXPECT_TRUE(open_start.alerts(-1e300));
    EXPECT_TRUE(open_start.alerts(10));
    EXPECT_FALSE(open_start.alerts(10.01));

    const Range point = parse_range("@5:5");
    EXPECT_FALSE(point.alerts(4.99));
    EXPECT_TRUE(point.alerts(5));
    EXPECT_FALSE(point.alerts(5.01));
}

TEST(RangeTable, EverythingAndNothing) {
    const Range all = parse_range("~:");  // -inf..inf: never alerts
    EXPECT_EQ(all.start, std::nullopt);
    EXPECT_EQ(all.end, std::nullopt);
    EXPECT_FALSE(all.alerts(-1e300));
    EXPECT_FALSE(all.alerts(1e300));
    EXPECT_TRUE(parse_range("@~:").alerts(0));

    const Range zero = parse_range("0");  // exactly 0 is fine, anything else alerts
    EXPECT_FALSE(zero.alerts(0));
    EXPECT_TRUE(zero.alerts(1));
    EXPECT_TRUE(zero.alerts(-1));
}

TEST(RangeTable, NaNAlwaysAlerts) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    EXPECT_TRUE(parse_range("10").alerts(nan));
    EXPECT_TRUE(parse_range("~:").alerts(nan));
    EXPECT_TRUE(parse_range("@10:20").alerts(nan));
}

// The guidelines' command-line examples.
TEST(RangeGuidelineExamples, W10C20) {
    // Critical if over 20, else warn if over 10 (critical if less than 0).
    EXPECT_EQ(status("10", "20", -1), "CRITICAL");
    EXPECT_EQ(status("10", "20", 0), "OK");
    EXPECT_EQ(status("10", "20", 10), "OK");
    EXPECT_EQ(status("10", "20", 10.5), "WARNING");
    EXPECT_EQ(status("10", "20", 20), "WARNING");
    EXPECT_EQ(status("10", "20", 20.5), "CRITICAL");
}

TEST(RangeGuidelineExamples, WTilde10CTilde20) {
    // Same as above, but negative values are OK.
    EXPECT_EQ(status("~:10", "~:20", -1), "OK");
    EXPECT_EQ(status("~:10", "~:20", 10), "OK");
    EXPECT_EQ(status("~:10", "~:20", 10.5), "WARNING");
    EXPECT_EQ(status("~:10", "~:20", 20), "WARNING");
    EXPECT_EQ(status("~:10", "~:20", 20.5), "CRITICAL");
}

TEST(RangeGuidelineExamples, W10ColonC20) {
    // Critical if over 20, else warn if below 10 (critical if less than 0).
    EXPECT_EQ(status("10:", "20", -1), "CRITICAL");
    EXPECT_EQ(status("10:", "20", 0), "WARNING");
    EXPECT_EQ(status("10:", "20", 9.5), "WARNING");
    EXPECT_EQ(status("10:", "20", 10), "OK");
    EXPECT_EQ(status("10:", "20", 20), "OK");
    EXPECT_EQ(status("10:", "20", 20.5), "CRITICAL");
}

TEST(RangeGuidelineExamples, C1Colon) {
    // Critical if less than 1.
    EXPECT_EQ(status(nullptr, "1:", 0.99), "CRITICAL");
    EXPECT_EQ(status(nullptr, "1:", 1), "OK");
    EXPECT_EQ(status(nullptr, "1:", 1000), "OK");
}

TEST(RangeGuidelineExamples, WTilde0C10) {
    // Critical if above 10; warn if above zero (critical if less than 0).
    EXPECT_EQ(status("~:0", "10", -1), "CRITICAL");
    EXPECT_EQ(status("~:0", "10", 0), "OK");
    EXPECT_EQ(status("~:0", "10", 0.5), "WARNING");
    EXPECT_EQ(status("~:0", "10", 10), "WARNING");
    EXPECT_EQ(status("~:0", "10", 10.5), "CRITICAL");
}

TEST(RangeGuidelineExamples, C5To6) {
    // Critical if less than 5 or more than 6.
    EXPECT_EQ(status(nullptr, "5:6", 4.99), "CRITICAL");
    EXPECT_EQ(status(nullptr, "5:6", 5), "OK");
    EXPECT_EQ(status(nullptr, "5:6", 6), "OK");
    EXPECT_EQ(status(nullptr, "5:6", 6.01), "CRITICAL");
}

TEST(RangeGuidelineExamples, CAt10To20) {
    // OK if less than 10 or higher than 20, otherwise critical.
    EXPECT_EQ(status(nullptr, "@10:20", 9.99), "OK");
    EXPECT_EQ(status(nullptr, "@10:20", 10), "CRITICAL");
    EXPECT_EQ(status(nullptr, "@10:20", 20), "CRITICAL");
    EXPECT_EQ(status(nullptr, "@10:20", 20.01), "OK");
}

TEST(RangeNumbers, NegativesAndDecimals) {
    const Range sym = parse_range("-5:5");
    EXPECT_EQ(sym.start, -5.0);
    EXPECT_EQ(sym.end, 5.0);
    EXPECT_TRUE(sym.alerts(-5.01));
    EXPECT_FALSE(sym.alerts(-5));
    EXPECT_FALSE(sym.alerts(5));
    EXPECT_TRUE(sym.alerts(5.01));

    const Range half = parse_range("0.5");
    EXPECT_EQ(half.start, 0.0);
    EXPECT_EQ(half.end, 0.5);
    EXPECT_FALSE(half.alerts(0.5));
    EXPECT_TRUE(half.alerts(0.51));

    const Range neg_start = parse_range("-0.5:");
    EXPECT_EQ(neg_start.start, -0.5);
    EXPECT_EQ(neg_start.end, std::nullopt);
    EXPECT_TRUE(neg_start.alerts(-0.51));
    EXPECT_FALSE(neg_start.alerts(-0.5));

    const Range negs = parse_range("-20:-10");
    EXPECT_TRUE(negs.alerts(-20.5));
    EXPECT_FALSE(negs.alerts(-20));
    EXPECT_FALSE(negs.alerts(-10));
    EXPECT_TRUE(negs.alerts(-9.5));

    EXPECT_EQ(parse_range("~:-1.25").end, -1.25);
    EXPECT_EQ(parse_range(".5").end, 0.5);
    EXPECT_EQ(parse_range("5.").end, 5.0);
    EXPECT_EQ(parse_range("0:0").end, 0.0);
    EXPECT_EQ(parse_range("007").end, 7.0);
}

TEST(RangeNumbers, WhitespaceAroundIsTrimmedAndTextKept) {
    const Range r = parse_range("  \t@10:20 \n");
    EXPECT_TRUE(r.inside);
    EXPECT_EQ(r.start, 10.0);
    EXPECT_EQ(r.end, 20.0);
    EXPECT_EQ(r.text, "@10:20");
    EXPECT_EQ(parse_range(" 30: ").text, "30:");
}

TEST(RangeNumbers, IndependentOfTheCLocale) {
    // A locale with a decimal comma must not change how "0.5" reads.
    std::optional<Range> r;
    {
        const testing::CommaLocale comma;
        ASSERT_TRUE(comma.active()) << testing::CommaLocale::missing;
        r = parse_range("0.5:1.5");
    }
    EXPECT_EQ(r->start, 0.5);
    EXPECT_EQ(r->end, 1.5);
}

// The error message for `text`, or "" when it parses.
std::string error_of(const std::string& text) {
    try {
        parse_range(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(RangeErrors, MalformedRangesAreRefusedQuotingTheRange) {
    for (const char* bad :
         {"abc",  "1:2:3", ":",      "@",      "~",      "@~",   "1e",   "1e5",  "nan",   "inf",
          "-inf", "10x",   "10:20x", "10 :20", "10: 20", "~10",  "10:~", "@@10", "1,5",   "+5",
          "--5",  "0x10",  ":10",    "-",      ".",      "10:-", "@:",   "~:~",  "\"10\""}) {
        const std::string message = error_of(bad);
        EXPECT_THAT(message, HasSubstr("invalid range \"" + std::string(bad) + "\"")) << bad;
    }
}

TEST(RangeErrors, EmptyIsRefused) {
    EXPECT_THAT(error_of(""), HasSubstr("invalid range \"\": empty"));
    EXPECT_THAT(error_of("   "), HasSubstr("empty"));
}

TEST(RangeErrors, MessagesSayWhatIsWrong) {
    EXPECT_THAT(error_of("10:5"), HasSubstr("start 10 is greater than end 5"));
    EXPECT_THAT(error_of("@2.5:1"), HasSubstr("start 2.5 is greater than end 1"));
    EXPECT_THAT(error_of("-5"), HasSubstr("start 0 is greater than end -5"));
    EXPECT_THAT(error_of("1:2:3"), HasSubstr("more than one ':'"));
    EXPECT_THAT(error_of("abc"), HasSubstr("end \"abc\" is not a number"));
    EXPECT_THAT(error_of("abc:"), HasSubstr("start \"abc\" is not a number"));
    EXPECT_THAT(error_of("1e"), HasSubstr("\"1e\" is not a number"));
    EXPECT_THAT(error_of("nan"), HasSubstr("end \"nan\" is not a"));
    EXPECT_THAT(error_of("inf:"), HasSubstr("start \"inf\" is not a"));
    EXPECT_THAT(error_of("~"), HasSubstr("'~' (negative infinity) is only allowed as the start"));
    EXPECT_THAT(error_of("10:~"), HasSubstr("only allowed as the start"));
    EXPECT_THAT(error_of("@"), HasSubstr("nothing after '@'"));
    EXPECT_THAT(error_of(":"), HasSubstr("start is empty"));
    EXPECT_THAT(error_of(std::string(400, '9')), HasSubstr("is out of range"));
    // Every message shows the accepted forms.
    EXPECT_THAT(error_of("abc"), HasSubstr("expected [@]START:END"));
}

}  // namespace
}  // namespace kkt
