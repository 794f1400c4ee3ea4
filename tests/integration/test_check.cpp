// check_atol_kkt against the emulator: the real binary under its plugin name, fleet and
// single-register mode, plugin conventions (stdout only, exit 0-3, -h/-V), profiles, -v.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "integration/support/emulator.hpp"
#include "unit/test_check_perfdata_syntax.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* fixed_now = "2026-11-28T12:00:00Z";

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}
std::string perfdata_of(const std::string& text) {
    const std::string line = first_line(text);
    const auto bar = line.find(" | ");
    return bar == std::string::npos ? "" : line.substr(bar + 3);
}
std::size_t line_count(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class Check : public ::testing::Test {
  protected:
    Emulator emulator{{"--registers", "60", "--seed", "7", "--now", fixed_now}};
    TempDir home;
    Env env{{"ATOL_KKT_NOW", fixed_now}};

    RunResult check(const std::vector<std::string>& args, Env extra = {}) {
        Env e = env;
        for (auto& [k, v] : extra) e[k] = v;
        RunResult r = check_atol_kkt(emulator, home, args, e);
        EXPECT_EQ(r.err, "") << "nothing may reach stderr";
        EXPECT_GE(r.exit_code, 0);
        EXPECT_LE(r.exit_code, 3);
        EXPECT_LE(r.out.size(), 8192u);
        return r;
    }
    // The registers with their metrics and states, as `atol-kkt list --json` sees them.
    json::array listed() {
        RunResult r = atol_kkt(emulator, home, {"list", "--json"}, env);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return json::parse(r.out).as_array();
    }
};

TEST_F(Check, FleetModeCountsAgreeWithTheListAndPerfdataIsValid) {
    std::map<std::string, int> states;
    for (const auto& v : listed()) ++states[std::string(v.at("state").as_string())];
    RunResult r = check({});
    const int worst = states["CRITICAL"] ? 2 : states["WARNING"] ? 1 : states["UNKNOWN"] ? 3 : 0;
    EXPECT_EQ(r.exit_code, worst) << r.out;
    const std::string line = first_line(r.out);
    EXPECT_THAT(line, StartsWith("ATOL KKT CRITICAL - " + std::to_string(states["CRITICAL"]) +
                                 " critical, "));
    EXPECT_THAT(line,
                HasSubstr(std::to_string(states["OK"]) + " ok of 60 registers [test mode] | "));
    const checktest::PerfParse p = checktest::parse_perfdata_strictly(perfdata_of(r.out));
    ASSERT_EQ(p.error, "") << line;
    EXPECT_EQ(p.value("registers"), "60");
    EXPECT_EQ(p.value("critical"), std::to_string(states["CRITICAL"]));
    EXPECT_EQ(p.value("warning"), std::to_string(states["WARNING"]));
    EXPECT_EQ(p.value("unknown"), std::to_string(states["UNKNOWN"]));
    EXPECT_EQ(p.value("ok"), std::to_string(states["OK"]));
    // One long-output line per problem register.
    EXPECT_EQ(line_count(r.out), 1u + 60u - static_cast<std::size_t>(states["OK"])) << r.out;
}

TEST_F(Check, SingleRegisterModeGivesItsOwnMetricsAsPerfdata) {
    for (const auto& v : listed()) {
        const json::object& reg = v.as_object();
        const std::string serial(reg.at("serial_number").as_string());
        const std::string state(reg.at("state").as_string());
        SCOPED_TRACE(serial + " " + state);
        RunResult r = check({"--serial", serial});
        EXPECT_EQ(r.exit_code, state == "OK"         ? 0
                               : state == "WARNING"  ? 1
                               : state == "CRITICAL" ? 2
                                                     : 3);
        EXPECT_THAT(first_line(r.out), StartsWith("ATOL KKT " + state + " - " + serial));
        const checktest::PerfParse p = checktest::parse_perfdata_strictly(perfdata_of(r.out));
        ASSERT_EQ(p.error, "") << r.out;
        ASSERT_EQ(p.labels.size(), 14u);
        for (const char* metric : {"fn_days_left", "fn_usage", "unsent_docs", "unsent_age_hours",
                                   "data_age_hours", "network_error", "signed_documents"}) {
            const json::value& expected = reg.at(metric);
            std::string got = p.value(metric);
            if (expected.is_null()) {
                EXPECT_EQ(got, "U") << metric;
                continue;
            }
            if (!got.empty() && got.back() == '%') got.pop_back();
            EXPECT_NEAR(std::stod(got), expected.to_number<double>(), 0.0006) << metric;
        }
        EXPECT_THAT(perfdata_of(r.out),
                    MatchesRegex("fn_days_left=[-0-9.U]+;30:;7: fn_usage=[0-9.]+%;80;90;0;100 "
                                 ".*|fn_days_left=[-0-9.U]+;30:;7: fn_usage=U;80;90;0;100 .*"));
        if (state == "OK") break;  // one OK register is enough; the problem ones come first
    }
}

TEST_F(Check, ASerialTheAccountDoesNotHaveIsCritical) {
    RunResult r = check({"--serial", "99999999999999"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.out, StartsWith("ATOL KKT CRITICAL - 99999999999999: register not found in the "
                                  "account [test mode] | fn_days_left=U;30:;7: "));
}

TEST_F(Check, FiltersThatMatchNothingAreUnknown) {
    RunResult r = check({"--group", "no-such-group"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_THAT(r.out,
                StartsWith("ATOL KKT UNKNOWN - no register matches the filters (--group "
                           "no-such-group) among the 60 registers of the account [test mode] | "));
    EXPECT_EQ(line_count(r.out), 1u);
}

TEST_F(Check, GroupSelectsExactlyItsRegisters) {
    std::map<std::string, int> per_group;
    for (const auto& v : listed())
        if (v.at("group_code").is_string())
            ++per_group[std::string(v.at("group_code").as_string())];
    ASSERT_FALSE(per_group.empty());
    const auto& [group, count] = *per_group.begin();
    RunResult r = check({"--group", group});
    EXPECT_THAT(first_line(r.out), HasSubstr(" of " + std::to_string(count) + " register"));
}

TEST_F(Check, HelpAndVersionExit3OnStdout) {
    RunResult help = check({"--help"});
    EXPECT_EQ(help.exit_code, 3);
    EXPECT_THAT(help.out, StartsWith("Usage: check_atol_kkt"));
    for (const char* option : {"--timeout-state", "--api-error-state", "--warning", "--critical",
                               "--profile", "--serial", "--insecure", "fn_days_left"})
        EXPECT_THAT(help.out, HasSubstr(option));
    RunResult h = check({"-h"});
    EXPECT_EQ(h.exit_code, 3);
    EXPECT_EQ(h.out, help.out);
    RunResult version = check({"-V"});
    EXPECT_EQ(version.exit_code, 3);
    EXPECT_THAT(version.out, MatchesRegex("atol-kkt [0-9]+\\.[0-9]+\\.[0-9]+\n"));
    EXPECT_EQ(emulator.stats().at("requests").as_int64(), 0);
}

TEST_F(Check, AtolKktCheckIsTheSameCommand) {
    RunResult as_plugin = check({"--serial", "99999999999999"});
    RunResult as_subcommand =
        atol_kkt(emulator, home, {"check", "--serial", "99999999999999"}, env);
    EXPECT_EQ(as_subcommand.err, "");
    EXPECT_EQ(as_subcommand.exit_code, as_plugin.exit_code);
    EXPECT_EQ(as_subcommand.out, as_plugin.out);
}

TEST_F(Check, BadOptionsAndThresholdsAreUnknownOnStdout) {
    struct Row {
        std::vector<std::string> args;
        std::string fragment;
    };
    const std::vector<Row> rows = {
        {{"--no-such-option"}, "no-such-option"},
        {{"-w", "no_such_metric=10"}, "valid metrics: fn_days_left"},
        {{"-w", "fn_usage=abc"}, "fn_usage=abc"},
        {{"-c", "fn_usage=20:10"}, "fn_usage=20:10"},
        {{"-t", "0"}, "--timeout"},
        {{"--timeout-state", "PANIC"}, "--timeout-state must be OK, WARNING, CRITICAL or UNKNOWN"},
        {{"--api-error-state", "OK"}, "--api-error-state must be UNKNOWN, WARNING or CRITICAL"},
        {{"extra-argument"}, "unexpected argument 'extra-argument'"},
        {{"--profile", "missing"}, "missing"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.args.front());
        RunResult r = check(row.args);
        EXPECT_EQ(r.exit_code, 3);
        EXPECT_THAT(r.out, StartsWith("ATOL KKT UNKNOWN - "));
        EXPECT_THAT(r.out, HasSubstr(row.fragment));
        EXPECT_EQ(line_count(r.out), 1u) << r.out;
    }
    EXPECT_EQ(emulator.stats().at("requests").as_int64(), 0);
}

TEST_F(Check, ThresholdOptionsChangeTheState) {
    // With every default removed and nothing else set, every register is OK.
    std::vector<std::string> args;
    for (const char* m : {"fn_days_left", "fn_usage", "unsent_age_hours", "shift_open_hours",
                          "data_age_hours", "network_error", "fn_replace_days_left"}) {
        args.insert(args.end(), {"-w", std::string(m) + "=", "-c", std::string(m) + "="});
    }
    RunResult r = check(args);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_THAT(r.out, StartsWith("ATOL KKT OK - 60 ok of 60 registers [test mode] | "));
    EXPECT_THAT(r.out, HasSubstr(" fn_days_left_min="));
    EXPECT_THAT(r.out, Not(HasSubstr(";30:")));
}

TEST_F(Check, ProfileGivesCredentialsAndProductionModeDropsTheTestNote) {
    const std::string dir = home.path() + "/profiles";
    std::filesystem::create_directory(dir);
    TempDir unused;
    {
        std::ofstream f(dir + "/shop.conf");
        f << "prod = true\nlogin = v4-online-atol-ru\npassword = iGFFuihss\ncache-ttl = 0\n";
    }
    std::filesystem::permissions(dir + "/shop.conf", std::filesystem::perms::owner_read |
                                                         std::filesystem::perms::owner_write);
    RunResult r =
        check({"--profile", "shop", "--serial", "99999999999999"}, {{"ATOL_KKT_CONFIG_DIR", dir}});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(first_line(r.out).find("[test mode]"), std::string::npos) << r.out;

    std::filesystem::permissions(dir + "/shop.conf", std::filesystem::perms::group_read,
                                 std::filesystem::perm_options::add);
    RunResult refused = check({"--profile", "shop"}, {{"ATOL_KKT_CONFIG_DIR", dir}});
    EXPECT_EQ(refused.exit_code, 3);
    EXPECT_THAT(refused.out, StartsWith("ATOL KKT UNKNOWN - "));
}

TEST_F(Check, InsecureIsSaidInTheOutput) {
    RunResult r = check({"--insecure", "--serial", "99999999999999"});
    EXPECT_THAT(first_line(r.out), HasSubstr("[test mode] [TLS not verified] | "));
}

TEST_F(Check, VerboseLevelsAddLongOutputButNeverThePassword) {
    const Env secret{{"ATOL_KKT_PASSWORD", "iGFFuihss"}, {"ATOL_KKT_CACHE_TTL", "0"}};
    RunResult quiet = check({"--group", "no-such-group"}, secret);
    EXPECT_EQ(line_count(quiet.out), 1u);

    RunResult v1 = check({"--group", "no-such-group", "-v"}, secret);
    EXPECT_THAT(v1.out, HasSubstr("\nselected 0 of 60 registers; values at 2026-11-28T12:00:00Z"));
    EXPECT_THAT(v1.out, Not(HasSubstr("config:")));

    RunResult v2 = check({"--group", "no-such-group", "-vv"}, secret);
    EXPECT_THAT(v2.out, HasSubstr("\nconfig: test mode, API " + emulator.url() +
                                  ", login v4-online-atol-ru, password set (hidden)\n"));
    EXPECT_THAT(v2.out, HasSubstr("\nthresholds (warning/critical): fn_days_left=30:/7: "));

    RunResult v3 = check({"--group", "no-such-group", "-vvv"}, secret);
    EXPECT_THAT(v3.out, HasSubstr("/kkt/v1/cash-registers"));
    for (const RunResult* r : {&quiet, &v1, &v2, &v3}) {
        EXPECT_EQ(r->exit_code, 3);
        EXPECT_THAT(first_line(r->out), StartsWith("ATOL KKT UNKNOWN - no register matches"));
        EXPECT_EQ(r->out.find("iGFFuihss"), std::string::npos) << r->out;
        EXPECT_EQ(std::count(r->out.begin(), r->out.end(), '|'), 1) << r->out;
    }
}

TEST_F(Check, ChecksShareTheCachedListWithinTheTtl) {
    RunResult first = check({});
    emulator.reset_stats();
    RunResult second = check({"--serial", "99999999999999"});
    RunResult third = check({"--group", "no-such-group"});
    EXPECT_EQ(emulator.stats().at("requests").as_int64(), 0);
    EXPECT_EQ(second.exit_code, 2);
    EXPECT_EQ(third.exit_code, 3);
}

// Damages the cached list's first element in place (same size): parsing the whole list then
// fails, and only a run that reads one other register through the index still answers from it.
void damage_first_element(const std::string& cache_dir) {
    for (const auto& entry : std::filesystem::directory_iterator(cache_dir)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("registers-", 0) != 0 || entry.path().extension() != ".json") continue;
        std::fstream file(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
        std::string header;
        std::getline(file, header);
        file.seekp(static_cast<std::streamoff>(header.size() + 2));  // past "\n["
        file.put('x');
        return;
    }
    FAIL() << "no cached list in " << cache_dir;
}

TEST_F(Check, OneSerialIsReadThroughTheIndexNotTheWholeList) {
    const json::array registers = listed();
    const std::string serial(registers.at(30).at("serial_number").as_string());
    const std::vector<std::string> get{"zabbix", "get", serial, "fn_days_left"};
    const RunResult before = check({"--serial", serial});
    const RunResult value_before = atol_kkt(emulator, home, get, env);
    ASSERT_EQ(value_before.exit_code, 0) << value_before.err;
    damage_first_element(home.path() + "/cache");
    emulator.reset_stats();
    const RunResult after = check({"--serial", serial});
    EXPECT_EQ(after.out, before.out);
    EXPECT_EQ(after.exit_code, before.exit_code);
    const RunResult value_after = atol_kkt(emulator, home, get, env);
    EXPECT_EQ(value_after.exit_code, 0) << value_after.err;
    EXPECT_EQ(value_after.out, value_before.out);
    EXPECT_EQ(emulator.stats().at("requests").as_int64(), 0);
    // The control: a run that needs the whole list finds it corrupt and fetches it again.
    check({});
    EXPECT_GT(emulator.stats().at("requests").as_int64(), 0);
}

}  // namespace
}  // namespace kkt::testing
