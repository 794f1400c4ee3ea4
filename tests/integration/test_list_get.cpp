// `atol-kkt list` and `atol-kkt get` against the emulator: every register, correct metrics.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <map>

#include "common/clock.hpp"
#include "integration/support/emulator.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;

constexpr const char* fixed_now = "2026-11-28T12:00:00Z";

json::array parse_array(const std::string& text) {
    return json::parse(text).as_array();
}

std::optional<double> iso_hours_until(const json::object& o, const char* key, TimePoint now) {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_string()) return std::nullopt;
    auto t = parse_iso8601(it->value().as_string());
    if (!t) return std::nullopt;
    return hours_between(now, *t);
}

class ListGet : public ::testing::Test {
  protected:
    Emulator emulator{{"--registers", "50", "--seed", "3", "--now", fixed_now}};
    TempDir home;
    Env env{{"ATOL_KKT_NOW", fixed_now}};
};

TEST_F(ListGet, ListJsonHasEveryRegisterWithMetricsComputedFromTheApiFields) {
    auto result = atol_kkt(emulator, home, {"list", "--json"}, env);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    json::array listed = parse_array(result.out);
    json::array fleet = dumped_fleet(50, 3, fixed_now);
    ASSERT_EQ(listed.size(), 50u);

    std::map<std::string, json::object> by_serial;
    for (auto& v : listed)
        by_serial[std::string(v.at("serial_number").as_string())] = v.as_object();
    ASSERT_EQ(by_serial.size(), 50u);

    const TimePoint now = *parse_iso8601(fixed_now);
    int checked_expiry = 0, checked_unsent = 0;
    for (auto& v : fleet) {
        const json::object& raw = v.as_object();
        const std::string serial(raw.at("serialNumber").as_string());
        ASSERT_TRUE(by_serial.contains(serial)) << serial;
        const json::object& out = by_serial[serial];
        if (auto h = iso_hours_until(raw, "fiscalStorageExpiration", now)) {
            EXPECT_NEAR(out.at("fn_days_left").to_number<double>(), *h / 24.0, 0.001) << serial;
            ++checked_expiry;
        } else {
            EXPECT_TRUE(out.at("fn_days_left").is_null()) << serial;
        }
        const auto unsent = raw.if_contains("unsentDocs");
        if (!unsent) {
            EXPECT_EQ(out.at("unsent_docs").as_int64(), 0) << serial;
            EXPECT_EQ(out.at("unsent_age_hours").to_number<double>(), 0.0) << serial;
            EXPECT_EQ(out.at("ofd_block_days_left").to_number<double>(), 30.0) << serial;
        } else if (unsent->is_int64() && unsent->as_int64() > 0) {
            const char* key = raw.contains("firstUnsetDocTimestamp") ? "firstUnsetDocTimestamp"
                                                                     : "firstUnsentDocTimestamp";
            if (auto h = iso_hours_until(raw, key, now)) {
                EXPECT_NEAR(out.at("unsent_age_hours").to_number<double>(), std::max(0.0, -*h),
                            0.001)
                    << serial;
                ++checked_unsent;
            }
        }
        if (auto p = raw.if_contains("fiscalStoragePercentageUse"); p && p->is_number()) {
            EXPECT_NEAR(out.at("fn_usage").to_number<double>(), p->to_number<double>(), 0.001);
        }
    }
    EXPECT_GT(checked_expiry, 40);
    EXPECT_GT(checked_unsent, 0);
}

TEST_F(ListGet, ListTableShowsEveryRegisterAndSaysTestMode) {
    auto result = atol_kkt(emulator, home, {"list"}, env);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    for (auto& v : dumped_fleet(50, 3, fixed_now)) {
        const std::string serial(v.at("serialNumber").as_string());
        EXPECT_NE(result.out.find(serial), std::string::npos) << serial;
    }
    // The summary counts the states `list --json` gives.
    auto listed = atol_kkt(emulator, home, {"list", "--json"}, env);
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    std::map<std::string, int> states;
    for (auto& v : parse_array(listed.out)) ++states[std::string(v.at("state").as_string())];
    EXPECT_GT(states["CRITICAL"], 0);  // the mix has failing registers
    const std::string summary = "50 registers: " + std::to_string(states["CRITICAL"]) +
                                " critical, " + std::to_string(states["WARNING"]) + " warning, " +
                                std::to_string(states["UNKNOWN"]) + " unknown, " +
                                std::to_string(states["OK"]) + " ok [test mode]\n";
    EXPECT_TRUE(result.out.ends_with(summary)) << result.out;
}

TEST_F(ListGet, GetReturnsTheSameRegisterAsTheList) {
    auto list = atol_kkt(emulator, home, {"list", "--json"}, env);
    ASSERT_EQ(list.exit_code, 0) << list.err;
    json::object first = parse_array(list.out).at(0).as_object();
    const std::string serial(first.at("serial_number").as_string());

    auto got = atol_kkt(emulator, home, {"get", serial}, env);
    ASSERT_EQ(got.exit_code, 0) << got.err;
    json::object one = json::parse(got.out).as_object();
    EXPECT_EQ(one, first);
    EXPECT_EQ(emulator.stats().at("get").as_int64(), 1);
}

TEST_F(ListGet, GetUnknownSerialFailsWithAClearMessage) {
    auto got = atol_kkt(emulator, home, {"get", "99999999999999"}, env);
    EXPECT_EQ(got.exit_code, 1);
    EXPECT_EQ(got.out, "");
    EXPECT_NE(got.err.find("register 99999999999999 not found"), std::string::npos) << got.err;
}

TEST_F(ListGet, SecondRunIsServedFromTheListCache) {
    ASSERT_EQ(atol_kkt(emulator, home, {"list", "--json"}, env).exit_code, 0);
    auto before = emulator.stats();
    auto again = atol_kkt(emulator, home, {"list", "--json"}, env);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(emulator.stats().at("requests"), before.at("requests"));
    EXPECT_EQ(parse_array(again.out).size(), 50u);
}

TEST_F(ListGet, TokenIsReusedAcrossRunsAndRenewedAfterExpiry) {
    Env no_list_cache = env;
    no_list_cache["ATOL_KKT_CACHE_TTL"] = "0";
    ASSERT_EQ(atol_kkt(emulator, home, {"list", "--json"}, no_list_cache).exit_code, 0);
    ASSERT_EQ(atol_kkt(emulator, home, {"list", "--json"}, no_list_cache).exit_code, 0);
    EXPECT_EQ(emulator.stats().at("auth").as_int64(), 1);
    EXPECT_EQ(emulator.stats().at("list_fetches").as_int64(), 2);

    emulator.expire_tokens();
    auto renewed = atol_kkt(emulator, home, {"list", "--json"}, no_list_cache);
    ASSERT_EQ(renewed.exit_code, 0) << renewed.err;
    EXPECT_EQ(parse_array(renewed.out).size(), 50u);
    EXPECT_EQ(emulator.stats().at("auth").as_int64(), 2);
}

TEST_F(ListGet, WrongPasswordIsAnAuthenticationErrorWithAtolsCodeAndText) {
    Env bad = env;
    bad["ATOL_KKT_PASSWORD"] = "not-the-password-123";
    auto result = atol_kkt(emulator, home, {"list"}, bad);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("12"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("Неверный логин или пароль"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("not-the-password-123"), std::string::npos);
}

}  // namespace
}  // namespace kkt::testing
