// The exporter's own families and how long a scrape waits: the read outcomes as a counter with
// every outcome present, the list's age, build info; the scrape timeout header less a margin.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/version.hpp"
#include "prometheus/exporter.hpp"
#include "prometheus/exporter_metrics.hpp"

namespace kkt::prometheus {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

const TimePoint now = TimePoint{} + std::chrono::seconds(1'800'000'000);

TEST(ExporterMetrics, OutcomesAgeAndBuildInfo) {
    Fleet fleet;
    fleet.now = now - 30s;
    fleet.fetched_at = now - 45s;
    FleetSnapshot snapshot;
    snapshot.fleet = std::make_shared<const Fleet>(fleet);
    snapshot.read_seconds = 0.25;
    snapshot.reads[static_cast<std::size_t>(ReadOutcome::success)] = 3;
    snapshot.reads[static_cast<std::size_t>(ReadOutcome::cache)] = 7;
    snapshot.reads[static_cast<std::size_t>(ReadOutcome::timeout)] = 1;
    const std::string text = render_exporter_families(snapshot, now, ScrapeInfo{.account = "a"});
    EXPECT_THAT(text,
                HasSubstr("atol_kkt_last_success_timestamp_seconds{account=\"a\"} 1799999955\n"));
    EXPECT_THAT(text, HasSubstr("atol_kkt_list_age_seconds{account=\"a\"} 45\n"));
    EXPECT_THAT(text, HasSubstr("atol_kkt_refresh_duration_seconds{account=\"a\"} 0.25\n"));
    EXPECT_THAT(text, HasSubstr("# TYPE atol_kkt_api_requests_total counter\n"));
    EXPECT_THAT(text,
                HasSubstr("atol_kkt_api_requests_total{account=\"a\",outcome=\"success\"} 3\n"));
    EXPECT_THAT(text,
                HasSubstr("atol_kkt_api_requests_total{account=\"a\",outcome=\"timeout\"} 1\n"));
    EXPECT_THAT(text,
                HasSubstr("atol_kkt_api_requests_total{account=\"a\",outcome=\"auth_error\"} 0\n"));
    EXPECT_THAT(text, Not(HasSubstr("outcome=\"cache\"")));  // no request was sent for those
    EXPECT_THAT(text, HasSubstr("atol_kkt_build_info{account=\"a\",version=\"" +
                                std::string(version) + "\"} 1\n"));
}

TEST(ExporterMetrics, BeforeAnyDataOnlyTheCountersAndBuildInfo) {
    const std::string text = render_exporter_families(FleetSnapshot{}, now, ScrapeInfo{});
    EXPECT_THAT(text, Not(HasSubstr("atol_kkt_last_success_timestamp_seconds")));
    EXPECT_THAT(text, Not(HasSubstr("atol_kkt_refresh_duration_seconds")));
    EXPECT_THAT(text, HasSubstr("atol_kkt_api_requests_total{outcome=\"success\"} 0\n"));
    EXPECT_THAT(text, HasSubstr("atol_kkt_build_info{version=\""));
}

TEST(ScrapeWait, TheHeaderLessAMarginElseTheReadBudget) {
    EXPECT_EQ(scrape_wait("10", 7s), 9500ms);
    EXPECT_EQ(scrape_wait("0.6", 7s), 300ms);  // at least half of it
    EXPECT_EQ(scrape_wait("", 7s), 7s);
    for (const char* bad : {"abc", "-1", "0", "nan", "inf", "1s"})
        EXPECT_EQ(scrape_wait(bad, 7s), 7s) << bad;
}

}  // namespace
}  // namespace kkt::prometheus
