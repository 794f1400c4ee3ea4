// Every fault the emulator can inject, through the real binary: the exact outcome.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "integration/support/emulator.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

class Faults : public ::testing::Test {
  protected:
    Emulator emulator{{"--registers", "30", "--seed", "5"}};
    TempDir home;
    Env env{{"ATOL_KKT_CACHE_TTL", "0"}};

    RunResult list(std::vector<std::string> extra_args = {}) {
        std::vector<std::string> args{"list", "--json"};
        args.insert(args.end(), extra_args.begin(), extra_args.end());
        return atol_kkt(emulator, home, args, env);
    }
    std::size_t listed(const RunResult& r) {
        EXPECT_EQ(r.exit_code, 0) << r.err;
        if (r.exit_code != 0) return 0;
        return json::parse(r.out).as_array().size();
    }
    void expect_error(const RunResult& r, const std::string& fragment) {
        EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
        EXPECT_EQ(r.out, "");
        EXPECT_NE(r.err.find(fragment), std::string::npos) << "stderr: " << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;  // one line
    }
};

TEST_F(Faults, PagingHonouredTakesAllPages) {
    EXPECT_EQ(listed(list({"--page-size", "7"})), 30u);
    // 30 registers in pages of 7: 5 pages with data + 1 empty page.
    EXPECT_EQ(emulator.stats().at("list_pages").as_int64(), 6);
}

TEST_F(Faults, PagingCappedBelowLimitAdvancesByItemsReceived) {
    emulator.set_faults({{"paging", "cap:4"}});
    EXPECT_EQ(listed(list({"--page-size", "10"})), 30u);
    EXPECT_EQ(emulator.stats().at("list_pages").as_int64(), 9);  // 8 pages of <=4 + empty
}

TEST_F(Faults, PagingIgnoredTakesTheOversizePageAsTheWholeList) {
    emulator.set_faults({{"paging", "ignore"}});
    EXPECT_EQ(listed(list({"--page-size", "10"})), 30u);
    EXPECT_EQ(emulator.stats().at("list_pages").as_int64(), 1);
}

TEST_F(Faults, RepeatingPageStopsWithoutDuplicates) {
    emulator.set_faults({{"paging", "repeat"}});
    auto r = list({"--page-size", "10"});
    EXPECT_EQ(listed(r), 10u);
    EXPECT_EQ(emulator.stats().at("list_pages").as_int64(), 2);
}

TEST_F(Faults, TokenRejectedMidPagingIsRenewedOnce) {
    emulator.set_faults({{"expire_tokens_after_pages", 2}});
    EXPECT_EQ(listed(list({"--page-size", "10"})), 30u);
    EXPECT_EQ(emulator.stats().at("auth").as_int64(), 2);
}

TEST_F(Faults, ServerErrorIsReportedWithItsStatus) {
    emulator.set_faults({{"fail_status", 500}, {"fail_count", -1}, {"fail_path", "list"}});
    expect_error(list(), "HTTP 500");
}

TEST_F(Faults, MalformedJsonIsAProtocolError) {
    emulator.set_faults({{"malformed", true}});
    expect_error(list(), "the register list page at offset 0 is malformed JSON");
}

TEST_F(Faults, TruncatedJsonIsAProtocolError) {
    emulator.set_faults({{"truncated", true}});
    expect_error(list(), "the register list page at offset 0 is truncated JSON");
}

TEST_F(Faults, EmptyBodyIsAProtocolError) {
    emulator.set_faults({{"empty_body", true}});
    expect_error(list(), "the register list page at offset 0 is empty");
}

TEST_F(Faults, OversizedBodyIsRefusedPastTheCap) {
    emulator.set_faults({{"oversize_mib", 70}});
    expect_error(list(), "larger than 64 MiB");
}

TEST_F(Faults, LatencyPastTheTimeoutEndsTheRunInTime) {
    emulator.set_faults({{"latency_ms", 5000}});
    auto r = list({"--timeout", "1"});
    expect_error(r, "timed out");
    EXPECT_LT(r.elapsed, milliseconds(2000));
}

TEST_F(Faults, SlowBodyPastTheTimeoutEndsTheRunInTime) {
    emulator.set_faults({{"slow_body_ms", 5000}});
    auto r = list({"--timeout", "1"});
    expect_error(r, "timed out");
    EXPECT_LT(r.elapsed, milliseconds(2000));
}

TEST_F(Faults, ConnectionRefusedIsATransportError) {
    TempDir other;
    auto r = run_program(ATOL_KKT_BIN, {"list"},
                         {{"HOME", other.path()},
                          {"ATOL_KKT_BASE_URL", "http://127.0.0.1:1/api"},
                          {"ATOL_KKT_CACHE_DIR", other.path() + "/c"}});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("127.0.0.1"), std::string::npos) << r.err;
}

// A stray invalid byte must not cost the whole fleet's monitoring: it becomes U+FFFD and
// every output stays valid UTF-8 (Boost.JSON's strict parse of our output proves it).
TEST_F(Faults, NonUtf8StringsAreRepairedNotFatal) {
    emulator.set_faults({{"non_utf8", true}});
    auto r = list();
    EXPECT_EQ(listed(r), 30u);
    EXPECT_NE(r.out.find("\xEF\xBF\xBD"), std::string::npos);
}

}  // namespace
}  // namespace kkt::testing
