// `atol-kkt list` and `atol-kkt get` against the emulator: every register, correct metrics.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <set>

#include "integration/support/emulator.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;

constexpr const char* fixed_now = "2026-11-28T12:00:00Z";

json::array parse_array(const std::string& text) {
    return json::parse(text).as_array();
}

// Metrics of registers of the seed-3 fleet at 2026-11-28T12:00:00Z, worked out by hand from
// their API fields (tests/emulator/README.md describes the mix); nullopt: unknown (null).
struct ExpectedMetrics {
    const char* serial;
    std::optional<double> fn_days_left;
    double fn_usage;
    std::int64_t unsent_docs;
    double unsent_age_hours;
    double ofd_block_days_left;
    double data_age_hours;
    std::optional<std::int64_t> network_error;
};

const std::vector<ExpectedMetrics> hand_computed{
    // ФН to 2026-12-22T17:28Z: 24 days 5 h 28 min. Status 11:30:03.
    {"00106712186425", 24.228, 55.24, 0, 0, 30, 0.499, 0},
    // 709 unsent since 2026-10-31T15:11Z: 28 days less 3 h 11 min = 668.817 h; 30 - 27.867
    // days before the ФН blocks. ФН to 2027-09-11T21:00Z.
    {"00106712186438", 287.375, 73.21, 709, 668.817, 2.133, 0.459, 0},
    // Dates in +03:00: ФН to 2027-09-28T00:00+03:00 (27 Sep 21:00Z), status 14:30:29+03:00.
    {"00106712186451", 303.375, 3.09, 0, 0, 30, 0.492, 0},
    // ФН expired 2026-10-23T03:21Z: 36 days 8 h 39 min ago.
    {"00106712186477", -36.36, 0.85, 0, 0, 30, 0.102, 0},
    // The other spelling, firstUnsentDocTimestamp: 5 unsent since 2026-11-27T18:42Z, 17 h 18 min.
    {"00106712186490", 80.375, 7.26, 5, 17.3, 29.279, 0.417, 0},
    // Incomplete: networkErrorCode missing; dates with Z. ФН to 2027-02-03T21:00Z.
    {"00106712186503", 67.375, 66.22, 0, 0, 30, 0.256, std::nullopt},
    // ФН to 2026-12-01T22:43Z: 3 days 10 h 43 min.
    {"00106712186594", 3.447, 32.28, 0, 0, 30, 0.099, 0},
    // Stale: last status 2026-11-21T10:10Z, 7 days 1 h 50 min ago.
    {"00106712186646", 235.375, 60.56, 0, 0, 30, 169.833, 0},
};

// Every register of the fleet that is not OK, with its reasons, from the thresholds' defaults
// (ФН < 30 / < 7 days, memory > 80 / > 90 %, oldest unsent > 24 / > 72 h, status > 6 / > 24 h
// old, a network error) applied by hand to the API fields. The other 33 are OK.
struct ExpectedState {
    const char* serial;
    const char* state;
    std::vector<std::string> problems;
};

const std::vector<ExpectedState> not_ok{
    {"00106712186438",
     "CRITICAL",
     {"oldest unsent document is 668.8 h old (2.1 days left before the ФН blocks)"}},
    {"00106712186477", "CRITICAL", {"ФН expired 36.4 days ago (2026-10-23)"}},
    {"00106712186594", "CRITICAL", {"ФН expires in 3.4 days (2026-12-01)"}},
    {"00106712186620",
     "CRITICAL",
     {"oldest unsent document is 140.9 h old (24.1 days left before the ФН blocks)",
      "network error 6: Разрыв соединения при приёме квитанции"}},
    {"00106712186646", "CRITICAL", {"no status update for 169.8 h (last 2026-11-21 10:10 UTC)"}},
    {"00106712186711",
     "CRITICAL",
     {"oldest unsent document is 676.9 h old (1.8 days left before the ФН blocks)"}},
    {"00106712186750",
     "CRITICAL",
     {"oldest unsent document is 140.6 h old (24.1 days left before the ФН blocks)",
      "network error 5: Превышен таймаут ожидания квитанции"}},
    {"00106712186776", "CRITICAL", {"ФН expires in 6.5 days (2026-12-05)"}},
    {"00106712186828", "CRITICAL", {"no status update for 146.4 h (last 2026-11-22 09:37 UTC)"}},
    {"00106712186906", "CRITICAL", {"ФН expired 8.2 days ago (2026-11-20)"}},
    {"00106712186984",
     "CRITICAL",
     {"oldest unsent document is 525.7 h old (8.1 days left before the ФН blocks)"}},
    {"00106712186425", "WARNING", {"ФН expires in 24.2 days (2026-12-22)"}},
    {"00106712186542", "WARNING", {"ФН memory 87.9% full"}},
    {"00106712186802", "WARNING", {"ФН memory 87.8% full"}},
    {"00106712186880", "WARNING", {"ФН expires in 18.0 days (2026-12-16)"}},
    {"00106712187023", "WARNING", {"ФН expires in 15.6 days (2026-12-14)"}},
    {"00106712186503", "UNKNOWN", {"network_error unknown: networkErrorCode missing or invalid"}},
};

