#include "common/state.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "common/forecast.hpp"
#include "common/reasons.hpp"
#include "common/text.hpp"

namespace kkt {

std::string_view state_name(State s) {
    switch (s) {
        case State::ok:
            return "OK";
        case State::warning:
            return "WARNING";
        case State::critical:
            return "CRITICAL";
        case State::unknown:
            return "UNKNOWN";
    }
    return "UNKNOWN";
}

int severity(State s) {
    switch (s) {
        case State::ok:
            return 0;
        case State::unknown:
            return 1;
        case State::warning:
            return 2;
        case State::critical:
            return 3;
    }
    return 1;
}

State worse(State a, State b) {
    return severity(b) > severity(a) ? b : a;
}

Thresholds Thresholds::defaults() {
    Thresholds t;
    for (const MetricInfo& info : all_metrics()) {
        auto& slot = t.by_metric_[static_cast<std::size_t>(info.id)];
        if (!info.default_warning.empty()) slot.warning = parse_range(info.default_warning);
        if (!info.default_critical.empty()) slot.critical = parse_range(info.default_critical);
    }
    return t;
}

namespace {

std::string valid_metric_names() {
    std::string names;
    for (const auto& info : all_metrics()) {
        if (!names.empty()) names += ", ";
        names += info.name;
    }
    return names;
}

// Parses "METRIC=RANGE" of option `option` ("-w"/"-c"); an empty RANGE means "no threshold".
std::pair<Metric, std::optional<Range>> parse_assignment(std::string_view option,
                                                         std::string_view assignment) {
    const std::string quoted = option.empty()
                                   ? "\"" + std::string(assignment) + "\""
                                   : std::string(option) + " \"" + std::string(assignment) + "\"";
    const auto eq = assignment.find('=');
    if (eq == std::string_view::npos) {
        throw ConfigError(quoted +
                          ": expected METRIC=RANGE (e.g. fn_usage=80), or METRIC= to remove "
                          "a default; valid metrics: " +
                          valid_metric_names());
    }
    const std::string_view name = trim(assignment.substr(0, eq));
    const std::optional<Metric> metric = metric_from_name(name);
    if (!metric) {
        throw ConfigError(quoted + ": unknown metric \"" + std::string(name) +
                          "\"; valid metrics: " + valid_metric_names());
    }
    const std::string_view range_text = trim(assignment.substr(eq + 1));
    if (range_text.empty()) return {*metric, std::nullopt};
    try {
        return {*metric, parse_range(range_text)};
    } catch (const ConfigError& e) {
        throw ConfigError(quoted + ": " + e.what());
    }
}

// Names the API keys behind an unknown metric: those the register marked unknown (as it
// spelled them), or, if it marked none of them, every field the metric is computed from.
std::string unknown_reason(const Register& r, Metric m, const FnForecast& forecast) {
    const FieldSet sources = metric_info(m).sources;
    if (auto why = no_forecast_reason(r, forecast, m))
        return std::string(metric_info(m).name) + " unknown: " + *why;
    std::vector<std::string_view> named = unknown_api_keys(r, sources);
    if (named.empty()) named = api_keys_of(sources);
    std::string keys;
    for (const auto key : named) {
        if (!keys.empty()) keys += ", ";
        keys += key;
    }
    return std::string(metric_info(m).name) + " unknown: " + keys + " missing or invalid";
}

// fn_replace_days_left's problem when fn_days_left's says it already (see evaluate()).
bool repeats_expiry_problem(const std::vector<Problem>& problems, const Metrics& m) {
    const auto of = [&problems](Metric metric) {
        return std::find_if(problems.begin(), problems.end(),
                            [metric](const Problem& p) { return p.metric == metric; });
    };
    const auto replace = of(Metric::fn_replace_days_left);
    const auto expiry = of(Metric::fn_days_left);
    if (replace == problems.end() || expiry == problems.end()) return false;
    if (severity(expiry->state) < severity(replace->state)) return false;
    const auto full = m.get(Metric::fn_full_days_left);
    const auto expires = m.get(Metric::fn_days_left);
    return !full || !expires || *expires <= *full;
}

}  // namespace

void Thresholds::set_warning(std::string_view assignment) {
    auto [metric, range] = parse_assignment("-w", assignment);
    by_metric_[static_cast<std::size_t>(metric)].warning = std::move(range);
}

void Thresholds::set_critical(std::string_view assignment) {
    auto [metric, range] = parse_assignment("-c", assignment);
    by_metric_[static_cast<std::size_t>(metric)].critical = std::move(range);
}

Evaluation evaluate(const Register& r, const Metrics& m, const Thresholds& t, TimePoint now,
                    const FnForecast& forecast) {
    Evaluation result;
    for (const auto& info : all_metrics()) {
        const MetricThresholds& limits = t.of(info.id);
        if (!limits.warning && !limits.critical) continue;
        const std::optional<double> value = m.get(info.id);
        if (!value) {
            result.problems.push_back(
                {State::unknown, info.id, unknown_reason(r, info.id, forecast)});
            continue;
        }
        State state = State::ok;
        if (limits.critical && limits.critical->alerts(*value)) {
            state = State::critical;
        } else if (limits.warning && limits.warning->alerts(*value)) {
            state = State::warning;
        }
        if (state == State::ok) continue;
        result.problems.push_back({state, info.id, metric_reason(r, m, info.id, *value, now)});
    }
    if (repeats_expiry_problem(result.problems, m))
        std::erase_if(result.problems,
                      [](const Problem& p) { return p.metric == Metric::fn_replace_days_left; });
    std::stable_sort(
        result.problems.begin(), result.problems.end(),
        [](const Problem& a, const Problem& b) { return severity(a.state) > severity(b.state); });
    for (const auto& p : result.problems) result.state = worse(result.state, p.state);
    return result;
}

}  // namespace kkt
