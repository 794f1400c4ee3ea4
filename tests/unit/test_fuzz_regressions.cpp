// Inputs the fuzzers (tests/fuzz, scripts/fuzz.sh) found to break a promise of the core, kept
// as literals so the fix cannot silently regress without a fuzzing run.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "common/clock.hpp"
#include "common/register.hpp"

namespace {

using kkt::parse_iso8601;

// fuzz_iso8601: an offset moved the instant out of the four-digit years in UTC, and
// format_iso8601_api wrote "-001-12-31T..." / "10000-01-01T...", which does not read back.
TEST(FuzzRegressions, Iso8601OffsetPastYear9999IsRefused) {
    EXPECT_EQ(parse_iso8601("9999-12-31T23:59:59-23:59"), std::nullopt);
    EXPECT_EQ(parse_iso8601("9999-12-31T23:59:59.999-00:01"), std::nullopt);
}

TEST(FuzzRegressions, Iso8601OffsetBeforeYear0000IsRefused) {
    EXPECT_EQ(parse_iso8601("0000-01-01T00:00:00+23:59"), std::nullopt);
    EXPECT_EQ(parse_iso8601("0000-01-01T00:00:00.000+00:01"), std::nullopt);
}

TEST(FuzzRegressions, Iso8601EdgesOfTheFourDigitYearsStillReadBack) {
    for (const char* text : {"0000-01-01T00:00:00Z", "0000-01-01T00:01:00+00:01",
                             "9999-12-31T23:59:59.999Z", "9999-12-31T23:58:59.999-00:01"}) {
        const auto t = parse_iso8601(text);
        ASSERT_TRUE(t.has_value()) << text;
        EXPECT_EQ(parse_iso8601(kkt::format_iso8601_api(*t)), t) << text;
    }
    EXPECT_EQ(kkt::format_iso8601_api(*parse_iso8601("0000-01-01T00:01:00+00:01")),
              "0000-01-01T00:00:00+00:00");
    EXPECT_EQ(kkt::format_iso8601_api(*parse_iso8601("9999-12-31T23:58:59.999-00:01")),
              "9999-12-31T23:59:59.999+00:00");
}

// fuzz_register_json: such a date in a register became "-001-12-31T23:45:00+00:00" when the
// register was written out, and unknown when read back. Now it is unknown from the start.
TEST(FuzzRegressions, RegisterDateOutsideFourDigitYearsIsUnknown) {
    const auto r = kkt::parse_register_envelope(
        R"({"data":{"serialNumber":"3","fiscalizationDate":"0000-01-01T00:00:00+00:15"}})");
    EXPECT_EQ(r.fiscalization_date, std::nullopt);
    EXPECT_TRUE(r.field_unknown("fiscalizationDate"));
}

}  // namespace
