// Per-register state from metrics and thresholds (README.md, "Metrics and thresholds"), and the
// human reasons every front end shows.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "common/reasons.hpp"
#include "common/state.hpp"

namespace kkt {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// 2026-11-28 10:12:00 UTC.
const TimePoint now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 28} + 10h + 12min;

TimePoint hours_from_now(double h) {
    return now + std::chrono::milliseconds(static_cast<long long>(h * 3600 * 1000));
}

Register healthy_register() {
    Register r;
    r.serial_number = "00106709186412";
    r.fiscal_storage_expiration = hours_from_now(200 * 24);
    r.fiscal_storage_percentage_use = 10;
    r.timestamp = hours_from_now(-0.5);
    r.is_shift_opened = true;
    r.shift_number = 412;
    r.shift_receipt = 5;
    r.signed_documents = 100;
    r.unsent_docs = 0;
    r.network_error_code = 0;
    return r;
}

Metrics healthy_metrics() {
    Metrics m;
    m.set(Metric::fn_days_left, 200);
    m.set(Metric::fn_usage, 10);
    m.set(Metric::unsent_docs, 0);
    m.set(Metric::unsent_age_hours, 0);
    m.set(Metric::ofd_block_days_left, 30);
    m.set(Metric::data_age_hours, 0.5);
    m.set(Metric::shift_open_hours, 2);
    m.set(Metric::network_error, 0);
    m.set(Metric::signed_documents, 100);
    m.set(Metric::shift_number, 412);
    m.set(Metric::shift_receipts, 5);
    // No memory forecast yet: replacing is due when the ФН expires.
    m.set(Metric::fn_replace_days_left, 200);
    return m;
}

// The register state under the default thresholds with one metric changed.
State default_state_with(Metric metric, double value) {
    Metrics m = healthy_metrics();
    m.set(metric, value);
    return evaluate(healthy_register(), m, Thresholds::defaults(), now).state;
}

std::vector<std::string> reasons_of(const Evaluation& e) {
    std::vector<std::string> out;
    for (const auto& p : e.problems) out.push_back(p.reason);
    return out;
}

