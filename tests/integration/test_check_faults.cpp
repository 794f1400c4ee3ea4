// Every fault of the emulator through check_atol_kkt: the documented state, a one-line reason
// on stdout, nothing on stderr, and the run over within -t + 1 s.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "integration/support/emulator.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

constexpr const char* fixed_now = "2026-11-28T12:00:00Z";
constexpr auto timeout = 2s;

class CheckFaults : public ::testing::Test {
  protected:
    Emulator emulator{{"--registers", "30", "--seed", "5", "--now", fixed_now}};
    TempDir home;
    Env env{{"ATOL_KKT_NOW", fixed_now}, {"ATOL_KKT_CACHE_TTL", "0"}};

    // Runs the check with -t 2 and the plugin rules every run must keep.
    RunResult check(std::vector<std::string> args = {}) {
        args.insert(args.begin(), {"-t", "2"});
        RunResult r = check_atol_kkt(emulator, home, args, env, 10s);
        EXPECT_FALSE(r.timed_out);
        EXPECT_EQ(r.err, "") << "nothing may reach stderr";
        EXPECT_LT(r.elapsed, timeout + 1s) << "the run must end within -t + 1 s";
        EXPECT_LE(r.out.size(), 8192u);
        return r;
    }
    // A failure: exactly one line "ATOL KKT <STATE> - <reason containing fragment>".
    void expect_failure(const RunResult& r, int exit_code, const std::string& fragment) {
        const char* names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
        EXPECT_EQ(r.exit_code, exit_code) << r.out;
        EXPECT_THAT(r.out, StartsWith(std::string("ATOL KKT ") + names[exit_code] + " - "));
        EXPECT_THAT(r.out, HasSubstr(fragment));
        EXPECT_THAT(r.out, MatchesRegex("[^\n]+ \\[test mode\\]\n")) << "one line";
    }
    // A normal result over the 30 registers (faults the client must survive).
    void expect_full_fleet(const RunResult& r) {
        EXPECT_THAT(r.out, HasSubstr(" of 30 registers [test mode] | registers=30;;;0 ")) << r.out;
        EXPECT_LE(r.exit_code, 2);
    }
};

TEST_F(CheckFaults, ServerErrorOnTheListIsUnknownWithTheStatus) {
    emulator.set_faults({{"fail_status", 500}, {"fail_count", -1}, {"fail_path", "list"}});
    expect_failure(check(), 3, "HTTP 500");
}

TEST_F(CheckFaults, ServerErrorOnAuthIsUnknown) {
    emulator.set_faults({{"fail_status", 502}, {"fail_count", -1}, {"fail_path", "auth"}});
    expect_failure(check(), 3, "HTTP 502");
}

TEST_F(CheckFaults, ApiErrorStateRaisesTheState) {
    emulator.set_faults({{"fail_status", 503}, {"fail_count", -1}, {"fail_path", "any"}});
    expect_failure(check({"--api-error-state", "CRITICAL"}), 2, "HTTP 503");
    expect_failure(check({"--api-error-state", "warning"}), 1, "HTTP 503");
    expect_failure(check({"--api-error-state", "UNKNOWN"}), 3, "HTTP 503");
}

TEST_F(CheckFaults, RetryAfterIsShown) {
    emulator.set_faults(
        {{"fail_status", 429}, {"fail_count", -1}, {"fail_path", "list"}, {"retry_after", 30}});
    expect_failure(check(), 3, "retry after 30 s");
}

TEST_F(CheckFaults, AOneOffServerErrorFailsThatRunOnlyAndNeverGivesAPartialFleet) {
    emulator.set_faults({{"fail_status", 500}, {"fail_count", 1}, {"fail_path", "list"}});
    expect_failure(check({"--page-size", "10"}), 3, "HTTP 500");
    expect_full_fleet(check({"--page-size", "10"}));
}

TEST_F(CheckFaults, WrongPasswordIsAnAuthenticationFailureWithoutThePassword) {
    env["ATOL_KKT_LOGIN"] = "v4-online-atol-ru";
    env["ATOL_KKT_PASSWORD"] = "wrong-secret-123";
    RunResult r = check();
    expect_failure(r, 3, "Неверный логин или пароль");
    EXPECT_EQ(r.out.find("wrong-secret-123"), std::string::npos);
    expect_failure(check({"--api-error-state", "CRITICAL"}), 2, "Неверный логин или пароль");
}

TEST_F(CheckFaults, FailuresOfTheSingleRegisterEndpointDoNotMatterToTheListBasedCheck) {
    emulator.set_faults({{"fail_status", 500}, {"fail_count", -1}, {"fail_path", "get"}});
    expect_full_fleet(check());
    EXPECT_EQ(check({"--serial", "99999999999999"}).exit_code, 2);
    EXPECT_EQ(emulator.stats().at("get").as_int64(), 0);
}

TEST_F(CheckFaults, AnEmptyAccountIsUnknown) {
    emulator.set_fleet("[]");
    RunResult r = check();
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_THAT(r.out, StartsWith("ATOL KKT UNKNOWN - the account has no registers [test mode] | "
                                  "registers=0;;;0 "));
}

