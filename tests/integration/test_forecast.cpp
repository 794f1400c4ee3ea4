// The ФН forecast end to end (docs/forecast.md): the real binary run once a day over an emulated
// month against the emulator's growth mode (tests/emulator/README.md, "Growth over time"), each
// run at its own ATOL_KKT_NOW, the history kept in the cache between runs. The forecasts are
// checked against the rates the emulator served, within 0.01 days (JSON gives 3 decimals; the
// served percentages are exact hundredths on a straight line).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "integration/support/emulator.hpp"
#include "integration/support/emulator_control.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr double tolerance_days = 0.01;
// Day 0 of the emulated month; the emulator's busy register (one per block of 20) fills
// 2 %/day from 66 % and has its ФН replaced on day 14.
const TimePoint day0 = TimePoint{sys_days{year{2026} / 11 / 2}} + hours{12};

std::string instant(int day) {
    return format_iso8601(day0 + days{day});
}

std::optional<double> number(const json::value& v) {
    if (v.is_null()) return std::nullopt;
    return v.to_number<double>();
}

// Registers by serial.
std::map<std::string, json::object> by_serial(const json::array& registers,
                                              const char* serial_key) {
    std::map<std::string, json::object> out;
    for (const json::value& v : registers)
        out[std::string(v.at(serial_key).as_string())] = v.as_object();
    return out;
}

class Forecast : public ::testing::Test {
  protected:
    Emulator emulator{
        {"--registers", "20", "--seed", "3", "--now", instant(0), "--growth-since", instant(0)}};
    TempDir home;
    int today = 0;
    // What the emulator served each day, by serial.
    std::vector<std::map<std::string, json::object>> served;

    Env env() const { return {{"ATOL_KKT_NOW", instant(today)}, {"ATOL_KKT_CACHE_TTL", "0"}}; }

    // Moves the emulator and the program to `day`.
    void go_to(int day) {
        today = day;
        set_emulator_now(emulator, instant(day));
        served.resize(static_cast<std::size_t>(day) + 1);
        served[static_cast<std::size_t>(day)] = by_serial(emulator_fleet(emulator), "serialNumber");
    }

    RunResult run(const std::vector<std::string>& args) {
        return atol_kkt(emulator, home, args, env());
    }

