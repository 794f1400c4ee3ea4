// Performance data of the check: the fleet's counts and worst values, or one register's
// metrics. Labels are fixed so graphs keep their series whatever the thresholds.
#include <algorithm>
#include <array>

#include "nagios/check.hpp"

namespace kkt::nagios {
namespace {

PerfDatum metric_datum(std::string label, Metric m, std::optional<double> value,
                       const Thresholds& thresholds) {
    const MetricThresholds& t = thresholds.of(m);
    const MetricInfo& info = metric_info(m);
    return PerfDatum{std::move(label),
                     value,
                     std::string(info.symbol()),
                     t.warning ? t.warning->text : std::string(),
                     t.critical ? t.critical->text : std::string(),
                     info.min,
                     info.max};
}

PerfDatum count_datum(std::string label, std::size_t count) {
    return PerfDatum{std::move(label), static_cast<double>(count), "", "", "", 0.0, std::nullopt};
}

enum class Worst { lowest, highest };

struct Aggregate {
    Metric metric;
    std::string_view label;
    Worst worst;
};

// The worst value of each metric that has a default threshold (and of unsent_docs, whose
// total follows): the lowest days left, the highest of the rest.
constexpr std::array<Aggregate, 8> aggregates = {{
    {Metric::fn_days_left, "fn_days_left_min", Worst::lowest},
    {Metric::fn_usage, "fn_usage_max", Worst::highest},
    {Metric::unsent_docs, "unsent_docs_max", Worst::highest},
    {Metric::unsent_age_hours, "unsent_age_hours_max", Worst::highest},
    {Metric::ofd_block_days_left, "ofd_block_days_left_min", Worst::lowest},
    {Metric::data_age_hours, "data_age_hours_max", Worst::highest},
    {Metric::shift_open_hours, "shift_open_hours_max", Worst::highest},
    {Metric::fn_replace_days_left, "fn_replace_days_left_min", Worst::lowest},
}};

std::optional<double> worst_value(const std::vector<const RegisterStatus*>& registers, Metric m,
                                  Worst worst) {
    std::optional<double> result;
    for (const RegisterStatus* s : registers) {
        const auto v = s->metrics.get(m);
        if (!v) continue;
        if (!result || (worst == Worst::lowest ? *v < *result : *v > *result)) result = v;
    }
    return result;
}

}  // namespace

std::vector<PerfDatum> fleet_perfdata(const std::vector<const RegisterStatus*>& registers,
                                      const Thresholds& thresholds,
                                      std::optional<std::size_t> not_found) {
    std::array<std::size_t, 4> by_state{};
    for (const RegisterStatus* s : registers)
        ++by_state[static_cast<std::size_t>(s->evaluation.state)];

    std::vector<PerfDatum> data;
    data.push_back(count_datum("registers", registers.size()));
    data.push_back(count_datum("ok", by_state[static_cast<std::size_t>(State::ok)]));
    data.push_back(count_datum("warning", by_state[static_cast<std::size_t>(State::warning)]));
    data.push_back(count_datum("critical", by_state[static_cast<std::size_t>(State::critical)]));
    data.push_back(count_datum("unknown", by_state[static_cast<std::size_t>(State::unknown)]));
    if (not_found) data.push_back(count_datum("not_found", *not_found));

    for (const Aggregate& a : aggregates) {
        data.push_back(metric_datum(std::string(a.label), a.metric,
                                    worst_value(registers, a.metric, a.worst), thresholds));
        if (a.metric != Metric::unsent_docs) continue;
        // The fleet's backlog; unknown counts are left out of the sum, not taken as 0.
        std::optional<double> total;
        for (const RegisterStatus* s : registers)
            if (auto v = s->metrics.get(Metric::unsent_docs)) total = total.value_or(0) + *v;
        data.push_back(PerfDatum{"unsent_docs_total", total, "", "", "", 0.0, std::nullopt});
    }

    std::size_t network_errors = 0;
    for (const RegisterStatus* s : registers)
        if (auto code = s->metrics.get(Metric::network_error); code && *code != 0) ++network_errors;
    data.push_back(count_datum("network_error_registers", network_errors));
    return data;
}

std::vector<PerfDatum> register_perfdata(const Metrics* metrics, const Thresholds& thresholds) {
    std::vector<PerfDatum> data;
    data.reserve(metric_count);
    for (const MetricInfo& info : all_metrics()) {
        const std::optional<double> value = metrics ? metrics->get(info.id) : std::nullopt;
        data.push_back(metric_datum(std::string(info.name), info.id, value, thresholds));
    }
    return data;
}

}  // namespace kkt::nagios
