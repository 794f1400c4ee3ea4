// The ФН forecast (common/forecast.hpp, docs/forecast.md): the least-squares fit of fn_usage and
// signed_documents over a register's history, against cases worked out by hand. Time comes
// from a FixedClock, as in the program.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/forecast.hpp"

namespace kkt {
namespace {

using namespace std::chrono;

// 2026-11-01 09:00 UTC: day 0 of every case.
const TimePoint day0 = TimePoint{sys_days{year{2026} / 11 / 1}} + hours{9};

TimePoint day(double d) {
    return day0 + milliseconds(static_cast<std::int64_t>(d * 86'400'000));
}

FnSample sample(double d, std::optional<double> usage,
                std::optional<std::int64_t> documents = std::nullopt) {
    return {day(d), usage, documents};
}

// The forecast as the program makes it: "now" from a clock.
FnForecast forecast_at(const std::vector<FnSample>& samples, double now_day) {
    const FixedClock clock(day(now_day));
    return forecast_fn(samples, clock.now());
}

TEST(Forecast, LinearGrowthTwoPercentADayAtEightyIsTenDays) {
    // 66 % on day 0, 2 %/day: 80 % on day 7, full on day 17.
    std::vector<FnSample> samples;
    for (int d = 0; d <= 7; ++d) samples.push_back(sample(d, 66 + 2 * d, 1000 + 150 * d));
    const FnForecast f = forecast_at(samples, 7);
    ASSERT_TRUE(f.fn_full_days_left);
    EXPECT_NEAR(*f.fn_full_days_left, 10.0, 1e-9);
    ASSERT_TRUE(f.documents_per_day);
    EXPECT_NEAR(*f.documents_per_day, 150.0, 1e-9);
    EXPECT_DOUBLE_EQ(f.usage_history_days, 7);
    EXPECT_DOUBLE_EQ(f.documents_history_days, 7);
}

TEST(Forecast, TimeSinceTheNewestSampleCounts) {
    std::vector<FnSample> samples;
    for (int d = 0; d <= 7; ++d) samples.push_back(sample(d, 66 + 2 * d));
    // A day and a half after the 80 % sample: 10 − 1.5.
    EXPECT_NEAR(*forecast_at(samples, 8.5).fn_full_days_left, 8.5, 1e-9);
    // Long past the fill date: 0, never negative.
    EXPECT_DOUBLE_EQ(*forecast_at(samples, 40).fn_full_days_left, 0.0);
    // A clock behind the newest sample: no time has passed, not negative time.
    EXPECT_NEAR(*forecast_at(samples, 5).fn_full_days_left, 10.0, 1e-9);
}

TEST(Forecast, NoisyGrowthIsTheLeastSquaresSlope) {
    // y = 10 + 2x + (0, +0.5, −0.5, +0.5, −0.5) on days 0..4. By hand: mean x 2, mean y 14,
    // Σ(x−2)(y−14) = 8 + 1.5 + 0 + 2.5 + 7 = 19, Σ(x−2)² = 10: slope 1.9 %/day; from the
    // newest value 17.5 %: (100 − 17.5) / 1.9 = 43.4210526… days.
    const std::vector<FnSample> samples = {sample(0, 10), sample(1, 12.5), sample(2, 13.5),
                                           sample(3, 16.5), sample(4, 17.5)};
    ASSERT_TRUE(forecast_at(samples, 4).fn_full_days_left);
    EXPECT_NEAR(*forecast_at(samples, 4).fn_full_days_left, 82.5 / 1.9, 1e-9);
}

TEST(Forecast, FlatUsageHasNoForecastNeverZeroOrInfinity) {
    std::vector<FnSample> samples;
    for (int d = 0; d <= 10; ++d) samples.push_back(sample(d, 42.5, 5000));
    const FnForecast f = forecast_at(samples, 10);
    EXPECT_FALSE(f.fn_full_days_left);
    EXPECT_DOUBLE_EQ(f.usage_history_days, 10);  // long enough: it is "not filling"
    ASSERT_TRUE(f.documents_per_day);
    EXPECT_DOUBLE_EQ(*f.documents_per_day, 0.0);
}

TEST(Forecast, ARiseBelowTheApiPrecisionIsNotGrowth) {
    // 0.005 % over 5 days is rounding, not a ФН filling in 100,000 days.
    std::vector<FnSample> samples;
    for (int d = 0; d <= 5; ++d) samples.push_back(sample(d, 30 + 0.001 * d));
    EXPECT_FALSE(forecast_at(samples, 5).fn_full_days_left);
}

TEST(Forecast, SmallDipsAreRoundingNotANewFn) {
    // 20, 21, 20.5 (a dip under 1 %), 23, 24: one ФН; slope by hand: mean x 2, mean y 21.7,
    // Σ(x−2)(y−21.7) = 3.4 + 0.7 + 0 + 1.3 + 4.6 = 10, Σ(x−2)² = 10: 1 %/day, (100 − 24) / 1.
    const std::vector<FnSample> samples = {sample(0, 20), sample(1, 21), sample(2, 20.5),
                                           sample(3, 23), sample(4, 24)};
    const FnForecast f = forecast_at(samples, 4);
    EXPECT_DOUBLE_EQ(f.usage_history_days, 4);
    EXPECT_NEAR(*f.fn_full_days_left, 76.0, 1e-9);
}

TEST(Forecast, DecreasingUsageAfterReplacementRestartsTheFit) {
    // The old ФН filled 2 %/day to 94 %; the new one starts at 0.5 % and fills 1 %/day.
    std::vector<FnSample> samples;
    for (int d = 0; d <= 5; ++d) samples.push_back(sample(d, 84 + 2 * d, 90'000 + 500 * d));
    for (int d = 6; d <= 9; ++d) samples.push_back(sample(d, 0.5 + (d - 6), 40 * (d - 5)));
    const FnForecast f = forecast_at(samples, 9);
    // Days 6..9 only: 3 days, 1 %/day from 3.5 %.
    EXPECT_DOUBLE_EQ(f.usage_history_days, 3);
    EXPECT_NEAR(*f.fn_full_days_left, 96.5, 1e-9);
    EXPECT_NEAR(*f.documents_per_day, 40.0, 1e-9);

    // Two days after the replacement the new ФН has too little history of its own; the old
    // one's is not used.
    samples.resize(8);
    const FnForecast early = forecast_at(samples, 7);
    EXPECT_FALSE(early.fn_full_days_left);
    EXPECT_FALSE(early.documents_per_day);
    EXPECT_DOUBLE_EQ(early.usage_history_days, 1);
}

TEST(Forecast, FallingDocumentCountAloneMeansAnotherFn) {
    // Usage the same (rounded to whole percent, say) but the document counter went back.
    const std::vector<FnSample> samples = {sample(0, 5, 9000), sample(1, 6, 9500),
                                           sample(2, 7, 10'000), sample(3, 7, 100),
                                           sample(4, 8, 600)};
    const FnForecast f = forecast_at(samples, 4);
    EXPECT_DOUBLE_EQ(f.usage_history_days, 1);
    EXPECT_FALSE(f.fn_full_days_left);
}

TEST(Forecast, GapsInTheHistoryWeighByTime) {
    // Days 0, 1, 10, 11 at 1 %/day: the gap does not change the slope.
    const std::vector<FnSample> samples = {sample(0, 20), sample(1, 21), sample(10, 30),
                                           sample(11, 31)};
    const FnForecast f = forecast_at(samples, 11);
    EXPECT_DOUBLE_EQ(f.usage_history_days, 11);
    EXPECT_NEAR(*f.fn_full_days_left, 69.0, 1e-9);
}

TEST(Forecast, UnknownValuesAreLeftOutOfTheirFit) {
    // fn_usage unknown on days 1 and 3; signed_documents unknown on day 4.
    const std::vector<FnSample> samples = {sample(0, 50, 100), sample(1, std::nullopt, 200),
                                           sample(2, 54, 300), sample(3, std::nullopt, 400),
                                           sample(4, 58, std::nullopt)};
    const FnForecast f = forecast_at(samples, 4);
    EXPECT_NEAR(*f.fn_full_days_left, 42.0 / 2.0, 1e-9);
    EXPECT_NEAR(*f.documents_per_day, 100.0, 1e-9);
    EXPECT_DOUBLE_EQ(f.documents_history_days, 3);
}

TEST(Forecast, OneSampleOrNoneHasNoForecast) {
    const FnForecast none = forecast_at({}, 0);
    EXPECT_FALSE(none.fn_full_days_left);
    EXPECT_FALSE(none.documents_per_day);
    EXPECT_DOUBLE_EQ(none.usage_history_days, 0);
    const FnForecast one = forecast_at({sample(0, 70, 100)}, 3);
    EXPECT_FALSE(one.fn_full_days_left);
    EXPECT_FALSE(one.documents_per_day);
    EXPECT_DOUBLE_EQ(one.usage_history_days, 0);
}

TEST(Forecast, LessThanThreeDaysOfHistoryHasNoForecast) {
    // Steep growth, but 2.9 days of it.
    const std::vector<FnSample> samples = {sample(0, 10), sample(1, 30), sample(2.9, 60)};
    const FnForecast f = forecast_at(samples, 2.9);
    EXPECT_FALSE(f.fn_full_days_left);
    EXPECT_NEAR(f.usage_history_days, 2.9, 1e-9);
    // Exactly three days is enough: 20 %/day from 70 %.
    const std::vector<FnSample> three = {sample(0, 10), sample(1, 30), sample(2, 50),
                                         sample(3, 70)};
    EXPECT_NEAR(*forecast_at(three, 3).fn_full_days_left, 1.5, 1e-9);
}

TEST(Forecast, ClockGoingBackwardsSkipsTheOutOfOrderSample) {
    // A sample dated before the one before it (the register's clock was reset) is skipped,
    // as is one at the same instant: the fit is the straight 1 %/day line.
    const std::vector<FnSample> samples = {sample(0, 10),   sample(1, 11), sample(2, 12),
                                           sample(1.5, 99), sample(2, 0),  sample(3, 13),
                                           sample(4, 14)};
    const FnForecast f = forecast_at(samples, 4);
    EXPECT_DOUBLE_EQ(f.usage_history_days, 4);
    EXPECT_NEAR(*f.fn_full_days_left, 86.0, 1e-9);
}

TEST(Forecast, OnlyTheLastFourWeeksAreFitted) {
    // Flat at 10 % for days 0..10, then 1 %/day from day 11 (11 %) to day 40 (40 %). Days
    // 12..40 are within 28 days of day 40: slope exactly 1, (100 − 40) / 1 = 60. The flat start
    // would have lowered the slope.
    std::vector<FnSample> samples;
    for (int d = 0; d <= 10; ++d) samples.push_back(sample(d, 10));
    for (int d = 11; d <= 40; ++d) samples.push_back(sample(d, d));
    const FnForecast f = forecast_at(samples, 40);
    EXPECT_DOUBLE_EQ(f.usage_history_days, forecast_window_days);
    EXPECT_NEAR(*f.fn_full_days_left, 60.0, 1e-9);
}

TEST(Forecast, FullMemoryIsZeroDays) {
    std::vector<FnSample> samples;
    for (int d = 0; d <= 4; ++d) samples.push_back(sample(d, 92 + 2 * d));
    EXPECT_DOUBLE_EQ(*forecast_at(samples, 4).fn_full_days_left, 0.0);
}

TEST(CountersRestarted, OnlyAFallBeyondRoundingOrAnyDocumentFall) {
    EXPECT_FALSE(counters_restarted(std::nullopt, std::nullopt, sample(0, 0, 0)));
    EXPECT_FALSE(counters_restarted(50, 100, sample(0, 49.5, 100)));
    EXPECT_TRUE(counters_restarted(50, 100, sample(0, 48.9, 100)));
    EXPECT_TRUE(counters_restarted(50, 100, sample(0, 50, 99)));
    EXPECT_FALSE(counters_restarted(50, 100, sample(0, std::nullopt, std::nullopt)));
}

}  // namespace
}  // namespace kkt
