// parse_iso8601 / format_* / *_between: the date-time rules of the API page, exactly.
#include <gtest/gtest.h>

#include <chrono>

#include "common/clock.hpp"

namespace {

using namespace std::chrono;
using kkt::TimePoint;

TimePoint utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
    return TimePoint{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi} + seconds{s} +
           milliseconds{ms};
}

std::optional<TimePoint> parse(std::string_view s) {
    return kkt::parse_iso8601(s);
}

TEST(ParseIso8601, UtcOffsetZeroAndZ) {
    const auto expected = utc(2026, 3, 2, 21, 0, 0);
    EXPECT_EQ(parse("2026-03-02T21:00:00+00:00"), expected);
    EXPECT_EQ(parse("2026-03-02T21:00:00-00:00"), expected);
    EXPECT_EQ(parse("2026-03-02T21:00:00Z"), expected);
    EXPECT_EQ(parse("2026-03-02T21:00:00z"), expected);
}

TEST(ParseIso8601, PositiveAndNegativeOffsets) {
    EXPECT_EQ(parse("2026-03-03T00:00:00+03:00"), utc(2026, 3, 2, 21, 0, 0));
    EXPECT_EQ(parse("2026-03-02T15:30:00-05:30"), utc(2026, 3, 2, 21, 0, 0));
    EXPECT_EQ(parse("2026-03-02T23:59:00+23:59"), utc(2026, 3, 2, 0, 0, 0));
    EXPECT_EQ(parse("2026-03-02T00:00:00-23:59"), utc(2026, 3, 2, 23, 59, 0));
}

TEST(ParseIso8601, CompactAndHourOnlyOffsets) {
    EXPECT_EQ(parse("2026-03-03T00:00:00+0300"), utc(2026, 3, 2, 21, 0, 0));
    EXPECT_EQ(parse("2026-03-03T00:00:00+03"), utc(2026, 3, 2, 21, 0, 0));
    EXPECT_EQ(parse("2026-03-02T16:00:00-0530"), utc(2026, 3, 2, 21, 30, 0));
    EXPECT_EQ(parse("2026-03-02T16:00:00-05"), utc(2026, 3, 2, 21, 0, 0));
}

TEST(ParseIso8601, OffsetCrossesYearBoundary) {
    EXPECT_EQ(parse("2027-01-01T02:00:00+03:00"), utc(2026, 12, 31, 23, 0, 0));
    EXPECT_EQ(parse("2026-12-31T22:00:00-03:00"), utc(2027, 1, 1, 1, 0, 0));
}

TEST(ParseIso8601, SpaceOrLowercaseTSeparator) {
    EXPECT_EQ(parse("2026-03-02 21:00:00+00:00"), utc(2026, 3, 2, 21));
    EXPECT_EQ(parse("2026-03-02t21:00:00Z"), utc(2026, 3, 2, 21));
}

TEST(ParseIso8601, FractionalSecondsToMilliseconds) {
    EXPECT_EQ(parse("2026-11-28T08:47:10.5Z"), utc(2026, 11, 28, 8, 47, 10, 500));
    EXPECT_EQ(parse("2026-11-28T08:47:10.12+00:00"), utc(2026, 11, 28, 8, 47, 10, 120));
    EXPECT_EQ(parse("2026-11-28T08:47:10.123Z"), utc(2026, 11, 28, 8, 47, 10, 123));
    // Finer than milliseconds: truncated, not rounded.
    EXPECT_EQ(parse("2026-11-28T08:47:10.123999Z"), utc(2026, 11, 28, 8, 47, 10, 123));
    EXPECT_EQ(parse("2026-11-28T08:47:10.000000001+03:00"), utc(2026, 11, 28, 5, 47, 10, 0));
}

TEST(ParseIso8601, LeapDays) {
    EXPECT_EQ(parse("2024-02-29T12:00:00Z"), utc(2024, 2, 29, 12));
    EXPECT_EQ(parse("2000-02-29T00:00:00Z"), utc(2000, 2, 29));
    EXPECT_EQ(parse("2025-02-29T12:00:00Z"), std::nullopt);
    EXPECT_EQ(parse("1900-02-29T12:00:00Z"), std::nullopt);
    EXPECT_EQ(parse("2024-02-30T12:00:00Z"), std::nullopt);
}

TEST(ParseIso8601, InvalidCalendarDates) {
    EXPECT_EQ(parse("2026-00-10T00:00:00Z"), std::nullopt);
    EXPECT_EQ(parse("2026-13-10T00:00:00Z"), std::nullopt);
    EXPECT_EQ(parse("2026-01-00T00:00:00Z"), std::nullopt);
    EXPECT_EQ(parse("2026-01-32T00:00:00Z"), std::nullopt);
    EXPECT_EQ(parse("2026-04-31T00:00:00Z"), std::nullopt);
    EXPECT_EQ(parse("2026-04-30T00:00:00Z"), utc(2026, 4, 30));
    EXPECT_EQ(parse("2026-12-31T23:59:59Z"), utc(2026, 12, 31, 23, 59, 59));
}

TEST(ParseIso8601, InvalidTimes) {
    EXPECT_EQ(parse("2026-03-02T24:00:00Z"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T24:00:01Z"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T23:60:00Z"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T23:59:61Z"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T23:59:99Z"), std::nullopt);
}

TEST(ParseIso8601, LeapSecondIsLastMillisecondOfTheMinute) {
    EXPECT_EQ(parse("2016-12-31T23:59:60Z"), utc(2016, 12, 31, 23, 59, 59, 999));
    EXPECT_EQ(parse("2016-12-31T23:59:60.5Z"), utc(2016, 12, 31, 23, 59, 59, 999));
    EXPECT_EQ(parse("2017-01-01T02:59:60+03:00"), utc(2016, 12, 31, 23, 59, 59, 999));
}

