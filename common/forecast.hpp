#pragma once
// The ФН forecast (docs/forecast.md): from a register's own history of its current ФН, when the
// ФН memory will be full (a least-squares line through fn_usage over the last weeks) and how
// many documents it signs a day. Pure functions of the samples and "now": no cache, no clock.
#include <cstdint>
#include <optional>
#include <span>

#include "common/clock.hpp"

namespace kkt {

// One observation of a register's ФН: when, how full, how many documents it has signed.
struct FnSample {
    TimePoint at;
    std::optional<double> fn_usage;  // percent
    std::optional<std::int64_t> signed_documents;
};

// The fit looks back this far from the newest sample: four whole weeks, so busy and quiet
// weekdays weigh evenly, and a change of pace shows within a month.
inline constexpr double forecast_window_days = 28;
// Less history than this gives no forecast: a day or two says little about a month.
inline constexpr double min_forecast_history_days = 3;
// fn_usage must have risen by at least this much over the history to count as growing (the
// API gives hundredths at best); below it the memory is "not filling" and has no forecast.
inline constexpr double min_usage_rise = 0.01;
// A fall of fn_usage by more than this, or any fall of signed_documents, means another ФН:
// the counters of one ФН only grow. Smaller dips are taken as the API's rounding.
inline constexpr double usage_dip_tolerance = 1.0;

// True when `next` cannot be the same ФН as the one that gave `previous_usage` and
// `previous_documents` (its latest known values): one of them went down.
bool counters_restarted(std::optional<double> previous_usage,
                        std::optional<std::int64_t> previous_documents, const FnSample& next);

struct FnForecast {
    std::optional<double> fn_full_days_left;  // unknown: too little history, or not filling
    std::optional<double> documents_per_day;  // unknown: too little history
    // Days between the first and the last sample each fit used (0 with fewer than two).
    double usage_history_days = 0;
    double documents_history_days = 0;
};

// The forecast at `now` from `samples`, oldest first (the stored history, then the current
// observation). Only the current ФН counts: the samples after the last restart of its
// counters; a sample not later than the one before it (a clock gone backwards) is skipped;
// of the rest, those within forecast_window_days of the newest.
// fn_full_days_left = (100 − newest fn_usage) / fitted rate − the time since that sample, at
// least 0; documents_per_day = the fitted rate of signed_documents.
FnForecast forecast_fn(std::span<const FnSample> samples, TimePoint now);

}  // namespace kkt
