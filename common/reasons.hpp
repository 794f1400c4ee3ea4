#pragma once
// The human reason for one metric value ("ФН expires in 2.4 days (2026-11-30)"): English,
// numbers in the C locale with one decimal, dates where they help. evaluate() uses it for
// every threshold that alerts; front ends may use it to explain any value.
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/forecast.hpp"
#include "common/metrics.hpp"
#include "common/register.hpp"

namespace kkt {

// `value` is metric `m` of register `r`; `all` holds its other metrics (for context such as
// the days left before the ФН blocks). Dates come from the register's fields, or, when a
// field is unknown, from `now` and the value.
std::string metric_reason(const Register& r, const Metrics& all, Metric m, double value,
                          TimePoint now);

// Why forecast metric `m` (fn_full_days_left, documents_per_day) of `r` is unknown although
// the field it is computed from is known: "the history of this ФН spans 1.5 days; a forecast
// needs 3", "ФН memory use has not grown over 12.0 days". nullopt for another metric, or
// when the field is unknown (its own reason says so).
std::optional<std::string> no_forecast_reason(const Register& r, const FnForecast& forecast,
                                              Metric m);

// "2026-11-27 04:00 UTC" (the minute, rounded down).
std::string format_minute_utc(TimePoint t);

}  // namespace kkt
