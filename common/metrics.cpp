// Derived metrics (README.md, "Metrics and thresholds"). A metric whose source is unknown stays
// unknown: never 0, never a guess.
#include "common/metrics.hpp"

#include <algorithm>
#include <cmath>

namespace kkt {

namespace {

// One row per metric, in enum order. Adding a metric: docs/architecture.md, "Add a metric".
constexpr std::array<MetricInfo, metric_count> metric_table = {{
    {Metric::fn_days_left, "fn_days_left", Unit::days,
     "Days left before the fiscal storage (FN) expires; negative when expired",
     FieldSet{Field::fiscal_storage_expiration}, std::nullopt, std::nullopt, "30:", "7:"},
    {Metric::fn_usage, "fn_usage", Unit::percent, "Fiscal storage (FN) memory used, percent",
     FieldSet{Field::fiscal_storage_percentage_use}, 0.0, 100.0, "80", "90"},
    {Metric::unsent_docs, "unsent_docs", Unit::count, "Documents not yet confirmed by the OFD",
     FieldSet{Field::unsent_docs}, 0.0, std::nullopt, "", ""},
    {Metric::unsent_age_hours, "unsent_age_hours", Unit::hours,
     "Age of the oldest document not confirmed by the OFD, hours; 0 when none",
     FieldSet{Field::unsent_docs, Field::first_unsent_doc_timestamp}, 0.0, std::nullopt, "24",
     "72"},
    {Metric::ofd_block_days_left, "ofd_block_days_left", Unit::days,
     "Days left before the FN blocks for unsent documents (30-day OFD limit)",
     FieldSet{Field::unsent_docs, Field::first_unsent_doc_timestamp}, std::nullopt, ofd_block_days,
     "", ""},
    {Metric::data_age_hours, "data_age_hours", Unit::hours,
     "Hours since the register last reported its status", FieldSet{Field::timestamp}, 0.0,
     std::nullopt, "6", "24"},
    // The shift number only tells the tracking (fleet.cpp) when a new shift began; without it
    // the hours are still known.
    {Metric::shift_open_hours, "shift_open_hours", Unit::hours,
     "Hours the current shift has been open (at least); 0 when closed",
     FieldSet{Field::is_shift_opened}, 0.0, std::nullopt, "20", "23"},
    {Metric::network_error, "network_error", Unit::code, "OFD link error code; 0 means no error",
     FieldSet{Field::network_error_code}, 0.0, std::nullopt, "0", ""},
    {Metric::signed_documents, "signed_documents", Unit::count,
     "Documents signed by the current FN", FieldSet{Field::signed_documents}, 0.0, std::nullopt, "",
     ""},
    {Metric::shift_number, "shift_number", Unit::count, "Current (or last closed) shift number",
     FieldSet{Field::shift_number}, 0.0, std::nullopt, "", ""},
    {Metric::shift_receipts, "shift_receipts", Unit::count,
     "Documents in the current (or last closed) shift", FieldSet{Field::shift_receipt}, 0.0,
     std::nullopt, "", ""},
    // From the register's ФН history (forecast.hpp): unknown also while the history is short.
    {Metric::fn_full_days_left, "fn_full_days_left", Unit::days,
     "Days until the fiscal storage (FN) memory is full at the pace of its recent history; "
     "unknown until 3 days of history show it filling",
     FieldSet{Field::fiscal_storage_percentage_use}, 0.0, std::nullopt, "", ""},
    // The sooner of fn_days_left and fn_full_days_left: the one to alert on, with fn_days_left's
    // thresholds (docs/forecast.md).
    {Metric::fn_replace_days_left, "fn_replace_days_left", Unit::days,
     "Days left to replace the fiscal storage (FN): the sooner of its expiry and its memory "
     "being full",
     FieldSet{Field::fiscal_storage_expiration}, std::nullopt, std::nullopt, "30:", "7:"},
    {Metric::documents_per_day, "documents_per_day", Unit::count,
     "Documents the fiscal storage (FN) signs a day, over its recent history",
     FieldSet{Field::signed_documents}, 0.0, std::nullopt, "", ""},
}};

// The table is indexed by the enum: keep them in the same order.
constexpr bool table_matches_enum() {
    for (std::size_t i = 0; i < metric_table.size(); ++i) {
        if (static_cast<std::size_t>(metric_table[i].id) != i) return false;
    }
    return true;
}
static_assert(table_matches_enum(), "metric_table must list metrics in enum order");

std::optional<double> to_double(const std::optional<std::int64_t>& v) {
    if (!v) return std::nullopt;
    return static_cast<double>(*v);
}

// Hours from `since` to `now`, clamped at 0: a timestamp in the future is clock skew between
// ATOL and us, and a negative age would only hide a problem behind a nonsense value.
double age_hours(TimePoint since, TimePoint now) {
    return std::max(0.0, hours_between(since, now));
}

// Age of the oldest unsent document. A first-unsent timestamp wins even when the count says 0
// or is unknown: the 30-day block follows that document, and trusting the count there could
// give a wrong OK. Without a timestamp: 0 when nothing is unsent, else unknown.
std::optional<double> unsent_age_hours(const Register& r, TimePoint now) {
    if (r.first_unsent_doc_timestamp) return age_hours(*r.first_unsent_doc_timestamp, now);
    if (!r.unsent_docs) return std::nullopt;
    if (*r.unsent_docs <= 0) return 0.0;
    return std::nullopt;
}

// The shift is tracked from the first run that saw it open, so this is a lower bound; a shift
// seen open for the first time right now counts as just opened.
std::optional<double> shift_open_hours(const Register& r, TimePoint now,
                                       std::optional<TimePoint> first_seen_open) {
    if (!r.is_shift_opened) return std::nullopt;
    if (!*r.is_shift_opened) return 0.0;
    if (!first_seen_open) return 0.0;
    return age_hours(*first_seen_open, now);
}

}  // namespace

const std::array<MetricInfo, metric_count>& all_metrics() {
    return metric_table;
}

const MetricInfo& metric_info(Metric m) {
    return metric_table[static_cast<std::size_t>(m)];
}

std::optional<Metric> metric_from_name(std::string_view name) {
    for (const auto& info : metric_table) {
        if (info.name == name) return info.id;
    }
    return std::nullopt;
}

Metrics compute_metrics(const Register& r, TimePoint now,
                        std::optional<TimePoint> shift_first_seen_open,
                        const FnForecast& forecast) {
    Metrics m;
    if (r.fiscal_storage_expiration) {
        m.set(Metric::fn_days_left, days_between(now, *r.fiscal_storage_expiration));
    }
    m.set(Metric::fn_usage, r.fiscal_storage_percentage_use);
    m.set(Metric::unsent_docs, to_double(r.unsent_docs));
    const auto unsent_age = unsent_age_hours(r, now);
    m.set(Metric::unsent_age_hours, unsent_age);
    if (unsent_age) m.set(Metric::ofd_block_days_left, ofd_block_days - *unsent_age / 24.0);
    if (r.timestamp) m.set(Metric::data_age_hours, age_hours(*r.timestamp, now));
    m.set(Metric::shift_open_hours, shift_open_hours(r, now, shift_first_seen_open));
    m.set(Metric::network_error, to_double(r.network_error_code));
    m.set(Metric::signed_documents, to_double(r.signed_documents));
    m.set(Metric::shift_number, to_double(r.shift_number));
    m.set(Metric::shift_receipts, to_double(r.shift_receipt));
    // The forecast is of the history; today's value must be known for it to be today's.
    if (r.fiscal_storage_percentage_use)
        m.set(Metric::fn_full_days_left, forecast.fn_full_days_left);
    // A count (its unit): whole documents a day, the same in every output.
    if (r.signed_documents && forecast.documents_per_day)
        m.set(Metric::documents_per_day, std::round(*forecast.documents_per_day));
    // Without a memory forecast the expiry is the only limit known.
    if (const auto expires = m.get(Metric::fn_days_left)) {
        const auto full = m.get(Metric::fn_full_days_left);
        m.set(Metric::fn_replace_days_left, full ? std::min(*expires, *full) : *expires);
    }
    return m;
}

}  // namespace kkt
