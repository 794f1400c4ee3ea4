// Fault matrix, API behaviour: tokens rejected mid-paging or between runs, bad credentials,
// paging that never ends, and a register list that shrinks or grows between pages, through
// the real binary as `list` and as the Nagios check (support/fault_matrix.hpp).
#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "integration/support/cache_check.hpp"
#include "integration/support/emulator_control.hpp"
#include "integration/support/fault_matrix.hpp"
#include "integration/support/report.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;

// Sorted: `list` prints the worst first, not in API order.
std::vector<std::string> serials_of(const json::array& registers, const char* key) {
    std::vector<std::string> serials;
    for (const auto& r : registers) serials.emplace_back(r.at(key).as_string());
    std::sort(serials.begin(), serials.end());
    return serials;
}

json::object new_register(int i) {
    return {{"serialNumber", "0099900000000" + std::to_string(i)},
            {"fiscalStorageExpiration", "2027-11-28T21:00:00+00:00"},
            {"fiscalStoragePercentageUse", 5.5},
            {"timestamp", fleet_now},
            {"isShiftOpened", false},
            {"shiftNumber", 1},
            {"networkErrorCode", 0}};
}

class ApiFaults : public FaultMatrix {
  protected:
    Expected unknown(const std::string& message) const {
        return {1, message, 3, unknown_line(message)};
    }

    // The list at +2 while the fleet turns from `before` into `after` after the first page
    // (page size 10); the check (no TTL) meets the same change. Returns the listed serials.
    std::vector<std::string> list_while_changing(const json::array& before,
                                                 const json::array& after, RunResult& check) {
        warm_up();
        auto arm = [&] {
            emulator.set_fleet(json::serialize(before));
            stage_fleet(emulator, after, 1);
        };
        arm();
        const RunResult list = list_at(home, 2, {"--page-size", "10"});
        EXPECT_EQ(list.exit_code, 0) << list.err;
        arm();
        check = check_at(home, 2, {"--page-size", "10", "--cache-ttl", "0"});
        EXPECT_EQ(check.err, "");
        last_list_outcome = list_outcome(list, emulator.url());
        last_check_outcome = check_outcome(check, emulator.url());
        if (list.exit_code != 0) return {};
        return serials_of(json::parse(list.out).as_array(), "serial_number");
    }
};

TEST_F(ApiFaults, TokenRejectedMidPagingIsRenewedOnce) {
    const auto auth_before = emulator.stats().at("auth").as_int64();
    expect_survived("401 (code 11) after the first page, `--page-size 10`",
                    {{"expire_tokens_after_pages", 1}}, {"--page-size", "10"});
    // Warm-up at +0 (one per cache), one renewal per faulted run; recovery reuses the tokens.
    EXPECT_EQ(emulator.stats().at("auth").as_int64() - auth_before, 2 + 2);
}

TEST_F(ApiFaults, TokenRefusedEvenWhenFresh) {
    expect_fault("401 on every list request", {{"fail_status", 401}, {"fail_path", "list"}}, {},
                 unknown("authentication failed: the server refused a freshly issued token: ATOL "
                         "error 11: Переданный токен не активен (HTTP 401)"));
}

TEST_F(ApiFaults, TokenExpiredBetweenRuns) {
    warm_up();
    const std::string cache = home.path() + "/cache";
    const std::string old_token = cached_token(cache);
    ASSERT_FALSE(old_token.empty());
    expect_survived("token expired between runs (cached token answered 401 code 11)", {}, {},
                    /*compare_output=*/true, [this] { emulator.expire_tokens(); });
    const std::string new_token = cached_token(cache);
    EXPECT_FALSE(new_token.empty());
    EXPECT_NE(new_token, old_token);
}

TEST_F(ApiFaults, WrongPassword) {
    const std::string password_file = home.write("wrong-password", "not-the-password\n");
    expect_fault("wrong password (cached token expired)", {}, {"--password-file", password_file},
                 unknown("authentication failed: ATOL error 12: Неверный логин или пароль (HTTP "
                         "400)"),
                 std::nullopt, [this] { emulator.expire_tokens(); });
}

