// Derived metrics (README.md, "Metrics and thresholds") against a fixed "now", with exact values.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "common/metrics.hpp"

namespace {

using namespace std::chrono;
using kkt::FixedClock;
using kkt::Metric;
using kkt::Register;
using kkt::TimePoint;

const TimePoint now = TimePoint{sys_days{year{2026} / 11 / 28}} + hours{12};

// A healthy register reported 30 minutes ago, nothing unsent, shift closed.
Register healthy() {
    Register r;
    r.serial_number = "00106709186412";
    r.fiscal_storage_expiration = now + days{30};
    r.fiscal_storage_percentage_use = 37.5;
    r.timestamp = now - minutes{30};
    r.is_shift_opened = false;
    r.shift_number = 412;
    r.shift_receipt = 96;
    r.signed_documents = 48211;
    r.network_error_code = 0;
    r.unsent_docs = 0;
    return r;
}

kkt::Metrics compute(const Register& r, std::optional<TimePoint> first_seen = std::nullopt) {
    // Time comes from a clock, as in the program.
    const FixedClock clock(now);
    return kkt::compute_metrics(r, clock.now(), first_seen);
}

TEST(MetricTable, NamesUnitsAndOrder) {
    const std::vector<std::string> names = {
        "fn_days_left",         "fn_usage",         "unsent_docs",      "unsent_age_hours",
        "ofd_block_days_left",  "data_age_hours",   "shift_open_hours", "network_error",
        "signed_documents",     "shift_number",     "shift_receipts",   "fn_full_days_left",
        "fn_replace_days_left", "documents_per_day"};
    const auto& table = kkt::all_metrics();
    ASSERT_EQ(table.size(), names.size());
    for (std::size_t i = 0; i < table.size(); ++i) {
        SCOPED_TRACE(names[i]);
        EXPECT_EQ(table[i].name, names[i]);
        EXPECT_EQ(static_cast<std::size_t>(table[i].id), i);
        EXPECT_EQ(table[i].symbol(), table[i].id == Metric::fn_usage ? "%" : "");
        EXPECT_FALSE(table[i].description.empty());
        EXPECT_EQ(kkt::metric_from_name(names[i]), table[i].id);
        EXPECT_EQ(kkt::metric_info(table[i].id).name, names[i]);
    }
}

TEST(MetricTable, IntegerMetricsAreTheCountsAndCodes) {
    std::set<std::string_view> integers;
    for (const auto& info : kkt::all_metrics()) {
        if (info.integer()) integers.insert(info.name);
    }
    EXPECT_EQ(integers,
              (std::set<std::string_view>{"unsent_docs", "network_error", "signed_documents",
                                          "shift_number", "shift_receipts", "documents_per_day"}));
}

TEST(MetricTable, UnknownNamesAreRejected) {
    EXPECT_EQ(kkt::metric_from_name(""), std::nullopt);
    EXPECT_EQ(kkt::metric_from_name("FN_DAYS_LEFT"), std::nullopt);
    EXPECT_EQ(kkt::metric_from_name("fn_days"), std::nullopt);
    EXPECT_EQ(kkt::metric_from_name("fn_days_left "), std::nullopt);
}

TEST(ComputeMetrics, HealthyRegisterExactValues) {
    const auto m = compute(healthy());
    EXPECT_EQ(m.get(Metric::fn_days_left), 30.0);
    EXPECT_EQ(m.get(Metric::fn_usage), 37.5);
    EXPECT_EQ(m.get(Metric::unsent_docs), 0.0);
    EXPECT_EQ(m.get(Metric::unsent_age_hours), 0.0);
    EXPECT_EQ(m.get(Metric::ofd_block_days_left), 30.0);
    EXPECT_EQ(m.get(Metric::data_age_hours), 0.5);
    EXPECT_EQ(m.get(Metric::shift_open_hours), 0.0);
    EXPECT_EQ(m.get(Metric::network_error), 0.0);
    EXPECT_EQ(m.get(Metric::signed_documents), 48211.0);
    EXPECT_EQ(m.get(Metric::shift_number), 412.0);
    EXPECT_EQ(m.get(Metric::shift_receipts), 96.0);
}

TEST(ComputeMetrics, FnDaysLeftIsDecimalAndNegativeWhenExpired) {
    Register r = healthy();
    r.fiscal_storage_expiration = now + days{2} + hours{9} + minutes{36};
    EXPECT_EQ(compute(r).get(Metric::fn_days_left), 2.4);
    r.fiscal_storage_expiration = now - hours{36};
    EXPECT_EQ(compute(r).get(Metric::fn_days_left), -1.5);
    r.fiscal_storage_expiration = now;
    EXPECT_EQ(compute(r).get(Metric::fn_days_left), 0.0);
}

TEST(ComputeMetrics, UnsentAgeAndOfdBlock) {
    Register r = healthy();
    r.unsent_docs = 3;
    r.first_unsent_doc_timestamp = now - hours{80} - minutes{6};
    const auto m = compute(r);
    EXPECT_EQ(m.get(Metric::unsent_docs), 3.0);
    EXPECT_DOUBLE_EQ(*m.get(Metric::unsent_age_hours), 80.1);
    EXPECT_DOUBLE_EQ(*m.get(Metric::ofd_block_days_left), 30.0 - 80.1 / 24.0);

    r.first_unsent_doc_timestamp = now - days{10};
    EXPECT_EQ(compute(r).get(Metric::unsent_age_hours), 240.0);
    EXPECT_EQ(compute(r).get(Metric::ofd_block_days_left), 20.0);

    r.first_unsent_doc_timestamp = now - days{31};  // past the limit: negative days left
    EXPECT_EQ(compute(r).get(Metric::ofd_block_days_left), -1.0);
}

TEST(ComputeMetrics, NothingUnsentMeansZeroAgeAndThirtyDays) {
    Register r = healthy();
    r.unsent_docs = 0;
    r.first_unsent_doc_timestamp.reset();
    EXPECT_EQ(compute(r).get(Metric::unsent_age_hours), 0.0);
    EXPECT_EQ(compute(r).get(Metric::ofd_block_days_left), 30.0);
}

TEST(ComputeMetrics, UnsentAgeUnknownWithoutTimestampWhenDocumentsAreUnsent) {
    Register r = healthy();
    r.unsent_docs = 2;
    r.first_unsent_doc_timestamp.reset();
    auto m = compute(r);
    EXPECT_EQ(m.get(Metric::unsent_docs), 2.0);
    EXPECT_EQ(m.get(Metric::unsent_age_hours), std::nullopt);
    EXPECT_EQ(m.get(Metric::ofd_block_days_left), std::nullopt);

    r.unsent_docs.reset();
    r.first_unsent_doc_timestamp.reset();
    m = compute(r);
    EXPECT_EQ(m.get(Metric::unsent_age_hours), std::nullopt);
}

// The timestamp of the oldest unsent document decides the 30-day block even when the count is
// unknown or (inconsistently) 0: trusting the count there would be a wrong OK.
TEST(ComputeMetrics, FirstUnsentTimestampWinsOverAMissingOrZeroCount) {
    Register r = healthy();
    r.unsent_docs.reset();
    r.first_unsent_doc_timestamp = now - hours{5};
    auto m = compute(r);
    EXPECT_EQ(m.get(Metric::unsent_docs), std::nullopt);
    EXPECT_EQ(m.get(Metric::unsent_age_hours), 5.0);
    EXPECT_EQ(m.get(Metric::ofd_block_days_left), 30.0 - 5.0 / 24.0);

    r.unsent_docs = 0;
    r.first_unsent_doc_timestamp = now - hours{48};
    m = compute(r);
    EXPECT_EQ(m.get(Metric::unsent_age_hours), 48.0);
    EXPECT_EQ(m.get(Metric::ofd_block_days_left), 28.0);
}

TEST(ComputeMetrics, FutureTimestampsClampAgesAtZero) {
    Register r = healthy();
    r.timestamp = now + minutes{5};
    r.unsent_docs = 1;
    r.first_unsent_doc_timestamp = now + hours{1};
    const auto m = compute(r);
    EXPECT_EQ(m.get(Metric::data_age_hours), 0.0);
    EXPECT_EQ(m.get(Metric::unsent_age_hours), 0.0);
    EXPECT_EQ(m.get(Metric::ofd_block_days_left), 30.0);
}

TEST(ComputeMetrics, DataAge) {
    Register r = healthy();
    r.timestamp = now - hours{25} - minutes{30};
    EXPECT_EQ(compute(r).get(Metric::data_age_hours), 25.5);
    r.timestamp = now;
    EXPECT_EQ(compute(r).get(Metric::data_age_hours), 0.0);
}

TEST(ComputeMetrics, ShiftClosedIsZeroWhateverWasSeen) {
    Register r = healthy();
    r.is_shift_opened = false;
    EXPECT_EQ(compute(r).get(Metric::shift_open_hours), 0.0);
    EXPECT_EQ(compute(r, now - hours{30}).get(Metric::shift_open_hours), 0.0);
}

TEST(ComputeMetrics, ShiftOpenCountsFromFirstSeen) {
    Register r = healthy();
    r.is_shift_opened = true;
    EXPECT_EQ(compute(r, now - hours{23} - minutes{15}).get(Metric::shift_open_hours), 23.25);
    // First time seen open: just opened as far as we know.
    EXPECT_EQ(compute(r, std::nullopt).get(Metric::shift_open_hours), 0.0);
    EXPECT_EQ(compute(r, now).get(Metric::shift_open_hours), 0.0);
    EXPECT_EQ(compute(r, now + minutes{1}).get(Metric::shift_open_hours), 0.0);  // skew
}

TEST(ComputeMetrics, ShiftUnknownWhenOpenFlagUnknown) {
    Register r = healthy();
    r.is_shift_opened.reset();
    EXPECT_EQ(compute(r, now - hours{3}).get(Metric::shift_open_hours), std::nullopt);
}

TEST(ComputeMetrics, NetworkErrorIsTheCode) {
    Register r = healthy();
    r.network_error_code = 2;
    EXPECT_EQ(compute(r).get(Metric::network_error), 2.0);
    r.network_error_code = 42;
    EXPECT_EQ(compute(r).get(Metric::network_error), 42.0);
}

TEST(ComputeMetrics, EveryMissingSourceIsUnknownNeverZero) {
    const Register r;  // everything nullopt except unsent_docs (absent = 0)
    const auto m = compute(r, now - hours{1});
    for (const auto& info : kkt::all_metrics()) {
        SCOPED_TRACE(info.name);
        const bool known = info.id == Metric::unsent_docs || info.id == Metric::unsent_age_hours ||
                           info.id == Metric::ofd_block_days_left;
        EXPECT_EQ(m.get(info.id).has_value(), known);
    }
    EXPECT_EQ(m.get(Metric::unsent_docs), 0.0);
    EXPECT_EQ(m.get(Metric::unsent_age_hours), 0.0);
    EXPECT_EQ(m.get(Metric::ofd_block_days_left), 30.0);
}

TEST(ComputeMetrics, OneUnknownFieldLeavesOtherMetricsAlone) {
    Register r = healthy();
    r.fiscal_storage_expiration.reset();
    r.fiscal_storage_percentage_use.reset();
    const auto m = compute(r);
    EXPECT_EQ(m.get(Metric::fn_days_left), std::nullopt);
    EXPECT_EQ(m.get(Metric::fn_usage), std::nullopt);
    EXPECT_EQ(m.get(Metric::data_age_hours), 0.5);
    EXPECT_EQ(m.get(Metric::shift_number), 412.0);
}

// The forecast metrics (common/forecast.hpp) from a forecast of the register's ФН history.
kkt::Metrics compute_with(const Register& r, const kkt::FnForecast& forecast) {
    const FixedClock clock(now);
    return kkt::compute_metrics(r, clock.now(), std::nullopt, forecast);
}

TEST(ComputeMetrics, ReplaceDaysLeftIsTheSoonerOfExpiryAndFull) {
    // Expires in 30 days (healthy()); memory full in 10: replace within 10.
    auto m = compute_with(healthy(), {10.0, 149.6, 7, 7});
    EXPECT_EQ(m.get(Metric::fn_full_days_left), 10.0);
    EXPECT_EQ(m.get(Metric::fn_replace_days_left), 10.0);
    EXPECT_EQ(m.get(Metric::documents_per_day), 150.0);  // a count: whole documents
    // Full in 45: the expiry comes first.
    m = compute_with(healthy(), {45.0, 150.0, 7, 7});
    EXPECT_EQ(m.get(Metric::fn_replace_days_left), 30.0);
    // No forecast yet: the expiry is the only limit known.
    m = compute_with(healthy(), {});
    EXPECT_EQ(m.get(Metric::fn_full_days_left), std::nullopt);
    EXPECT_EQ(m.get(Metric::documents_per_day), std::nullopt);
    EXPECT_EQ(m.get(Metric::fn_replace_days_left), 30.0);
    // An expired ФН: negative, as fn_days_left.
    Register expired = healthy();
    expired.fiscal_storage_expiration = now - days{3};
    EXPECT_EQ(compute_with(expired, {10.0, 1.0, 7, 7}).get(Metric::fn_replace_days_left), -3.0);
}

TEST(ComputeMetrics, ForecastsNeedTodaysValues) {
    // A forecast from the history, but the API gave no fn_usage or signedDocuments today.
    Register r = healthy();
    r.fiscal_storage_percentage_use.reset();
    r.signed_documents.reset();
    auto m = compute_with(r, {10.0, 150.0, 7, 7});
    EXPECT_EQ(m.get(Metric::fn_full_days_left), std::nullopt);
    EXPECT_EQ(m.get(Metric::documents_per_day), std::nullopt);
    EXPECT_EQ(m.get(Metric::fn_replace_days_left), 30.0);
    // Without an expiry date the sooner limit is not known either.
    r = healthy();
    r.fiscal_storage_expiration.reset();
    m = compute_with(r, {10.0, 150.0, 7, 7});
    EXPECT_EQ(m.get(Metric::fn_full_days_left), 10.0);
    EXPECT_EQ(m.get(Metric::fn_replace_days_left), std::nullopt);
}

// A value set is the value got, whatever it is (0, NaN included); unset or set to nullopt is
// unknown; each metric on its own.
TEST(Metrics, KeepEachValueAndWhetherItIsKnown) {
    kkt::Metrics m;
    for (const kkt::MetricInfo& info : kkt::all_metrics()) {
        EXPECT_EQ(m.get(info.id), std::nullopt);
    }
    m.set(Metric::fn_usage, 0.0);
    m.set(Metric::documents_per_day, -2.5);
    m.set(Metric::network_error, std::numeric_limits<double>::quiet_NaN());
    EXPECT_EQ(m.get(Metric::fn_usage), 0.0);
    EXPECT_EQ(m.get(Metric::documents_per_day), -2.5);
    ASSERT_TRUE(m.get(Metric::network_error).has_value());
    EXPECT_TRUE(std::isnan(*m.get(Metric::network_error)));
    EXPECT_EQ(m.get(Metric::fn_days_left), std::nullopt);
    m.set(Metric::fn_usage, std::nullopt);
    EXPECT_EQ(m.get(Metric::fn_usage), std::nullopt);
    EXPECT_EQ(m.get(Metric::documents_per_day), -2.5);
}

}  // namespace