TEST_F(CheckFaults, RegistersWithMissingFieldsAreUnknownNotDropped) {
    emulator.set_fleet(R"([{"serialNumber": "00106709186412", "fiscalStorageExpiration": null,
        "fiscalStoragePercentageUse": 37.5, "timestamp": "2026-11-28T11:00:00+00:00",
        "isShiftOpened": false, "shiftNumber": 3, "shiftReceipt": 1, "networkErrorCode": 0,
        "fiscalStoragePaymentAddress": "shop.example.ru"}])");
    RunResult fleet = check();
    EXPECT_EQ(fleet.exit_code, 3) << fleet.out;
    EXPECT_THAT(fleet.out,
                StartsWith("ATOL KKT UNKNOWN - 1 unknown, 0 ok of 1 register [test mode] | "));
    EXPECT_THAT(fleet.out, HasSubstr("\nUNKNOWN  00106709186412 (shop.example.ru): fn_days_left "
                                     "unknown: fiscalStorageExpiration missing or invalid\n"));
    RunResult one = check({"--serial", "00106709186412"});
    EXPECT_EQ(one.exit_code, 3);
    EXPECT_THAT(one.out, HasSubstr(" | fn_days_left=U;30:;7: fn_usage=37.5%;80;90;0;100 "));
}

TEST_F(CheckFaults, TokenExpiredMidPagingIsRenewed) {
    emulator.set_faults({{"expire_tokens_after_pages", 1}});
    expect_full_fleet(check({"--page-size", "10"}));
    EXPECT_EQ(emulator.stats().at("auth").as_int64(), 2);
}

TEST_F(CheckFaults, ExpiredTokensAreRenewedOnTheNextRun) {
    expect_full_fleet(check());
    emulator.expire_tokens();
    expect_full_fleet(check());
}

TEST_F(CheckFaults, MalformedJsonIsUnknown) {
    emulator.set_faults({{"malformed", true}});
    expect_failure(check(), 3, "malformed JSON");
}

TEST_F(CheckFaults, TruncatedJsonIsUnknown) {
    emulator.set_faults({{"truncated", true}});
    expect_failure(check(), 3, "truncated JSON");
}

TEST_F(CheckFaults, EmptyBodyIsUnknown) {
    emulator.set_faults({{"empty_body", true}});
    expect_failure(check(), 3, "is empty");
}

TEST_F(CheckFaults, OversizedBodyIsUnknown) {
    emulator.set_faults({{"oversize_mib", 70}});
    expect_failure(check(), 3, "larger than 64 MiB");
}

TEST_F(CheckFaults, NonUtf8IsRepairedAndTheFleetStillChecked) {
    emulator.set_faults({{"non_utf8", true}});
    expect_full_fleet(check());
}

TEST_F(CheckFaults, MalformedSingleRegisterAnswersDoNotMatterToTheListBasedCheck) {
    emulator.set_faults({{"malformed", true}, {"body_fault_path", "get"}});
    expect_full_fleet(check());
}

TEST_F(CheckFaults, LatencyPastTheTimeoutIsUnknownTimedOut) {
    emulator.set_faults({{"latency_ms", 5000}});
    RunResult r = check();
    expect_failure(r, 3, "timed out after 2 s");
    EXPECT_GE(r.elapsed, 1900ms);
}

TEST_F(CheckFaults, SlowBodyPastTheTimeoutIsUnknownTimedOut) {
    emulator.set_faults({{"slow_body_ms", 6000}});
    expect_failure(check(), 3, "timed out after 2 s");
}

TEST_F(CheckFaults, TimeoutStateChangesTheState) {
    emulator.set_faults({{"latency_ms", 5000}});
    expect_failure(check({"--timeout-state", "CRITICAL"}), 2, "timed out after 2 s");
    expect_failure(check({"--timeout-state", "OK"}), 0, "timed out after 2 s");
    // An API error state does not apply to a timeout.
    expect_failure(check({"--api-error-state", "CRITICAL"}), 3, "timed out after 2 s");
}

TEST_F(CheckFaults, LatencyWithinTheTimeoutIsFine) {
    emulator.set_faults({{"latency_ms", 200}});
    expect_full_fleet(check());
}

TEST_F(CheckFaults, EveryPagingBehaviourGivesTheWholeFleet) {
    for (const char* paging : {"honour", "cap:4", "ignore"}) {
        SCOPED_TRACE(paging);
        emulator.set_faults({{"paging", paging}});
        expect_full_fleet(check({"--page-size", "10"}));
    }
}

TEST_F(CheckFaults, APagingServerThatRepeatsStopsWithoutDuplicates) {
    emulator.set_faults({{"paging", "repeat"}});
    RunResult r = check({"--page-size", "10"});
    EXPECT_THAT(r.out, HasSubstr(" of 10 registers [test mode] | registers=10;;;0 ")) << r.out;
}

TEST_F(CheckFaults, ConnectionRefusedIsUnknownWithTheAddress) {
    TempDir other;
    RunResult refused = check_atol_kkt(emulator, other, {"-t", "2"},
                                       {{"ATOL_KKT_BASE_URL", "http://127.0.0.1:1/api"}}, 10s);
    EXPECT_EQ(refused.err, "");
    expect_failure(refused, 3, "127.0.0.1");
    RunResult raised = check_atol_kkt(emulator, other, {"-t", "2", "--api-error-state", "CRITICAL"},
                                      {{"ATOL_KKT_BASE_URL", "http://127.0.0.1:1/api"}}, 10s);
    expect_failure(raised, 2, "127.0.0.1");
}

TEST_F(CheckFaults, AForeignCacheDirectoryIsUnknownNotACrash) {
    const std::string cache = home.path() + "/open-cache";
    std::filesystem::create_directory(cache);
    std::filesystem::permissions(cache, std::filesystem::perms::all);  // 0777: refused
    env["ATOL_KKT_CACHE_DIR"] = cache;
    RunResult r = check();
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_THAT(r.out, StartsWith("ATOL KKT UNKNOWN - "));
    EXPECT_THAT(r.out, HasSubstr(cache));
}

}  // namespace
}  // namespace kkt::testing
