// A 10,000-register account through the binary at default settings (--page-size 1000): every
// register once, the pages the API was asked for, and registers on both sides of a page
// boundary with their values worked out by hand from the generated fleet.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <map>
#include <set>

#include "integration/support/emulator.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;

constexpr const char* fixed_now = "2026-11-28T12:00:00Z";
constexpr int registers = 10'000;

// Register i of the emulator's seed-1 fleet has serial 106710186412 + 13 i, 14 digits
// (tests/emulator/README.md, "Identities").
std::string serial_of(long long index) {
    char text[16];
    std::snprintf(text, sizeof text, "%014lld", 106710186412LL + 13 * index);
    return text;
}

// Values at 2026-11-28T12:00:00Z, from the registers' API fields by hand (the ФН ends at 21:00
// UTC, 9 h after "now": .375 of a day).
struct Expected {
    int index;
    double fn_days_left;
    double fn_usage;
    std::int64_t unsent_docs;
    double unsent_age_hours;
    double ofd_block_days_left;
    double data_age_hours;
    std::int64_t network_error;
    const char* state;
    std::vector<std::string> problems;
};

const std::vector<Expected> sample{
    // First of page 1. ФН to 2027-10-06T21:00Z: 312 days 9 h. 3 unsent since 11:39: 21 min;
    // 30 days less 21 min before the block. Status at 11:56:41: 199 s.
    {0, 312.375, 8.87, 3, 0.35, 29.985, 0.055, 0, "OK", {}},
    // Last of page 1. ФН to 2027-07-20T21:00Z: 234 days 9 h; nothing unsent; status 11:31:17.
    {999, 234.375, 64.49, 0, 0, 30, 0.479, 0, "OK", {}},
    // First of page 2. 1747 unsent since 2026-11-03T10:02Z: 25 days 1 h 58 min = 601.967 h,
    // 30 - 25.082 = 4.918 days before the ФН blocks. ФН to 2027-07-28T21:00Z.
    {1000,
     242.375,
     10.97,
     1747,
     601.967,
     4.918,
     0.189,
     0,
     "CRITICAL",
     {"oldest unsent document is 602.0 h old (4.9 days left before the ФН blocks)"}},
    // Mid-fleet, dates in +03:00: ФН to 2027-09-22T00:00+03:00 = 21 Sep 21:00Z; 290 unsent since
    // 2026-11-27T14:55+03:00 = 11:55Z: 24 h 5 min; network error 2; status 14:49:29+03:00.
    {5003,
     297.375,
     49.95,
     290,
     24.083,
     28.997,
     0.175,
     2,
     "WARNING",
     {"oldest unsent document is 24.1 h old (29.0 days left before the ФН blocks)",
      "network error 2: Ошибка сетевых настроек или нет соединения с сервером ОФД"}},
    // The last register (page 10). ФН to 2028-11-22T21:00Z: two years (731 days, 2028 is a
    // leap year) less 6 days; status 11:33:55.
    {9999, 725.375, 17.03, 0, 0, 30, 0.435, 0, "OK", {}},
};

class LargeFleet : public ::testing::Test {
  protected:
    TempDir home;
    Env env{{"ATOL_KKT_NOW", fixed_now}};
};

TEST_F(LargeFleet, TenThousandRegistersInElevenPagesEachOnceWithHandComputedValues) {
    Emulator emulator{
        {"--registers", std::to_string(registers), "--seed", "1", "--now", fixed_now}};
    auto result = atol_kkt(emulator, home, {"list", "--json"}, env);
    ASSERT_EQ(result.exit_code, 0) << result.err;

    // Ten full pages of 1000, then an empty one that ends the list.
    const json::object stats = emulator.stats();
    EXPECT_EQ(stats.at("list_pages").as_int64(), 11);
    EXPECT_EQ(stats.at("list_requests").as_int64(), 11);
    EXPECT_EQ(stats.at("list_fetches").as_int64(), 1);
    EXPECT_EQ(stats.at("auth").as_int64(), 1);
    EXPECT_EQ(stats.at("requests").as_int64(), 12);
    EXPECT_EQ(stats.at("errors").as_int64(), 0);

    const json::array listed = json::parse(result.out).as_array();
    ASSERT_EQ(listed.size(), static_cast<std::size_t>(registers));
    std::map<std::string, const json::object*> by_serial;
    for (const auto& r : listed)
        EXPECT_TRUE(
            by_serial.emplace(std::string(r.at("serial_number").as_string()), &r.as_object())
                .second)
            << "duplicate " << r.at("serial_number");
    ASSERT_EQ(by_serial.size(), static_cast<std::size_t>(registers));
    for (int i = 0; i < registers; ++i) ASSERT_TRUE(by_serial.contains(serial_of(i))) << i;

    for (const Expected& e : sample) {
        const std::string serial = serial_of(e.index);
        SCOPED_TRACE("register " + std::to_string(e.index) + " (" + serial + ")");
        const json::object& r = *by_serial.at(serial);
        EXPECT_DOUBLE_EQ(r.at("fn_days_left").to_number<double>(), e.fn_days_left);
        EXPECT_DOUBLE_EQ(r.at("fn_usage").to_number<double>(), e.fn_usage);
        EXPECT_EQ(r.at("unsent_docs").as_int64(), e.unsent_docs);
        EXPECT_DOUBLE_EQ(r.at("unsent_age_hours").to_number<double>(), e.unsent_age_hours);
        EXPECT_DOUBLE_EQ(r.at("ofd_block_days_left").to_number<double>(), e.ofd_block_days_left);
        EXPECT_DOUBLE_EQ(r.at("data_age_hours").to_number<double>(), e.data_age_hours);
        EXPECT_EQ(r.at("network_error").as_int64(), e.network_error);
        EXPECT_EQ(r.at("state").as_string(), e.state);
        std::vector<std::string> problems;
        for (const auto& p : r.at("problems").as_array()) problems.emplace_back(p.as_string());
        EXPECT_EQ(problems, e.problems);
    }
}

TEST_F(LargeFleet, AShortLastPageIsFollowedByOneEmptyPage) {
    // 10,500: ten pages of 1000, one of 500, then the empty page. A page shorter than asked is
    // not taken as the end: a server may cap its pages below the limit.
    Emulator emulator{{"--registers", "10500", "--seed", "1", "--now", fixed_now}};
    auto result = atol_kkt(emulator, home, {"list", "--json"}, env);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const json::array listed = json::parse(result.out).as_array();
    ASSERT_EQ(listed.size(), 10'500u);
    std::set<std::string> serials;
    for (const auto& r : listed) serials.emplace(r.at("serial_number").as_string());
    EXPECT_EQ(serials.size(), 10'500u);
    EXPECT_TRUE(serials.contains(serial_of(10'499)));
    EXPECT_EQ(emulator.stats().at("list_pages").as_int64(), 12);
    EXPECT_EQ(emulator.stats().at("list_fetches").as_int64(), 1);
}

}  // namespace
}  // namespace kkt::testing
