#pragma once
// Per-register state from metrics and thresholds (README.md, "Metrics and thresholds"), with a
// human reason per problem. Shared by every front end.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics.hpp"
#include "common/range.hpp"
#include "common/register.hpp"

namespace kkt {

enum class State { ok = 0, warning = 1, critical = 2, unknown = 3 };
std::string_view state_name(State s);  // "OK", "WARNING", "CRITICAL", "UNKNOWN"
// Severity order for "worst": OK < UNKNOWN < WARNING < CRITICAL (Nagios aggregation).
int severity(State s);
State worse(State a, State b);

struct MetricThresholds {
    std::optional<Range> warning;
    std::optional<Range> critical;
};

class Thresholds {
  public:
    // The spec's defaults.
    static Thresholds defaults();
    // Applies one "-w METRIC=RANGE" / "-c METRIC=RANGE" ("METRIC=" removes). Throws
    // ConfigError for an unknown metric (listing the valid ones) or a bad range.
    void set_warning(std::string_view assignment);
    void set_critical(std::string_view assignment);
    const MetricThresholds& of(Metric m) const { return by_metric_[static_cast<std::size_t>(m)]; }

  private:
    std::array<MetricThresholds, metric_count> by_metric_{};
};

struct Problem {
    State state;
    std::optional<Metric> metric;  // nullopt: a problem not tied to one metric
    std::string reason;            // "ФН expires in 2.4 days (2026-11-30)"
};

struct Evaluation {
    State state = State::ok;
    std::vector<Problem> problems;  // worst first
};

// Evaluates one register: critical is checked before warning for each metric; an unknown
// metric that has a threshold makes the register at least UNKNOWN (never worse by itself).
// `forecast` (the one `m` was computed with) explains an unknown forecast metric.
// fn_replace_days_left's problem is left out when it would only repeat fn_days_left's: the
// expiry is the nearer limit and fn_days_left already alerts at least as severely.
Evaluation evaluate(const Register& r, const Metrics& m, const Thresholds& t, TimePoint now,
                    const FnForecast& forecast = {});

}  // namespace kkt