// A server that ignores offset sends its first page forever: the client stops at the first
// page that brings nothing new (API page, section 3) instead of looping or duplicating.
TEST_F(ApiFaults, PageRepeatingForever) {
    const auto runs =
        expect_survived("page repeating forever (offset ignored), `--page-size 10`",
                        {{"paging", "repeat"}}, {"--page-size", "10"}, /*compare_output=*/false, {},
                        "the first page's 10 registers, once each (by the API page's rule)");
    ASSERT_EQ(runs.list.exit_code, 0);
    const auto serials = serials_of(json::parse(runs.list.out).as_array(), "serial_number");
    EXPECT_EQ(serials.size(), 10u);
    EXPECT_EQ(std::set<std::string>(serials.begin(), serials.end()).size(), 10u);
    EXPECT_EQ(runs.check.exit_code, 2);
    EXPECT_EQ(runs.check.out.rfind("ATOL KKT CRITICAL - 2 critical, 8 ok of 10 registers", 0), 0u)
        << runs.check.out;
}

TEST_F(ApiFaults, MorePagesThanTheCap) {
    expect_fault("more pages than `--max-pages 5` (`--page-size 2`)", {},
                 {"--page-size", "2", "--max-pages", "5"},
                 unknown("register list did not end after 5 pages"));
}

TEST_F(ApiFaults, ListShrinkingBetweenPages) {
    const json::array fleet = emulator_fleet(emulator);
    std::vector<std::string> all;  // in API order
    for (const auto& r : fleet) all.emplace_back(r.at("serialNumber").as_string());
    json::array shrunk(fleet.begin() + 5, fleet.end());  // the first 5 removed after page 1
    RunResult check;
    const auto listed = list_while_changing(fleet, shrunk, check);
    // Page 1 had registers 0-9; offset 10 of the shrunk list is old register 15: 10-14 moved
    // behind the read position and are not seen in this run (offset paging cannot see them),
    // nothing is duplicated, nothing invented.
    std::vector<std::string> expected(all.begin(), all.begin() + 10);
    expected.insert(expected.end(), all.begin() + 15, all.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(listed, expected);
    EXPECT_EQ(check.exit_code, 2);
    EXPECT_NE(check.out.find(" of 25 registers"), std::string::npos) << check.out;
    expect_recovery();
    report_row(
        {"list shrinks by 5 (at the front) after page 1, `--page-size 10`",
         last_list_outcome + ": the 5 that moved behind the read position are missed for this run",
         last_check_outcome, HasFailure() ? "FAILED" : "consistent; next run OK"});
}

TEST_F(ApiFaults, ListGrowingAtTheFrontBetweenPages) {
    const json::array fleet = emulator_fleet(emulator);
    json::array grown;
    for (int i = 0; i < 5; ++i) grown.push_back(new_register(i));
    for (const auto& r : fleet) grown.push_back(r);
    RunResult check;
    const auto listed = list_while_changing(fleet, grown, check);
    // Registers 5-9 come again on page 2: taken once. The 5 new ones are behind the read
    // position: seen by the next run.
    EXPECT_EQ(listed, serials_of(fleet, "serialNumber"));
    EXPECT_EQ(check.exit_code, 2);
    EXPECT_NE(check.out.find(" of 30 registers"), std::string::npos) << check.out;
    expect_recovery();
    report_row({"list grows by 5 (at the front) after page 1, `--page-size 10`",
                last_list_outcome + ", no duplicates; the new ones are read by the next run",
                last_check_outcome, HasFailure() ? "FAILED" : "consistent; next run OK"});
}

TEST_F(ApiFaults, ListGrowingAtTheEndBetweenPages) {
    const json::array fleet = emulator_fleet(emulator);
    json::array grown = fleet;
    for (int i = 0; i < 5; ++i) grown.push_back(new_register(i));
    RunResult check;
    const auto listed = list_while_changing(fleet, grown, check);
    EXPECT_EQ(listed, serials_of(grown, "serialNumber"));
    EXPECT_NE(check.out.find(" of 35 registers"), std::string::npos) << check.out;
    expect_recovery();
    report_row({"list grows by 5 (at the end) after page 1, `--page-size 10`",
                last_list_outcome + ", every register once", last_check_outcome,
                HasFailure() ? "FAILED" : "consistent; next run OK"});
}

}  // namespace
}  // namespace kkt::testing
