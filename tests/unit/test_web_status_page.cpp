// The status page: registers worst first, counts per state, every value escaped (an address
// holding markup shows as text), the data's age and a failed read said, test mode said.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "web/status_page.hpp"

namespace kkt::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const TimePoint now = TimePoint{} + std::chrono::hours(24 * 365 * 56);

RegisterStatus status_of(std::string serial, State state, std::string address) {
    RegisterStatus s;
    s.reg.serial_number = std::move(serial);
    s.reg.fiscal_storage_payment_address = std::move(address);
    s.reg.group_code = "shop-1";
    s.reg.is_shift_opened = false;
    s.metrics.set(Metric::fn_days_left, 100);
    s.metrics.set(Metric::unsent_docs, 0);
    s.metrics.set(Metric::unsent_age_hours, 0);
    s.metrics.set(Metric::network_error, 0);
    s.evaluation.state = state;
    if (state != State::ok) {
        s.evaluation.problems.push_back({state, std::nullopt, "first <reason>"});
        s.evaluation.problems.push_back({state, std::nullopt, "second reason"});
    }
    return s;
}

struct PageFixture {
    Fleet fleet;
    FleetSnapshot snapshot;
    PageFixture() {
        fleet.now = now;
        fleet.fetched_at = now - std::chrono::seconds(90);
        fleet.registers = {status_of("0002", State::ok, "shop.example.ru"),
                           status_of("0001", State::critical, "<script>alert(\"x\")</script>"),
                           status_of("0003", State::warning, "a & b"),
                           status_of("0004", State::unknown, "c")};
        snapshot.fleet = std::make_shared<const Fleet>(fleet);
    }
    std::string render(bool test_mode = true) {
        std::vector<const RegisterStatus*> all;
        for (const auto& s : snapshot.fleet->registers) all.push_back(&s);
        return render_status_page(StatusPage{.snapshot = snapshot,
                                             .registers = all,
                                             .now = now,
                                             .test_mode = test_mode,
                                             .account = "shop \"1\"",
                                             .refresh_seconds = 60,
                                             .version = "atol-kkt 9.9.9"});
    }
};

TEST(StatusPage, WorstFirstWithCountsAndEverythingEscaped) {
    PageFixture f;
    const std::string html = f.render();
    std::vector<std::string> order;
    static const std::regex row(R"re(<tr class="[a-z]+" data-state="([A-Z]+)">)re");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), row);
         it != std::sregex_iterator(); ++it)
        order.push_back((*it)[1]);
    EXPECT_EQ(order, (std::vector<std::string>{"CRITICAL", "WARNING", "UNKNOWN", "OK"}));
    EXPECT_THAT(html, HasSubstr("id=\"count-critical\">1</span>"));
    EXPECT_THAT(html, HasSubstr("id=\"count-ok\">1</span>"));
    EXPECT_THAT(html, HasSubstr("id=\"count-total\">4</span>"));
    EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, HasSubstr("a &amp; b"));
    EXPECT_THAT(html, HasSubstr("<li>first &lt;reason&gt;</li><li>second reason</li>"));
    EXPECT_THAT(html, HasSubstr("shop &quot;1&quot;"));
    EXPECT_THAT(html, HasSubstr("<meta http-equiv=\"refresh\" content=\"60\">"));
    EXPECT_THAT(html, HasSubstr("(<span id=\"age\">90 s</span> ago)"));
    EXPECT_THAT(html, HasSubstr("Test mode"));
    EXPECT_THAT(html, HasSubstr("<th>GROUP</th>"));
    EXPECT_THAT(html, Not(HasSubstr("id=\"error\"")));
    EXPECT_THAT(f.render(false), Not(HasSubstr("Test mode")));
}

TEST(StatusPage, SaysWhenTheLastReadFailedOrThereIsNoData) {
    PageFixture f;
    f.snapshot.error = "HTTP 503 from <proxy>";
    const std::string stale = f.render();
    EXPECT_THAT(stale, HasSubstr("The last read of ATOL failed: HTTP 503 from &lt;proxy&gt;"));
    EXPECT_THAT(stale, HasSubstr("from the last good read"));
    FleetSnapshot empty;
    StatusPage page{.snapshot = empty, .registers = {}, .now = now};
    const std::string none = render_status_page(page);
    EXPECT_THAT(none, HasSubstr("No data yet"));
    EXPECT_THAT(none, HasSubstr("id=\"count-total\">0</span>"));
}

}  // namespace
}  // namespace kkt::web