    std::map<std::string, json::object> list_json() {
        const RunResult r = run({"list", "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return by_serial(json::parse(r.out).as_array(), "serial_number");
    }

    // One run a day (list --json, which records every register) from the day after the last
    // one run (day 0 at first) to `last`; the last day's list.
    std::map<std::string, json::object> days_until(int last) {
        std::map<std::string, json::object> listed;
        for (int d = static_cast<int>(served.size()); d <= last; ++d) {
            go_to(d);
            listed = list_json();
        }
        return listed;
    }

    std::optional<double> percent_on(int day, const std::string& serial) const {
        const json::object& r = served.at(static_cast<std::size_t>(day)).at(serial);
        const json::value* p = r.if_contains("fiscalStoragePercentageUse");
        return p && p->is_number() ? std::optional(p->to_number<double>()) : std::nullopt;
    }

    // The busy register: the one whose ФН memory rose 2 % on the first day (the others fill
    // 0.5 %/day at most).
    std::string busy_serial() const {
        for (const auto& [serial, r] : served.at(0)) {
            const auto p0 = percent_on(0, serial), p1 = percent_on(1, serial);
            if (p0 && p1 && std::abs(*p1 - *p0 - 2) < 1e-9) return serial;
        }
        ADD_FAILURE() << "no register filled 2 %/day";
        return "";
    }

    // Days between the register's status time on `day` and that day's "now".
    double status_age_days(int day, const std::string& serial) const {
        const json::object& r = served.at(static_cast<std::size_t>(day)).at(serial);
        const auto status = parse_iso8601(r.at("timestamp").as_string());
        return status ? days_between(*status, day0 + days{day}) : 0;
    }
};

TEST_F(Forecast, EveryFillingFnIsForecastAtTheRateTheEmulatorServed) {
    const auto listed = days_until(7);
    int straight_lines = 0, flat = 0;
    for (const auto& [serial, row] : listed) {
        SCOPED_TRACE(serial);
        const auto forecast = number(row.at("fn_full_days_left"));
        std::vector<std::optional<double>> percents;
        for (int d = 0; d <= 7; ++d) percents.push_back(percent_on(d, serial));
        if (!percents[7] || !percents[0]) {
            EXPECT_FALSE(forecast);  // no fn_usage today or in the history: no forecast
            continue;
        }
        const double rate = (*percents[7] - *percents[0]) / 7;
        bool straight = true;
        for (int d = 0; d <= 7; ++d)
            straight &= percents[d] && std::abs(*percents[d] - (*percents[0] + rate * d)) < 1e-6;
        if (rate == 0) {
            // Expired or full: not filling, so no forecast (never 0, never infinity).
            EXPECT_FALSE(forecast);
            ++flat;
            continue;
        }
        if (!straight) continue;  // stopped filling mid-week (expired): not a line to check
        ++straight_lines;
        ASSERT_TRUE(forecast);
        const double expected = (100 - *percents[7]) / rate - status_age_days(7, serial);
        EXPECT_NEAR(*forecast, expected, tolerance_days);
        const double expires = *number(row.at("fn_days_left"));
        EXPECT_NEAR(*number(row.at("fn_replace_days_left")), std::min(expires, *forecast), 0.002);
    }
    EXPECT_GE(straight_lines, 10);
    EXPECT_GE(flat, 1);
}

TEST_F(Forecast, AfterAWeekTheBusyRegisterShowsTenDaysEverywhereAndAlertsBeforeItsExpiry) {
    days_until(2);
    const std::string busy = busy_serial();
    ASSERT_FALSE(busy.empty());
    EXPECT_EQ(percent_on(0, busy), 66);

    // Two days of history: no forecast yet, and the value says why.
    RunResult early = run({"zabbix", "get", busy, "fn_full_days_left"});
    EXPECT_NE(early.exit_code, 0);
    EXPECT_THAT(early.err, HasSubstr("fn_full_days_left is unknown (the history of this ФН spans "
                                     "2.0 days; a forecast needs 3)"));
    early = run({"check", "--serial", busy});
    EXPECT_EQ(early.exit_code, 0) << early.out;

    days_until(7);
    ASSERT_EQ(percent_on(7, busy), 80);
    const double age = status_age_days(7, busy);
    const double expected = 10 - age;  // 20 % left at 2 %/day, from its status time
    ASSERT_LT(age, 0.05);

    // list --json and the table.
    const json::object row = list_json().at(busy);
    EXPECT_NEAR(*number(row.at("fn_full_days_left")), expected, tolerance_days);
    EXPECT_NEAR(*number(row.at("fn_replace_days_left")), expected, tolerance_days);
    const double expires = *number(row.at("fn_days_left"));
    EXPECT_GT(expires, 30) << "the expiry alone would not alert";
    EXPECT_EQ(row.at("state").as_string(), "WARNING");
    const std::string reason(row.at("problems").as_array().at(0).as_string());
    EXPECT_THAT(reason, HasSubstr("replace the ФН within 10.0 days: its memory fills up first"));
    EXPECT_NEAR(*number(row.at("documents_per_day")),
                (*number(served[7].at(busy).at("signedDocuments")) -
                 *number(served[0].at(busy).at("signedDocuments"))) /
                    7,
                tolerance_days);
    const RunResult table = run({"list", "--serial", busy});
    EXPECT_THAT(table.out, HasSubstr("FULL IN"));
    EXPECT_THAT(table.out, HasSubstr("  10.0  "));

    // The Nagios check: WARNING on the forecast, with its performance data.
    const RunResult check = run({"check", "--serial", busy});
    EXPECT_EQ(check.exit_code, 1) << check.out;
    EXPECT_THAT(check.out, HasSubstr("replace the ФН within 10.0 days"));
    EXPECT_THAT(check.out, HasSubstr(" fn_replace_days_left=9.9"));
    EXPECT_THAT(check.out, HasSubstr(";30:;7:"));
    // Without the forecast metric's threshold the expiry alone is OK.
    const RunResult expiry_only = run(
        {"check", "--serial", busy, "-w", "fn_replace_days_left=", "-c", "fn_replace_days_left="});
    EXPECT_EQ(expiry_only.exit_code, 0) << expiry_only.out;

    // Zabbix: one value, and the master item's JSON.
    const RunResult value = run({"zabbix", "get", busy, "fn_full_days_left"});
    ASSERT_EQ(value.exit_code, 0) << value.err;
    EXPECT_NEAR(std::stod(value.out), expected, tolerance_days);
    const RunResult registers = run({"zabbix", "registers"});
    ASSERT_EQ(registers.exit_code, 0) << registers.err;
    bool found = false;
    const json::value master_item = json::parse(registers.out);
    for (const json::value& v : master_item.as_array()) {
        if (v.at("serial_number").as_string() != busy) continue;
        found = true;
        EXPECT_NEAR(*number(v.at("fn_replace_days_left")), expected, tolerance_days);
    }
    EXPECT_TRUE(found);

    // Prometheus, in seconds.
    const RunResult exposition = run({"prometheus"});
    ASSERT_EQ(exposition.exit_code, 0) << exposition.err;
    const std::string prefix = "atol_kkt_fn_full_time_left_seconds{serial=\"" + busy + "\"";
    const auto at = exposition.out.find(prefix);
    ASSERT_NE(at, std::string::npos) << exposition.out;
    const auto line_end = exposition.out.find('\n', at);
    const std::string line = exposition.out.substr(at, line_end - at);
    EXPECT_NEAR(std::stod(line.substr(line.rfind(' ') + 1)), expected * 86400,
                tolerance_days * 86400);
}

TEST_F(Forecast, AReplacedFnIsSaidOnceAndItsHistoryStartsAgain) {
    days_until(13);
    const std::string busy = busy_serial();
    const std::string old_fn(served[13].at(busy).at("fiscalStorageSerialNumber").as_string());
    EXPECT_TRUE(number(list_json().at(busy).at("fn_full_days_left")));

    days_until(14);  // list --json on day 14 says it (in "notes")
    const std::string new_fn(served[14].at(busy).at("fiscalStorageSerialNumber").as_string());
    ASSERT_NE(old_fn, new_fn);
    EXPECT_EQ(percent_on(14, busy), 0);
    // A second run on the same day: said already.
    EXPECT_TRUE(list_json().at(busy).at("notes").as_array().empty());

    // Fleet check on day 15: nothing to say about it any more.
    go_to(15);
    const RunResult check = run({"check"});
    EXPECT_THAT(check.out, Not(HasSubstr("ФН replaced")));
    // The new ФН's history is a day long: no forecast; the expiry is the only limit.
    const json::object row = list_json().at(busy);
    EXPECT_FALSE(number(row.at("fn_full_days_left")));
    EXPECT_EQ(*number(row.at("fn_replace_days_left")), *number(row.at("fn_days_left")));

    // Three days after the replacement: 2 %/day from 6 %.
    const json::object later = days_until(17).at(busy);
    EXPECT_NEAR(*number(later.at("fn_full_days_left")), 47 - status_age_days(17, busy),
                tolerance_days);
}

TEST_F(Forecast, TheReplacementNoteIsInTheFirstOutputThatCanShowIt) {
    days_until(13);
    const std::string busy = busy_serial();
    const std::string old_fn(served[13].at(busy).at("fiscalStorageSerialNumber").as_string());
    go_to(14);
    const std::string new_fn(served[14].at(busy).at("fiscalStorageSerialNumber").as_string());
    // Prometheus and a single Zabbix value cannot show it: they leave it for the check.
    EXPECT_EQ(run({"prometheus"}).exit_code, 0);
    EXPECT_EQ(run({"zabbix", "get", busy, "fn_usage"}).exit_code, 0);
    const RunResult check = run({"check"});
    EXPECT_THAT(check.out, HasSubstr("ФН replaced (" + old_fn + " → " + new_fn + ") on "));
    EXPECT_THAT(check.out, HasSubstr(") on 2026-11-16"));
    EXPECT_THAT(run({"check"}).out, Not(HasSubstr("ФН replaced")));
}

}  // namespace
}  // namespace kkt::testing