class ListGet : public ::testing::Test {
  protected:
    Emulator emulator{{"--registers", "50", "--seed", "3", "--now", fixed_now}};
    TempDir home;
    Env env{{"ATOL_KKT_NOW", fixed_now}};

    // serial -> register of `list --json`.
    std::map<std::string, json::object> listed() {
        auto result = atol_kkt(emulator, home, {"list", "--json"}, env);
        EXPECT_EQ(result.exit_code, 0) << result.err;
        std::map<std::string, json::object> by_serial;
        for (auto& v : parse_array(result.out))
            by_serial[std::string(v.at("serial_number").as_string())] = v.as_object();
        return by_serial;
    }
};

TEST_F(ListGet, ListJsonHasEveryRegisterWithHandComputedMetrics) {
    auto by_serial = listed();
    ASSERT_EQ(by_serial.size(), 50u);
    for (auto& v : dumped_fleet(50, 3, fixed_now)) {
        const std::string serial(v.at("serialNumber").as_string());
        ASSERT_TRUE(by_serial.contains(serial)) << serial;
        // The percentage is passed through as the API gives it.
        if (auto p = v.as_object().if_contains("fiscalStoragePercentageUse"); p && p->is_number()) {
            EXPECT_EQ(by_serial[serial].at("fn_usage").to_number<double>(), p->to_number<double>());
        }
    }
    for (const ExpectedMetrics& e : hand_computed) {
        SCOPED_TRACE(e.serial);
        ASSERT_TRUE(by_serial.contains(e.serial));
        const json::object& r = by_serial[e.serial];
        if (e.fn_days_left) {
            EXPECT_DOUBLE_EQ(r.at("fn_days_left").to_number<double>(), *e.fn_days_left);
        } else {
            EXPECT_TRUE(r.at("fn_days_left").is_null());
        }
        EXPECT_DOUBLE_EQ(r.at("fn_usage").to_number<double>(), e.fn_usage);
        EXPECT_EQ(r.at("unsent_docs").as_int64(), e.unsent_docs);
        EXPECT_DOUBLE_EQ(r.at("unsent_age_hours").to_number<double>(), e.unsent_age_hours);
        EXPECT_DOUBLE_EQ(r.at("ofd_block_days_left").to_number<double>(), e.ofd_block_days_left);
        EXPECT_DOUBLE_EQ(r.at("data_age_hours").to_number<double>(), e.data_age_hours);
        if (e.network_error) {
            EXPECT_EQ(r.at("network_error").as_int64(), *e.network_error);
        } else {
            EXPECT_TRUE(r.at("network_error").is_null());
        }
    }
}

TEST_F(ListGet, EveryRegistersStateAndReasonsMatchTheHandWrittenTable) {
    auto by_serial = listed();
    ASSERT_EQ(by_serial.size(), 50u);
    std::set<std::string> expected_not_ok;
    for (const ExpectedState& e : not_ok) {
        SCOPED_TRACE(e.serial);
        expected_not_ok.insert(e.serial);
        ASSERT_TRUE(by_serial.contains(e.serial));
        const json::object& r = by_serial[e.serial];
        EXPECT_EQ(r.at("state").as_string(), e.state);
        std::vector<std::string> problems;
        for (const auto& p : r.at("problems").as_array()) problems.emplace_back(p.as_string());
        EXPECT_EQ(problems, e.problems);
    }
    for (const auto& [serial, r] : by_serial) {
        if (expected_not_ok.contains(serial)) continue;
        EXPECT_EQ(r.at("state").as_string(), "OK") << serial;
        EXPECT_TRUE(r.at("problems").as_array().empty()) << serial;
    }
}

TEST_F(ListGet, ListTableShowsEveryRegisterAndSaysTestMode) {
    auto result = atol_kkt(emulator, home, {"list"}, env);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    for (auto& v : dumped_fleet(50, 3, fixed_now)) {
        const std::string serial(v.at("serialNumber").as_string());
        EXPECT_NE(result.out.find(serial), std::string::npos) << serial;
    }
    // The counts of the table above.
    EXPECT_TRUE(result.out.ends_with(
        "50 registers: 11 critical, 5 warning, 1 unknown, 33 ok [test mode]\n"))
        << result.out;
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

TEST_F(ListGet, ListWithAnAbsentSerialListsTheOthersAndFails) {
    auto list = atol_kkt(emulator, home, {"list", "--json"}, env);
    ASSERT_EQ(list.exit_code, 0) << list.err;
    const std::string present(parse_array(list.out).at(0).at("serial_number").as_string());

    // The table (no option), JSON and CSV.
    for (const std::string format : {"", "--json", "--csv"}) {
        SCOPED_TRACE(format);
        std::vector<std::string> args{"list", "--serial", present, "--serial", "99999999999999"};
        if (!format.empty()) args.push_back(format);
        auto got = atol_kkt(emulator, home, args, env);
        EXPECT_EQ(got.exit_code, 1);
        EXPECT_NE(got.out.find(present), std::string::npos) << got.out;
        EXPECT_EQ(got.out.find("99999999999999"), std::string::npos) << got.out;
        EXPECT_NE(got.err.find("atol-kkt: register 99999999999999 not found in the account"),
                  std::string::npos)
            << got.err;
    }
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
