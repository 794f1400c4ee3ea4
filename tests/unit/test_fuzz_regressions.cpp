// Inputs the fuzzers (tests/fuzz, scripts/fuzz.sh) found to break a promise of the core, kept
// as literals so the fix cannot silently regress without a fuzzing run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/errors.hpp"
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

// fuzz_config_ini: a stray UTF-8 continuation byte was not counted, so a login or password of
// 101 characters (the invalid byte counting as one, as the limit's comment says) was accepted.
kkt::Config config_with(const std::string& variable, const std::string& value) {
    const kkt::EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
        if (name == variable) return value;
        return std::nullopt;
    };
    return kkt::make_config(kkt::parse_options({}, kkt::common_options(), env).vm, env);
}

TEST(FuzzRegressions, StrayContinuationByteCountsTowardsTheCredentialLimit) {
    const std::string stray_and_100 = "\xbc" + std::string(100, 'l');
    try {
        config_with("ATOL_KKT_LOGIN", stray_and_100);
        ADD_FAILURE() << "a 101-character login was accepted";
    } catch (const kkt::ConfigError& e) {
        EXPECT_STREQ(e.what(), "the login is longer than 100 characters");
    }
    try {
        config_with("ATOL_KKT_PASSWORD", stray_and_100);
        ADD_FAILURE() << "a 101-character password was accepted";
    } catch (const kkt::ConfigError& e) {
        EXPECT_STREQ(e.what(), "the password is longer than 100 characters");
    }
}

TEST(FuzzRegressions, CredentialOf100CharactersWithAStrayByteIsAccepted) {
    const std::string stray_and_99 = "\xbc" + std::string(99, 'l');
    EXPECT_EQ(config_with("ATOL_KKT_LOGIN", stray_and_99).login, stray_and_99);
    // 100 Cyrillic letters are 200 bytes and still 100 characters.
    std::string cyrillic;
    for (int i = 0; i < 100; ++i) cyrillic += "ж";
    EXPECT_EQ(config_with("ATOL_KKT_PASSWORD", cyrillic).password, cyrillic);
}

// fuzz_config_ini: program_options' what() replaces "%value%" in its message by the value until
// none is left, so an option value holding "%value%" made every command hang (growing memory
// when the value was longer), e.g. `check_atol_kkt -t %value%`. Each case runs in a child with
// an alarm: the bug shows as a child killed by SIGALRM instead of an endless test.
void expect_refused_in_time(const std::vector<std::string>& args, const std::string& variable,
                            const std::string& value, const char* message) {
    EXPECT_EXIT(
        {
            ::alarm(10);
            const kkt::EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
                if (name == variable) return value;
                return std::nullopt;
            };
            try {
                kkt::parse_options(args, kkt::common_options(), env);
            } catch (const kkt::ConfigError& e) {
                std::fprintf(stderr, "[%s]", e.what());
                std::_Exit(0);
            }
            std::_Exit(1);
        },
        ::testing::ExitedWithCode(0), message);
}

TEST(FuzzRegressions, OptionValueHoldingItsPlaceholderIsRefusedNotLoopedOn) {
    expect_refused_in_time({"--timeout", "%value%"}, "", "",
                           "\\[the argument \\('%25value%25'\\) for option '--timeout' is "
                           "invalid\\]");
    expect_refused_in_time({"--page-size=x%value%"}, "", "",
                           "\\[the argument \\('x%25value%25'\\) for option '--page-size' is "
                           "invalid\\]");
    expect_refused_in_time({}, "ATOL_KKT_CACHE_TTL", "%value%%value%",
                           "\\[environment variable ATOL_KKT_CACHE_TTL: the argument "
                           "\\('%25value%25%25value%25'\\) for option 'cache-ttl' is invalid\\]");
    // Any other '%' is shown as given.
    expect_refused_in_time({"--timeout", "50%"}, "", "",
                           "\\[the argument \\('50%'\\) for option '--timeout' is invalid\\]");
}

}  // namespace