TEST(ParseIso8601, InvalidOffsets) {
    EXPECT_EQ(parse("2026-03-02T21:00:00"), std::nullopt);  // no offset: ambiguous local time
    EXPECT_EQ(parse("2026-03-02T21:00:00+24:00"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T21:00:00+03:60"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T21:00:00+3:00"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T21:00:00+03:0"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T21:00:00+030"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T21:00:00+"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T21:00:00 +03:00"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T21:00:00UTC"), std::nullopt);
}

TEST(ParseIso8601, TrailingGarbageAndTruncation) {
    EXPECT_EQ(parse("2026-03-02T21:00:00Zx"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T21:00:00Z "), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T21:00:00+03:00:00"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T21:00:00+0300x"), std::nullopt);
    EXPECT_EQ(parse(" 2026-03-02T21:00:00Z"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T21:00:00."), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T21:00:00.Z"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T21:00Z"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T21:00:0"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02"), std::nullopt);
    EXPECT_EQ(parse(""), std::nullopt);
}

TEST(ParseIso8601, WrongShapes) {
    EXPECT_EQ(parse("26-03-02T21:00:00Z"), std::nullopt);
    EXPECT_EQ(parse("02.03.2026 21:00:00"), std::nullopt);  // the auth endpoint's own format
    EXPECT_EQ(parse("2026/03/02T21:00:00Z"), std::nullopt);
    EXPECT_EQ(parse("2026-3-2T21:00:00Z"), std::nullopt);
    EXPECT_EQ(parse("20260302T210000Z"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02X21:00:00Z"), std::nullopt);
    EXPECT_EQ(parse("+2026-03-02T21:00:00Z"), std::nullopt);
    EXPECT_EQ(parse("2026-03-02T21:0a:00Z"), std::nullopt);
}

TEST(FormatIso8601, WholeSecondsUtcWithZ) {
    EXPECT_EQ(kkt::format_iso8601(utc(2026, 11, 28, 10, 5, 41)), "2026-11-28T10:05:41Z");
    EXPECT_EQ(kkt::format_iso8601(utc(2026, 11, 28, 10, 5, 41, 999)), "2026-11-28T10:05:41Z");
    EXPECT_EQ(kkt::format_iso8601(utc(1969, 12, 31, 23, 59, 59)), "1969-12-31T23:59:59Z");
}

TEST(FormatIso8601, ApiFormKeepsMillisecondsOnlyWhenPresent) {
    EXPECT_EQ(kkt::format_iso8601_api(utc(2026, 3, 2, 21)), "2026-03-02T21:00:00+00:00");
    EXPECT_EQ(kkt::format_iso8601_api(utc(2026, 3, 2, 21, 0, 0, 7)),
              "2026-03-02T21:00:00.007+00:00");
}

TEST(FormatIso8601, RoundTripsThroughTheParser) {
    for (const auto t : {utc(2026, 11, 28, 10, 5, 41), utc(2024, 2, 29, 23, 59, 59, 1),
                         utc(1999, 1, 1), utc(2038, 1, 19, 3, 14, 8, 250)}) {
        EXPECT_EQ(parse(kkt::format_iso8601_api(t)), t);
    }
    EXPECT_EQ(parse(kkt::format_iso8601(utc(2026, 1, 2, 3, 4, 5))), utc(2026, 1, 2, 3, 4, 5));
}

TEST(FormatDate, UtcCalendarDate) {
    EXPECT_EQ(kkt::format_date(utc(2026, 11, 30, 23, 59, 59, 999)), "2026-11-30");
    EXPECT_EQ(kkt::format_date(utc(2026, 12, 1)), "2026-12-01");
    EXPECT_EQ(kkt::format_date(utc(1969, 12, 31, 12)), "1969-12-31");
}

TEST(Between, DecimalHoursAndDays) {
    const auto t0 = utc(2026, 11, 28, 10, 0, 0);
    EXPECT_DOUBLE_EQ(kkt::hours_between(t0, t0 + minutes{90}), 1.5);
    EXPECT_DOUBLE_EQ(kkt::hours_between(t0 + minutes{90}, t0), -1.5);
    EXPECT_DOUBLE_EQ(kkt::days_between(t0, t0 + days{30}), 30.0);
    EXPECT_DOUBLE_EQ(kkt::days_between(t0, t0 + hours{36}), 1.5);
    EXPECT_DOUBLE_EQ(kkt::days_between(t0, t0 - hours{6}), -0.25);
    EXPECT_DOUBLE_EQ(kkt::hours_between(t0, t0), 0.0);
    EXPECT_DOUBLE_EQ(kkt::hours_between(t0, t0 + milliseconds{36}), 0.00001);
}

TEST(SystemClock, IsCloseToTheSystemTime) {
    const auto before = time_point_cast<milliseconds>(system_clock::now());
    const auto now = kkt::SystemClock{}.now();
    const auto after = time_point_cast<milliseconds>(system_clock::now());
    EXPECT_LE(before, now);
    EXPECT_LE(now, after);
}

TEST(FixedClock, SetAndAdvance) {
    kkt::FixedClock clock(utc(2026, 1, 1));
    EXPECT_EQ(clock.now(), utc(2026, 1, 1));
    clock.advance(hours{25});
    EXPECT_EQ(clock.now(), utc(2026, 1, 2, 1));
    clock.set(utc(2025, 6, 1));
    EXPECT_EQ(clock.now(), utc(2025, 6, 1));
}

}  // namespace
