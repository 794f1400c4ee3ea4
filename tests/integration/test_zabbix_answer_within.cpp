// The agent's commands answer within --answer-within (2 s by default, under the 3 s Zabbix
// gives an item) however slow the API is (common/fleet.hpp, load_fleet_within): the emulator
// answers each request after a latency, the runs are timed, and the detached background
// refresh is watched through the emulator's counters and the single-flight lock file.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "integration/support/emulator.hpp"

namespace kkt::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* t0 = "2026-11-28T12:00:00Z";
constexpr const char* t0_plus_2min = "2026-11-28T12:02:00Z";
constexpr const char* t0_plus_4min = "2026-11-28T12:04:00Z";

// The agent's default Timeout: a run taking longer would be killed by it.
constexpr auto agent_timeout = 3s;

template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = 30s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= end) return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

class ZabbixAnswerWithin : public ::testing::Test {
  protected:
    Emulator emulator{{"--registers", "20", "--seed", "7", "--now", t0}};
    TempDir home;
    std::string timeout = "15";  // of the runs and their background fetches

    RunResult zabbix_registers(const char* now, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"zabbix", "registers", "--timeout", timeout};
        args.insert(args.end(), extra.begin(), extra.end());
        return atol_kkt(emulator, home, args, {{"ATOL_KKT_NOW", now}});
    }

    std::int64_t list_fetches() const { return emulator.stats().at("list_fetches").as_int64(); }

    // True once no run holds the single-flight lock: the background refresh has ended.
    bool refresh_ended() const {
        for (const auto& entry : fs::directory_iterator(home.path() + "/cache")) {
            const std::string name = entry.path().filename().string();
            if (name.rfind("registers-", 0) != 0 || entry.path().extension() != ".lock") continue;
            const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0) return false;
            const bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
            ::close(fd);
            return free;
        }
        return true;  // no lock file: no refresh was ever started
    }

    // A good list cached at t0, with the API fast.
    void cache_good_list() {
        const RunResult first = zabbix_registers(t0);
        ASSERT_EQ(first.exit_code, 0) << first.err;
        ASSERT_EQ(json::parse(first.out).as_array().size(), 20u);
        ASSERT_EQ(list_fetches(), 1);
    }
};

TEST_F(ZabbixAnswerWithin, ColdCacheAndSlowApiAnswersAnErrorInTimeThenTheFetchedList) {
    emulator.set_faults({{"latency_ms", 2500}});  // token + list: 5 s
    const RunResult cold = zabbix_registers(t0);
    EXPECT_LT(cold.elapsed, agent_timeout);
    EXPECT_EQ(cold.exit_code, 1);
    EXPECT_EQ(cold.out, "");
    EXPECT_THAT(cold.err, StartsWith("atol-kkt: the ATOL API has not given the register list "
                                     "within the answer budget of 2 s; it is still being "
                                     "fetched in the background (up to 15 s)"));
    ASSERT_TRUE(eventually([&] { return list_fetches() == 1 && refresh_ended(); }));

    const RunResult warm = zabbix_registers(t0);
    EXPECT_LT(warm.elapsed, 1s);
    ASSERT_EQ(warm.exit_code, 0) << warm.err;
    EXPECT_EQ(json::parse(warm.out).as_array().size(), 20u);
    EXPECT_EQ(list_fetches(), 1);  // the background fetch served it
}

