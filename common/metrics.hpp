#pragma once
// Derived metrics (README.md, "Metrics and thresholds"), one set of names for every output.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/clock.hpp"
#include "common/forecast.hpp"
#include "common/register.hpp"

namespace kkt {

enum class Metric {
    fn_days_left,
    fn_usage,
    unsent_docs,
    unsent_age_hours,
    ofd_block_days_left,
    data_age_hours,
    shift_open_hours,
    network_error,
    signed_documents,
    shift_number,
    shift_receipts,
    fn_full_days_left,
    fn_replace_days_left,
    documents_per_day,
};
inline constexpr std::size_t metric_count = 14;

// What a metric's number counts; outputs derive their unit texts and conversions from it.
enum class Unit { days, hours, percent, count, code };

struct MetricInfo {
    Metric id;
    std::string_view name;  // "fn_days_left"
    Unit unit;
    std::string_view description;  // for --help, Zabbix item names, Prometheus HELP
    // The fields it is computed from: it is unknown when one of these is unknown (and, for
    // fn_full_days_left and documents_per_day, when the history gives no forecast yet).
    FieldSet sources;
    // Where a value can lie (nullopt: unbounded on that side).
    std::optional<double> min;
    std::optional<double> max;
    // Default thresholds in Nagios range syntax (common/range.hpp); empty: none.
    std::string_view default_warning;
    std::string_view default_critical;

    // Counts and codes are whole numbers.
    bool integer() const { return unit == Unit::count || unit == Unit::code; }
    // The unit symbol after a value in performance data and tables: "%" or nothing.
    std::string_view symbol() const { return unit == Unit::percent ? "%" : ""; }
};
const std::array<MetricInfo, metric_count>& all_metrics();
const MetricInfo& metric_info(Metric m);
std::optional<Metric> metric_from_name(std::string_view name);

// The values of one register at one moment; nullopt = unknown.
// A value and a bit saying it is known, rather than an array of optionals: half the size, for a
// fleet of 100,000 registers holds one per register.
struct Metrics {
    std::optional<double> get(Metric m) const {
        if ((known_ & bit(m)) == 0) return std::nullopt;
        return values_[static_cast<std::size_t>(m)];
    }
    void set(Metric m, std::optional<double> v) {
        values_[static_cast<std::size_t>(m)] = v.value_or(0);
        known_ = v ? known_ | bit(m) : known_ & ~bit(m);
    }

  private:
    static constexpr std::uint16_t bit(Metric m) {
        return static_cast<std::uint16_t>(1U << static_cast<unsigned>(m));
    }
    std::array<double, metric_count> values_{};
    std::uint16_t known_ = 0;  // bit m: metric m is known
};
static_assert(metric_count <= 16, "Metrics holds one bit per metric");

// How long the register's current shift has been open, as far as we know. The caller looks
// this up in the shift state cache (see cache.hpp): `first_seen_open` is when a run first saw
// the current shift number open, nullopt when the shift is closed or never seen before.
// `forecast` comes from the register's ФН history (forecast.hpp, fn_history.hpp); without one
// fn_full_days_left and documents_per_day are unknown and fn_replace_days_left is
// fn_days_left.
Metrics compute_metrics(const Register& r, TimePoint now,
                        std::optional<TimePoint> shift_first_seen_open,
                        const FnForecast& forecast = {});

// Days of the 30-day OFD limit (54-FZ art. 4.1).
inline constexpr double ofd_block_days = 30.0;

}  // namespace kkt
