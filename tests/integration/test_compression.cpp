// gzip-encoded answers (Content-Encoding: gzip, as an nginx in front of the API sends when the
// client accepts it): a list read through them is the same list; and a small gzip body that
// inflates past the 64 MiB body cap (a compression bomb) is refused with a clear error while
// the process stays far below the inflated size (the cap counts decompressed bytes).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "integration/support/emulator.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;

constexpr const char* fixed_now = "2026-11-28T12:00:00Z";

class Compression : public ::testing::Test {
  protected:
    Emulator emulator{{"--registers", "2500", "--seed", "5", "--now", fixed_now}};
    TempDir home;
    // Every run asks the API: the list cache would answer the second run itself.
    Env env{{"ATOL_KKT_NOW", fixed_now}, {"ATOL_KKT_CACHE_TTL", "0"}};
};

TEST_F(Compression, GzipEncodedAnswersGiveTheSameRegisters) {
    auto plain = atol_kkt(emulator, home, {"list", "--json"}, env);
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    ASSERT_EQ(emulator.stats().at("gzip_responses").as_int64(), 0);

    emulator.set_faults({{"gzip", true}, {"body_fault_path", "any"}});
    emulator.reset_stats();
    auto compressed = atol_kkt(emulator, home, {"list", "--json"}, env);
    ASSERT_EQ(compressed.exit_code, 0) << compressed.err;
    EXPECT_EQ(compressed.out, plain.out);
    EXPECT_EQ(json::parse(compressed.out).as_array().size(), 2500u);
    // Pages of 1000, 1000, 500 and the empty one: each sent gzip-encoded, because the client
    // said it accepts gzip.
    const json::object stats = emulator.stats();
    EXPECT_EQ(stats.at("list_pages").as_int64(), 4);
    EXPECT_EQ(stats.at("gzip_responses").as_int64(), 4);

    const std::string serial(json::parse(plain.out).at(1234).at("serial_number").as_string());
    auto got = atol_kkt(emulator, home, {"get", serial}, env);
    ASSERT_EQ(got.exit_code, 0) << got.err;
    EXPECT_EQ(json::parse(got.out), json::parse(plain.out).at(1234));
    EXPECT_EQ(emulator.stats().at("gzip_responses").as_int64(), 5);
}

TEST_F(Compression, AGzipBombIsRefusedAtTheBodyCapWithBoundedMemory) {
    // The first page, valid JSON padded with spaces to 512 MiB, arrives as ~0.5 MiB of gzip.
    emulator.set_faults({{"gzip", true}, {"oversize_mib", 512}});
    auto result = atol_kkt(emulator, home, {"list", "--json"}, env);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(result.err, "atol-kkt: response body larger than 64 MiB limit from " +
                              emulator.url() + "/kkt/v1/cash-registers\n");
    EXPECT_EQ(emulator.stats().at("gzip_responses").as_int64(), 1);
    // The body kept is at most 64 MiB (its string may have doubled once on the way there); the
    // inflated 512 MiB never is in memory.
    EXPECT_LT(result.max_rss_kib, 256 * 1024) << "peak RSS " << result.max_rss_kib / 1024 << " MiB";

    // The same through the Nagios check: UNKNOWN, the same reason.
    auto check = check_atol_kkt(emulator, home, {}, env);
    EXPECT_EQ(check.exit_code, 3) << check.out;
    EXPECT_NE(check.out.find("response body larger than 64 MiB limit from " + emulator.url() +
                             "/kkt/v1/cash-registers"),
              std::string::npos)
        << check.out;
    EXPECT_LT(check.max_rss_kib, 256 * 1024) << "peak RSS " << check.max_rss_kib / 1024 << " MiB";
}

}  // namespace
}  // namespace kkt::testing