TEST_F(ZabbixAnswerWithin, StaleListAndSlowApiAnswerTheLastGoodListAndRefreshInTheBackground) {
    cache_good_list();
    const std::string fresh_at_t2 = [&] {
        // What a fresh list gives at +2 min: the same registers, assessed at +2 min.
        const RunResult r = zabbix_registers(t0_plus_2min, {"--cache-ttl", "3600"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out;
    }();
    emulator.set_faults({{"latency_ms", 4000}});

    const RunResult stale = zabbix_registers(t0_plus_2min);
    EXPECT_LT(stale.elapsed, agent_timeout);
    ASSERT_EQ(stale.exit_code, 0) << stale.err;
    EXPECT_EQ(stale.err, "");
    EXPECT_EQ(stale.out, fresh_at_t2);  // the last good list, assessed now
    EXPECT_EQ(json::parse(stale.out).at(0).at("list_age_seconds"), 120);  // fetched at t0

    // Twenty more runs while the refresh goes on: all in time, none starts another fetch.
    for (int i = 0; i < 20; ++i) {
        const RunResult again = zabbix_registers(t0_plus_2min);
        EXPECT_LT(again.elapsed, agent_timeout);
        EXPECT_EQ(again.exit_code, 0) << again.err;
        if (refresh_ended()) break;
    }
    ASSERT_TRUE(eventually([&] { return refresh_ended(); }));
    EXPECT_EQ(list_fetches(), 2);

    emulator.set_faults({});
    const RunResult refreshed = zabbix_registers(t0_plus_2min, {"-v"});
    ASSERT_EQ(refreshed.exit_code, 0) << refreshed.err;
    EXPECT_THAT(refreshed.err, HasSubstr("register list fetched " + std::string(t0_plus_2min)));
    EXPECT_EQ(json::parse(refreshed.out).at(0).at("list_age_seconds"), 0);
    EXPECT_EQ(list_fetches(), 2);  // fresh from the background fetch
}

TEST_F(ZabbixAnswerWithin, FailingApiIsAnErrorNotTheLastGoodListAndRecoveryIsData) {
    cache_good_list();
    emulator.set_faults({{"fail_status", 500}, {"fail_count", -1}, {"fail_path", "list"}});

    const RunResult failing = zabbix_registers(t0_plus_2min);
    EXPECT_LT(failing.elapsed, agent_timeout);
    EXPECT_EQ(failing.exit_code, 1);
    EXPECT_EQ(failing.out, "");
    EXPECT_THAT(failing.err, StartsWith("atol-kkt: "));
    EXPECT_THAT(failing.err, HasSubstr("HTTP 500"));
    EXPECT_THAT(failing.err,
                HasSubstr("(the last register list was fetched " + std::string(t0) + ")"));

    emulator.set_faults({});
    ASSERT_TRUE(eventually([&] { return refresh_ended(); }));
    const RunResult recovered = zabbix_registers(t0_plus_4min);
    EXPECT_LT(recovered.elapsed, agent_timeout);
    ASSERT_EQ(recovered.exit_code, 0) << recovered.err;
    EXPECT_EQ(json::parse(recovered.out).as_array().size(), 20u);
}

TEST_F(ZabbixAnswerWithin, HangingApiAnswersTheLastGoodListThenItsTimeoutAsAnError) {
    cache_good_list();
    emulator.set_faults({{"latency_ms", 20000}});
    timeout = "3";

    const RunResult first = zabbix_registers(t0_plus_2min);
    EXPECT_LT(first.elapsed, agent_timeout);
    ASSERT_EQ(first.exit_code, 0) << first.err;  // the refresh has not failed yet
    EXPECT_EQ(json::parse(first.out).as_array().size(), 20u);

    ASSERT_TRUE(eventually([&] { return refresh_ended(); }));
    const RunResult later = zabbix_registers(t0_plus_2min);
    EXPECT_LT(later.elapsed, agent_timeout);
    EXPECT_EQ(later.exit_code, 1);
    EXPECT_EQ(later.out, "");
    EXPECT_THAT(later.err, HasSubstr("timed out"));
}

TEST_F(ZabbixAnswerWithin, DiscoveryAndGetAnswerInTimeToo) {
    cache_good_list();
    emulator.set_faults({{"latency_ms", 4000}});
    const std::string serial = [&] {
        const RunResult r = zabbix_registers(t0, {"--cache-ttl", "3600"});
        return std::string(json::parse(r.out).as_array().at(0).at("serial_number").as_string());
    }();
    const Env later{{"ATOL_KKT_NOW", t0_plus_2min}};
    const RunResult discovery = atol_kkt(emulator, home, {"zabbix", "discovery"}, later);
    EXPECT_LT(discovery.elapsed, agent_timeout);
    ASSERT_EQ(discovery.exit_code, 0) << discovery.err;
    EXPECT_EQ(json::parse(discovery.out).as_array().size(), 20u);
    const RunResult get = atol_kkt(emulator, home, {"zabbix", "get", serial, "state_code"}, later);
    EXPECT_LT(get.elapsed, agent_timeout);
    ASSERT_EQ(get.exit_code, 0) << get.err;
    ASSERT_TRUE(eventually([&] { return refresh_ended(); }));
}

TEST_F(ZabbixAnswerWithin, AnswerWithinIsValidated) {
    for (const char* bad : {"0", "3601", "0.0001"}) {
        const RunResult r = zabbix_registers(t0, {"--answer-within", bad});
        EXPECT_EQ(r.exit_code, 2) << bad;
        EXPECT_THAT(r.err, HasSubstr("--answer-within must be more than 0")) << bad;
    }
    EXPECT_EQ(list_fetches(), 0);
}

}  // namespace
}  // namespace kkt::testing