std::string error_of(void (Thresholds::*set)(std::string_view), std::string_view assignment) {
    Thresholds t = Thresholds::defaults();
    try {
        (t.*set)(assignment);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(StateNames, AreTheNagiosWords) {
    EXPECT_EQ(state_name(State::ok), "OK");
    EXPECT_EQ(state_name(State::warning), "WARNING");
    EXPECT_EQ(state_name(State::critical), "CRITICAL");
    EXPECT_EQ(state_name(State::unknown), "UNKNOWN");
}

TEST(StateOrder, OkUnknownWarningCritical) {
    EXPECT_LT(severity(State::ok), severity(State::unknown));
    EXPECT_LT(severity(State::unknown), severity(State::warning));
    EXPECT_LT(severity(State::warning), severity(State::critical));
    EXPECT_EQ(worse(State::ok, State::unknown), State::unknown);
    EXPECT_EQ(worse(State::unknown, State::warning), State::warning);
    EXPECT_EQ(worse(State::warning, State::unknown), State::warning);
    EXPECT_EQ(worse(State::critical, State::warning), State::critical);
    EXPECT_EQ(worse(State::unknown, State::critical), State::critical);
    EXPECT_EQ(worse(State::ok, State::ok), State::ok);
}

TEST(Defaults, AreTheSpecTable) {
    const Thresholds t = Thresholds::defaults();
    const auto text = [](const std::optional<Range>& r) { return r ? r->text : "-"; };
    EXPECT_EQ(text(t.of(Metric::fn_days_left).warning), "30:");
    EXPECT_EQ(text(t.of(Metric::fn_days_left).critical), "7:");
    EXPECT_EQ(text(t.of(Metric::fn_usage).warning), "80");
    EXPECT_EQ(text(t.of(Metric::fn_usage).critical), "90");
    EXPECT_EQ(text(t.of(Metric::unsent_age_hours).warning), "24");
    EXPECT_EQ(text(t.of(Metric::unsent_age_hours).critical), "72");
    EXPECT_EQ(text(t.of(Metric::shift_open_hours).warning), "20");
    EXPECT_EQ(text(t.of(Metric::shift_open_hours).critical), "23");
    EXPECT_EQ(text(t.of(Metric::data_age_hours).warning), "6");
    EXPECT_EQ(text(t.of(Metric::data_age_hours).critical), "24");
    EXPECT_EQ(text(t.of(Metric::network_error).warning), "0");
    EXPECT_EQ(text(t.of(Metric::network_error).critical), "-");
    EXPECT_EQ(text(t.of(Metric::fn_replace_days_left).warning), "30:");
    EXPECT_EQ(text(t.of(Metric::fn_replace_days_left).critical), "7:");
    for (Metric m : {Metric::unsent_docs, Metric::ofd_block_days_left, Metric::signed_documents,
                     Metric::shift_number, Metric::shift_receipts, Metric::fn_full_days_left,
                     Metric::documents_per_day}) {
        EXPECT_EQ(text(t.of(m).warning), "-") << metric_info(m).name;
        EXPECT_EQ(text(t.of(m).critical), "-") << metric_info(m).name;
    }
}

TEST(Defaults, HealthyRegisterIsOk) {
    const Evaluation e =
        evaluate(healthy_register(), healthy_metrics(), Thresholds::defaults(), now);
    EXPECT_EQ(e.state, State::ok);
    EXPECT_TRUE(e.problems.empty());
}

TEST(DefaultBoundaries, FnDaysLeft) {
    EXPECT_EQ(default_state_with(Metric::fn_days_left, 30.0), State::ok);
    EXPECT_EQ(default_state_with(Metric::fn_days_left, 29.99), State::warning);
    EXPECT_EQ(default_state_with(Metric::fn_days_left, 7.0), State::warning);
    EXPECT_EQ(default_state_with(Metric::fn_days_left, 6.99), State::critical);
    EXPECT_EQ(default_state_with(Metric::fn_days_left, -3.0), State::critical);
}

TEST(DefaultBoundaries, FnReplaceDaysLeft) {
    // The same as fn_days_left's: the memory can make replacing due before the expiry.
    EXPECT_EQ(default_state_with(Metric::fn_replace_days_left, 30.0), State::ok);
    EXPECT_EQ(default_state_with(Metric::fn_replace_days_left, 29.99), State::warning);
    EXPECT_EQ(default_state_with(Metric::fn_replace_days_left, 7.0), State::warning);
    EXPECT_EQ(default_state_with(Metric::fn_replace_days_left, 6.99), State::critical);
    EXPECT_EQ(default_state_with(Metric::fn_full_days_left, 0.5), State::ok);  // no default
    EXPECT_EQ(default_state_with(Metric::documents_per_day, 1e6), State::ok);
}

TEST(DefaultBoundaries, FnUsage) {
    EXPECT_EQ(default_state_with(Metric::fn_usage, 0), State::ok);
    EXPECT_EQ(default_state_with(Metric::fn_usage, 80), State::ok);
    EXPECT_EQ(default_state_with(Metric::fn_usage, 80.01), State::warning);
    EXPECT_EQ(default_state_with(Metric::fn_usage, 90), State::warning);
    EXPECT_EQ(default_state_with(Metric::fn_usage, 90.01), State::critical);
}

TEST(DefaultBoundaries, UnsentAgeHours) {
    EXPECT_EQ(default_state_with(Metric::unsent_age_hours, 24), State::ok);
    EXPECT_EQ(default_state_with(Metric::unsent_age_hours, 24.01), State::warning);
    EXPECT_EQ(default_state_with(Metric::unsent_age_hours, 72), State::warning);
    EXPECT_EQ(default_state_with(Metric::unsent_age_hours, 72.01), State::critical);
}

TEST(DefaultBoundaries, ShiftOpenHours) {
    EXPECT_EQ(default_state_with(Metric::shift_open_hours, 0), State::ok);
    EXPECT_EQ(default_state_with(Metric::shift_open_hours, 20), State::ok);
    EXPECT_EQ(default_state_with(Metric::shift_open_hours, 20.01), State::warning);
    EXPECT_EQ(default_state_with(Metric::shift_open_hours, 23), State::warning);
    EXPECT_EQ(default_state_with(Metric::shift_open_hours, 23.01), State::critical);
}

TEST(DefaultBoundaries, DataAgeHours) {
    EXPECT_EQ(default_state_with(Metric::data_age_hours, 6), State::ok);
    EXPECT_EQ(default_state_with(Metric::data_age_hours, 6.01), State::warning);
    EXPECT_EQ(default_state_with(Metric::data_age_hours, 24), State::warning);
    EXPECT_EQ(default_state_with(Metric::data_age_hours, 24.01), State::critical);
}

TEST(DefaultBoundaries, NetworkError) {
    EXPECT_EQ(default_state_with(Metric::network_error, 0), State::ok);
    EXPECT_EQ(default_state_with(Metric::network_error, 1), State::warning);
    EXPECT_EQ(default_state_with(Metric::network_error, 8), State::warning);  // never critical
}

TEST(DefaultBoundaries, MetricsWithoutDefaultsNeverAlert) {
    EXPECT_EQ(default_state_with(Metric::unsent_docs, 100000), State::ok);
    EXPECT_EQ(default_state_with(Metric::ofd_block_days_left, -5), State::ok);
    EXPECT_EQ(default_state_with(Metric::signed_documents, 1e9), State::ok);
}

TEST(Aggregation, WorstStateWinsAndProblemsAreWorstFirst) {
    Metrics m = healthy_metrics();
    m.set(Metric::fn_usage, 85);       // warning
    m.set(Metric::data_age_hours, 7);  // warning
    m.set(Metric::fn_days_left, 3);    // critical
    const Evaluation e = evaluate(healthy_register(), m, Thresholds::defaults(), now);
    EXPECT_EQ(e.state, State::critical);
    ASSERT_EQ(e.problems.size(), 3u);
    EXPECT_EQ(e.problems[0].state, State::critical);
    EXPECT_EQ(e.problems[0].metric, Metric::fn_days_left);
    // Equal states keep the metric table's order.
    EXPECT_EQ(e.problems[1].state, State::warning);
    EXPECT_EQ(e.problems[1].metric, Metric::fn_usage);
    EXPECT_EQ(e.problems[2].state, State::warning);
    EXPECT_EQ(e.problems[2].metric, Metric::data_age_hours);
}

TEST(Aggregation, CriticalIsCheckedBeforeWarning) {
    // One problem per metric, with the worse state, even though both ranges alert.
    const Evaluation e = [] {
        Metrics m = healthy_metrics();
        m.set(Metric::fn_usage, 95);
        return evaluate(healthy_register(), m, Thresholds::defaults(), now);
    }();
    ASSERT_EQ(e.problems.size(), 1u);
    EXPECT_EQ(e.problems[0].state, State::critical);
}

TEST(Unknown, UnknownMetricWithThresholdIsUnknownNamingTheSourceKey) {
    Register r = healthy_register();
    r.fiscal_storage_expiration.reset();
    r.unknown_fields = {"fiscalStorageExpiration"};
    Metrics m = healthy_metrics();
    m.set(Metric::fn_days_left, std::nullopt);
    const Evaluation e = evaluate(r, m, Thresholds::defaults(), now);
    EXPECT_EQ(e.state, State::unknown);
    ASSERT_EQ(e.problems.size(), 1u);
    EXPECT_EQ(e.problems[0].state, State::unknown);
    EXPECT_EQ(e.problems[0].metric, Metric::fn_days_left);
    EXPECT_EQ(e.problems[0].reason,
              "fn_days_left unknown: fiscalStorageExpiration missing or invalid");
}

TEST(Unknown, AWarningElsewhereWins) {
    Metrics m = healthy_metrics();
    m.set(Metric::fn_usage, std::nullopt);
    m.set(Metric::network_error, 2);
    const Evaluation e = evaluate(healthy_register(), m, Thresholds::defaults(), now);
    EXPECT_EQ(e.state, State::warning);
    ASSERT_EQ(e.problems.size(), 2u);
    EXPECT_EQ(e.problems[0].state, State::warning);
    EXPECT_EQ(e.problems[1].state, State::unknown);
    EXPECT_EQ(e.problems[1].reason,
              "fn_usage unknown: fiscalStoragePercentageUse missing or invalid");
}

TEST(Unknown, UnknownMetricWithoutThresholdIsIgnored) {
    Metrics m = healthy_metrics();
    m.set(Metric::signed_documents, std::nullopt);
    m.set(Metric::shift_receipts, std::nullopt);
    EXPECT_EQ(evaluate(healthy_register(), m, Thresholds::defaults(), now).state, State::ok);
}

TEST(Unknown, NamesTheKeysTheRegisterMarkedOrAllSources) {
    Metrics m = healthy_metrics();
    m.set(Metric::unsent_age_hours, std::nullopt);
    Register r = healthy_register();
    r.unknown_fields = {"firstUnsentDocTimestamp"};
    EXPECT_EQ(reasons_of(evaluate(r, m, Thresholds::defaults(), now)),
              std::vector<std::string>{
                  "unsent_age_hours unknown: firstUnsentDocTimestamp missing or invalid"});
    r.unknown_fields = {"unsentDocs", "firstUnsetDocTimestamp"};
    EXPECT_EQ(reasons_of(evaluate(r, m, Thresholds::defaults(), now)),
              std::vector<std::string>{"unsent_age_hours unknown: unsentDocs, "
                                       "firstUnsetDocTimestamp missing or invalid"});
    r.unknown_fields = {"signedDocuments"};  // nothing of this metric's: name all its sources
    EXPECT_EQ(reasons_of(evaluate(r, m, Thresholds::defaults(), now)),
              std::vector<std::string>{"unsent_age_hours unknown: unsentDocs, "
                                       "firstUnsetDocTimestamp missing or invalid"});
}

TEST(Unknown, EveryDefaultMetricUnknownGivesOneUnknownEach) {
    const Evaluation e = evaluate(Register{}, Metrics{}, Thresholds::defaults(), now);
    EXPECT_EQ(e.state, State::unknown);
    EXPECT_EQ(reasons_of(e),
              (std::vector<std::string>{
                  "fn_days_left unknown: fiscalStorageExpiration missing or invalid",
                  "fn_usage unknown: fiscalStoragePercentageUse missing or invalid",
                  "unsent_age_hours unknown: unsentDocs, firstUnsetDocTimestamp missing or "
                  "invalid",
                  "data_age_hours unknown: timestamp missing or invalid",
                  "shift_open_hours unknown: isShiftOpened missing or invalid",
                  "network_error unknown: networkErrorCode missing or invalid",
              }));
}

TEST(Overrides, RemovingADefaultDisablesIt) {
    Thresholds t = Thresholds::defaults();
    t.set_warning("fn_usage=");
    t.set_critical("fn_usage=");
    EXPECT_FALSE(t.of(Metric::fn_usage).warning);
    EXPECT_FALSE(t.of(Metric::fn_usage).critical);
    Metrics m = healthy_metrics();
    m.set(Metric::fn_usage, 99);
    EXPECT_EQ(evaluate(healthy_register(), m, t, now).state, State::ok);
    m.set(Metric::fn_usage, std::nullopt);  // no threshold: unknown does not matter
    EXPECT_EQ(evaluate(healthy_register(), m, t, now).state, State::ok);
}

TEST(Overrides, RemovingOnlyTheWarningKeepsTheCritical) {
    Thresholds t = Thresholds::defaults();
    t.set_warning(" fn_usage = ");
    Metrics m = healthy_metrics();
    m.set(Metric::fn_usage, 85);
    EXPECT_EQ(evaluate(healthy_register(), m, t, now).state, State::ok);
    m.set(Metric::fn_usage, 95);
    EXPECT_EQ(evaluate(healthy_register(), m, t, now).state, State::critical);
}

TEST(Overrides, ReplaceADefault) {
    Thresholds t = Thresholds::defaults();
    t.set_warning("fn_usage=50");
    t.set_critical("fn_days_left=@~:0");  // critical only once expired
    EXPECT_EQ(t.of(Metric::fn_usage).warning->text, "50");
    EXPECT_EQ(t.of(Metric::fn_usage).critical->text, "90");
    Metrics m = healthy_metrics();
    m.set(Metric::fn_usage, 60);
    m.set(Metric::fn_days_left, 3);
    Evaluation e = evaluate(healthy_register(), m, t, now);
    EXPECT_EQ(e.state, State::warning);
    EXPECT_EQ(e.problems.size(), 2u);
    m.set(Metric::fn_days_left, 0);
    e = evaluate(healthy_register(), m, t, now);
    EXPECT_EQ(e.state, State::critical);
}

TEST(Overrides, AnyMetricOfTheTableTakesThresholds) {
    Thresholds t = Thresholds::defaults();
    t.set_critical("unsent_docs=10");
    t.set_warning("ofd_block_days_left=10:");
    t.set_warning("signed_documents=~:1000000");
    t.set_warning("shift_number=9999");
    t.set_warning("shift_receipts=500");
    Metrics m = healthy_metrics();
    EXPECT_EQ(evaluate(healthy_register(), m, t, now).state, State::ok);
    m.set(Metric::unsent_docs, 11);
    m.set(Metric::signed_documents, 1000001);
    m.set(Metric::shift_receipts, 501);
    const Evaluation e = evaluate(healthy_register(), m, t, now);
    EXPECT_EQ(e.state, State::critical);
    EXPECT_EQ(reasons_of(e),
              (std::vector<std::string>{"unsent_docs is 11", "signed_documents is 1000001",
                                        "shift_receipts is 501"}));
}

TEST(OverrideErrors, MissingEqualsSign) {
    const std::string message = error_of(&Thresholds::set_warning, "fn_usage");
    EXPECT_THAT(message, HasSubstr("-w \"fn_usage\": expected METRIC=RANGE"));
    EXPECT_THAT(error_of(&Thresholds::set_critical, "80"), HasSubstr("-c \"80\": expected"));
}

TEST(OverrideErrors, UnknownMetricListsTheValidNames) {
    const std::string message = error_of(&Thresholds::set_warning, "fn_dayz=30:");
    EXPECT_THAT(message, HasSubstr("unknown metric \"fn_dayz\""));
    EXPECT_THAT(message,
                HasSubstr("valid metrics: fn_days_left, fn_usage, unsent_docs, unsent_age_hours, "
                          "ofd_block_days_left, data_age_hours, shift_open_hours, network_error, "
                          "signed_documents, shift_number, shift_receipts, fn_full_days_left, "
                          "fn_replace_days_left, documents_per_day"));
    EXPECT_THAT(error_of(&Thresholds::set_critical, "=10"), HasSubstr("unknown metric \"\""));
}

TEST(OverrideErrors, BadRangeQuotesBoth) {
    const std::string message = error_of(&Thresholds::set_critical, "fn_usage=10:5");
    EXPECT_THAT(message, HasSubstr("-c \"fn_usage=10:5\""));
    EXPECT_THAT(message, HasSubstr("invalid range \"10:5\": start 10 is greater than end 5"));
    EXPECT_THAT(error_of(&Thresholds::set_warning, "fn_usage=abc"),
                HasSubstr("invalid range \"abc\""));
    EXPECT_THAT(error_of(&Thresholds::set_warning, "fn_usage=1=2"),
                HasSubstr("invalid range \"1=2\""));
}

TEST(OverrideErrors, AFailedAssignmentChangesNothing) {
    Thresholds t = Thresholds::defaults();
    EXPECT_THROW(t.set_warning("fn_usage=abc"), ConfigError);
    EXPECT_EQ(t.of(Metric::fn_usage).warning->text, "80");
}

// The reason shown for one metric value under a threshold that always alerts.
std::string reason_for(const Register& r, Metrics m, Metric metric, double value) {
    m.set(metric, value);
    Thresholds t;
    t.set_critical(std::string(metric_info(metric).name) + "=@~:");
    const Evaluation e = evaluate(r, m, t, now);
    if (e.problems.size() != 1) return "(" + std::to_string(e.problems.size()) + " problems)";
    return e.problems[0].reason;
}

TEST(Reasons, FnDaysLeft) {
    Register r = healthy_register();
    r.fiscal_storage_expiration = hours_from_now(2.4 * 24);  // 2026-11-30 19:48 UTC
    EXPECT_EQ(reason_for(r, healthy_metrics(), Metric::fn_days_left, 2.4),
              "ФН expires in 2.4 days (2026-11-30)");
    r.fiscal_storage_expiration = hours_from_now(-3 * 24);
    EXPECT_EQ(reason_for(r, healthy_metrics(), Metric::fn_days_left, -3.0),
              "ФН expired 3.0 days ago (2026-11-25)");
    // The date from now and the value when the register lacks it.
    r.fiscal_storage_expiration.reset();
    EXPECT_EQ(reason_for(r, healthy_metrics(), Metric::fn_days_left, 2.4),
              "ФН expires in 2.4 days (2026-11-30)");
}

// A register 200 days from its expiry (2027-06-16) whose memory fills in `full` days.
Metrics filling_in(std::optional<double> full, double expires = 200) {
    Metrics m = healthy_metrics();
    m.set(Metric::fn_days_left, expires);
    m.set(Metric::fn_full_days_left, full);
    m.set(Metric::fn_replace_days_left, full ? std::min(*full, expires) : expires);
    return m;
}

TEST(Reasons, FnFullAndReplaceSayWhichLimitComesFirst) {
    const Register r = healthy_register();
    EXPECT_EQ(reason_for(r, filling_in(10), Metric::fn_full_days_left, 10),
              "ФН memory full in 10.0 days (2026-12-08)");
    EXPECT_EQ(reason_for(r, filling_in(0), Metric::fn_full_days_left, 0), "ФН memory is full");
    EXPECT_EQ(reason_for(r, filling_in(10), Metric::fn_replace_days_left, 10),
              "replace the ФН within 10.0 days: its memory fills up first (full by 2026-12-08, "
              "expires 2027-06-16)");
    EXPECT_EQ(reason_for(r, filling_in(0), Metric::fn_replace_days_left, 0),
              "replace the ФН now: its memory is full (it expires 2027-06-16)");
    Register soon = healthy_register();
    soon.fiscal_storage_expiration = hours_from_now(20 * 24);
    EXPECT_EQ(reason_for(soon, filling_in(45, 20), Metric::fn_replace_days_left, 20),
              "replace the ФН within 20.0 days: it expires first (2026-12-18; memory full in "
              "45.0 days)");
    EXPECT_EQ(reason_for(soon, filling_in(std::nullopt, 20), Metric::fn_replace_days_left, 20),
              "replace the ФН within 20.0 days: it expires first (2026-12-18; no memory "
              "forecast yet)");
    Register expired = healthy_register();
    expired.fiscal_storage_expiration = hours_from_now(-3 * 24);
    EXPECT_EQ(reason_for(expired, filling_in(45, -3), Metric::fn_replace_days_left, -3),
              "replace the ФН: it expired 3.0 days ago (2026-11-25)");
    EXPECT_EQ(reason_for(r, filling_in(10), Metric::documents_per_day, 152),
              "the ФН signs 152 documents a day");
}

TEST(FnReplace, TheMemoryForecastAlertsBeforeTheExpiry) {
    // Expiry 200 days ahead (OK), memory full in 10: WARNING on the forecast alone.
    const Evaluation e = evaluate(healthy_register(), filling_in(10), Thresholds::defaults(), now);
    EXPECT_EQ(e.state, State::warning);
    EXPECT_EQ(reasons_of(e),
              std::vector<std::string>{"replace the ФН within 10.0 days: its memory fills up first "
                                       "(full by 2026-12-08, expires 2027-06-16)"});
    EXPECT_EQ(evaluate(healthy_register(), filling_in(5), Thresholds::defaults(), now).state,
              State::critical);
    // Turned off, the expiry alone is OK.
    Thresholds t = Thresholds::defaults();
    t.set_warning("fn_replace_days_left=");
    t.set_critical("fn_replace_days_left=");
    EXPECT_EQ(evaluate(healthy_register(), filling_in(5), t, now).state, State::ok);
}

TEST(FnReplace, AnExpiryAlreadyAlertingIsNotSaidTwice) {
    // The expiry comes first and fn_days_left alerts as severely: its reason alone.
    Register r = healthy_register();
    r.fiscal_storage_expiration = hours_from_now(20 * 24);
    Evaluation e = evaluate(r, filling_in(45, 20), Thresholds::defaults(), now);
    EXPECT_EQ(e.state, State::warning);
    EXPECT_EQ(reasons_of(e), std::vector<std::string>{"ФН expires in 20.0 days (2026-12-18)"});
    e = evaluate(r, filling_in(std::nullopt, 20), Thresholds::defaults(), now);
    EXPECT_EQ(reasons_of(e), std::vector<std::string>{"ФН expires in 20.0 days (2026-12-18)"});
    // The memory comes first: both are said, the worse first.
    e = evaluate(r, filling_in(5, 20), Thresholds::defaults(), now);
    EXPECT_EQ(e.state, State::critical);
    ASSERT_EQ(e.problems.size(), 2u);
    EXPECT_EQ(e.problems[0].metric, Metric::fn_replace_days_left);
    EXPECT_EQ(e.problems[1].metric, Metric::fn_days_left);
    // fn_days_left's warning removed by the user: the replacement says it instead.
    Thresholds t = Thresholds::defaults();
    t.set_warning("fn_days_left=");
    e = evaluate(r, filling_in(45, 20), t, now);
    EXPECT_EQ(reasons_of(e),
              std::vector<std::string>{"replace the ФН within 20.0 days: it expires first "
                                       "(2026-12-18; memory full in 45.0 days)"});
}

TEST(FnReplace, AnUnknownExpiryIsOneUnknownReason) {
    Register r = healthy_register();
    r.fiscal_storage_expiration.reset();
    Metrics m = filling_in(10);
    m.set(Metric::fn_days_left, std::nullopt);
    m.set(Metric::fn_replace_days_left, std::nullopt);
    const Evaluation e = evaluate(r, m, Thresholds::defaults(), now);
    EXPECT_EQ(e.state, State::unknown);
    EXPECT_EQ(reasons_of(e),
              std::vector<std::string>{
                  "fn_days_left unknown: fiscalStorageExpiration missing or invalid"});
}

TEST(FnReplace, AThresholdOnAnUnknownForecastSaysWhy) {
    Thresholds t = Thresholds::defaults();
    t.set_warning("fn_full_days_left=14:");
    const FnForecast short_history{std::nullopt, std::nullopt, 1.5, 1.5};
    Evaluation e = evaluate(healthy_register(), filling_in(std::nullopt), t, now, short_history);
    EXPECT_EQ(e.state, State::unknown);
    EXPECT_EQ(reasons_of(e), std::vector<std::string>{
                                 "fn_full_days_left unknown: the history of this ФН spans 1.5 "
                                 "days; a forecast needs 3"});
    const FnForecast not_filling{std::nullopt, 0.0, 12, 12};
    e = evaluate(healthy_register(), filling_in(std::nullopt), t, now, not_filling);
    EXPECT_EQ(reasons_of(e), std::vector<std::string>{
                                 "fn_full_days_left unknown: ФН memory use has not grown over "
                                 "12.0 days"});
}

TEST(Reasons, FnUsage) {
    EXPECT_EQ(reason_for(healthy_register(), healthy_metrics(), Metric::fn_usage, 92.5),
              "ФН memory 92.5% full");
    EXPECT_EQ(reason_for(healthy_register(), healthy_metrics(), Metric::fn_usage, 100),
              "ФН memory 100.0% full");
}

TEST(Reasons, UnsentAge) {
    Register r = healthy_register();
    r.unsent_docs = 3;
    r.first_unsent_doc_timestamp = hours_from_now(-80.1);
    Metrics m = healthy_metrics();
    m.set(Metric::unsent_docs, 3);
    m.set(Metric::ofd_block_days_left, 30 - 80.1 / 24);  // 26.6625
    EXPECT_EQ(reason_for(r, m, Metric::unsent_age_hours, 80.1),
              "oldest unsent document is 80.1 h old (26.7 days left before the ФН blocks)");
}

TEST(Reasons, UnsentAgePastTheLimit) {
    Register r = healthy_register();
    r.first_unsent_doc_timestamp = hours_from_now(-800);  // 2026-10-26 02:12 UTC
    Metrics m = healthy_metrics();
    m.set(Metric::unsent_docs, 40);
    m.set(Metric::ofd_block_days_left, 30 - 800.0 / 24);
    EXPECT_EQ(reason_for(r, m, Metric::unsent_age_hours, 800),
              "oldest unsent document is 800.0 h old (the ФН is blocked since 2026-11-25)");
    r.first_unsent_doc_timestamp.reset();  // the date from now and the days left
    EXPECT_EQ(reason_for(r, m, Metric::unsent_age_hours, 800),
              "oldest unsent document is 800.0 h old (the ФН is blocked since 2026-11-25)");
}

TEST(Reasons, NothingUnsent) {
    EXPECT_EQ(reason_for(healthy_register(), healthy_metrics(), Metric::unsent_age_hours, 0),
              "no unsent documents");
}

TEST(Reasons, OfdBlockDaysLeft) {
    Metrics m = healthy_metrics();
    m.set(Metric::unsent_docs, 1);
    m.set(Metric::unsent_age_hours, 660);
    EXPECT_EQ(reason_for(healthy_register(), m, Metric::ofd_block_days_left, 2.5),
              "2.5 days left before the ФН blocks (oldest unsent document is 660.0 h old)");
}

TEST(Reasons, ShiftOpen) {
    EXPECT_EQ(reason_for(healthy_register(), healthy_metrics(), Metric::shift_open_hours, 21.5),
              "shift 412 open for 21.5 h (the ФН blocks at 24 h)");
    EXPECT_EQ(reason_for(healthy_register(), healthy_metrics(), Metric::shift_open_hours, 25),
              "shift 412 open for 25.0 h (over the 24 h limit, the ФН is blocked)");
    Register closed = healthy_register();
    closed.is_shift_opened = false;
    EXPECT_EQ(reason_for(closed, healthy_metrics(), Metric::shift_open_hours, 0),
              "shift 412 is closed");
}

TEST(Reasons, DataAge) {
    Register r = healthy_register();
    r.timestamp = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 4h;
    EXPECT_EQ(reason_for(r, healthy_metrics(), Metric::data_age_hours, 30.2),
              "no status update for 30.2 h (last 2026-11-27 04:00 UTC)");
    r.timestamp = hours_from_now(1.5);
    EXPECT_EQ(reason_for(r, healthy_metrics(), Metric::data_age_hours, -1.5),
              "status timestamp is 1.5 h in the future (2026-11-28 11:42 UTC)");
}

TEST(Reasons, NetworkError) {
    EXPECT_EQ(reason_for(healthy_register(), healthy_metrics(), Metric::network_error, 2),
              "network error 2: Ошибка сетевых настроек или нет соединения с сервером ОФД");
    EXPECT_EQ(reason_for(healthy_register(), healthy_metrics(), Metric::network_error, 42),
              "network error 42: unknown network error code 42");
}

TEST(Reasons, OtherMetricsSayTheValue) {
    const Register r = healthy_register();
    EXPECT_EQ(reason_for(r, healthy_metrics(), Metric::unsent_docs, 3), "unsent_docs is 3");
    EXPECT_EQ(reason_for(r, healthy_metrics(), Metric::signed_documents, 48211),
              "signed_documents is 48211");
    EXPECT_EQ(reason_for(r, healthy_metrics(), Metric::shift_number, 412), "shift_number is 412");
    EXPECT_EQ(reason_for(r, healthy_metrics(), Metric::shift_receipts, 96), "shift_receipts is 96");
}

TEST(Reasons, DefaultThresholdProblemsCarryTheirReasons) {
    Register r = healthy_register();
    r.fiscal_storage_expiration = hours_from_now(2.4 * 24);
    Metrics m = healthy_metrics();
    m.set(Metric::fn_days_left, 2.4);
    m.set(Metric::fn_usage, 92.5);
    m.set(Metric::network_error, 2);
    const Evaluation e = evaluate(r, m, Thresholds::defaults(), now);
    EXPECT_EQ(reasons_of(e),
              (std::vector<std::string>{
                  "ФН expires in 2.4 days (2026-11-30)", "ФН memory 92.5% full",
                  "network error 2: Ошибка сетевых настроек или нет соединения с сервером ОФД"}));
    EXPECT_EQ(e.problems[0].state, State::critical);
    EXPECT_EQ(e.problems[1].state, State::critical);
    EXPECT_EQ(e.problems[2].state, State::warning);
    EXPECT_EQ(e.problems[2].metric, Metric::network_error);
}

TEST(Reasons, MinuteFormat) {
    EXPECT_EQ(format_minute_utc(now), "2026-11-28 10:12 UTC");
    EXPECT_EQ(format_minute_utc(now + 59s + 999ms), "2026-11-28 10:12 UTC");
    EXPECT_EQ(
        format_minute_utc(std::chrono::sys_days{std::chrono::year{1999} / 12 / 31} + 23h + 59min),
        "1999-12-31 23:59 UTC");
}

}  // namespace
}  // namespace kkt
