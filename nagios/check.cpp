#include "nagios/check.hpp"

#include <array>

#include "common/format.hpp"
#include "common/reasons.hpp"
#include "common/table.hpp"

namespace kkt::nagios {
namespace {

constexpr std::size_t max_address_bytes = 80;

// "CRITICAL " / "WARNING  ": the state column of the long output, aligned.
std::string state_column(State s) {
    std::string name(state_name(s));
    name.resize(std::max<std::size_t>(name.size(), 8), ' ');
    return name + " ";
}

// Joined with ", ", not "; ": Nagios turns every ';' of the status line into ':'.
std::string joined_reasons(const Evaluation& e) {
    std::string text;
    for (const Problem& p : e.problems) {
        if (p.state == State::ok) continue;
        if (!text.empty()) text += ", ";
        text += p.reason;
    }
    return text;
}

// The register's reasons, then its notes ("ФН replaced (… → …) on …").
std::string register_text(const RegisterStatus& s) {
    std::string text = joined_reasons(s.evaluation);
    for (const std::string& note : s.notes) text += (text.empty() ? "" : ", ") + note;
    return text;
}

std::string problem_line(const RegisterStatus& s) {
    return state_column(s.evaluation.state) + register_name(s.reg) + ": " + register_text(s);
}

std::string not_found_line(const std::string& serial) {
    return state_column(State::critical) + one_line(serial, 64) + ": " +
           std::string(not_found_reason);
}

// "--group shop1, --inn 7701234567, --exclude-serial 001": the filters, for messages.
std::string describe_filters(const Selection& s) {
    std::vector<std::string> parts;
    for (const auto& serial : s.serials) parts.push_back("--serial " + serial);
    if (s.group) parts.push_back("--group " + *s.group);
    if (s.inn) parts.push_back("--inn " + *s.inn);
    for (const auto& serial : s.exclude_serials) parts.push_back("--exclude-serial " + serial);
    std::string text;
    for (const auto& part : parts) text += (text.empty() ? "" : ", ") + part;
    return text;
}

std::string no_match_reason(const Fleet& fleet, const Selection& selection) {
    if (selection.empty()) return "the account has no registers";
    return "no register matches the filters (" + describe_filters(selection) + ") among the " +
           std::to_string(fleet.account_size()) + " registers of the account";
}

// A line for -v about where the data came from.
std::string source_line(const Fleet& fleet, std::size_t selected) {
    std::string line = "selected " + std::to_string(selected) + " of " +
                       std::to_string(fleet.account_size()) + " registers; values at " +
                       format_iso8601(fleet.now);
    if (fleet.fetched_at)
        line += ", register list fetched " + format_iso8601(*fleet.fetched_at) +
                (fleet.from_cache ? " (from cache)" : "");
    line += ", " + std::to_string(fleet.upstream_requests) + " API request(s)";
    return line;
}

// "2 critical, 1 warning, 117 ok of 120 registers": problem counts worst first, then ok.
std::string counts_summary(const std::vector<const RegisterStatus*>& registers) {
    std::array<std::size_t, 4> by_state{};
    for (const RegisterStatus* s : registers)
        ++by_state[static_cast<std::size_t>(s->evaluation.state)];
    std::string text;
    for (State s : {State::critical, State::warning, State::unknown}) {
        const std::size_t n = by_state[static_cast<std::size_t>(s)];
        if (n == 0) continue;
        std::string name(state_name(s));
        for (char& c : name) c = static_cast<char>(c - 'A' + 'a');
        text += std::to_string(n) + " " + name + ", ";
    }
    return text + std::to_string(by_state[0]) + " ok of " + std::to_string(registers.size()) +
           (registers.size() == 1 ? " register" : " registers");
}

PluginOutput fleet_check(const Fleet& fleet, const Thresholds& thresholds,
                         const CheckSettings& settings) {
    std::vector<std::string> missing;
    const auto selected = worst_first(select(fleet, settings.selection, &missing));
    const std::optional<std::size_t> not_found =
        settings.selection.serials.empty() ? std::nullopt : std::optional(missing.size());

    PluginOutput out;
    out.perfdata = fleet_perfdata(selected, thresholds, not_found);
    if (settings.verbosity >= 1) out.verbose.push_back(source_line(fleet, selected.size()));
    if (selected.empty() && missing.empty()) {
        out.state = State::unknown;
        out.summary = no_match_reason(fleet, settings.selection) + mode_notes(settings);
        return out;
    }

    out.state = State::ok;
    for (const RegisterStatus* s : selected) out.state = worse(out.state, s->evaluation.state);
    out.summary = counts_summary(selected);
    if (!missing.empty()) {
        out.state = State::critical;
        out.summary += ", " + std::to_string(missing.size()) + " not found in the account";
        for (const auto& serial : missing) out.details.push_back(not_found_line(serial));
    }
    out.summary += mode_notes(settings);
    for (const RegisterStatus* s : selected)
        if (s->evaluation.state != State::ok || !s->notes.empty())
            out.details.push_back(problem_line(*s));
    return out;
}

// For -v in single-register mode: every metric with what it means.
std::vector<std::string> metric_lines(const RegisterStatus& s, TimePoint now) {
    std::vector<std::string> lines;
    for (const MetricInfo& info : all_metrics()) {
        const auto v = s.metrics.get(info.id);
        std::string line = std::string(info.name) + " = ";
        if (v) {
            line += format_number(round3(*v)) + std::string(info.symbol()) + " (" +
                    metric_reason(s.reg, s.metrics, info.id, *v, now) + ")";
        } else {
            line += "unknown";
            if (auto why = no_forecast_reason(s.reg, s.forecast, info.id))
                line += " (" + *why + ")";
        }
        lines.push_back(std::move(line));
    }
    return lines;
}

std::string ok_summary(const RegisterStatus& s, TimePoint now) {
    std::string text = register_name(s.reg) + ": all metrics within thresholds";
    if (const auto days = s.metrics.get(Metric::fn_days_left))
        text += ", " + metric_reason(s.reg, s.metrics, Metric::fn_days_left, *days, now);
    return text;
}

PluginOutput single_check(const Fleet& fleet, const Thresholds& thresholds,
                          const CheckSettings& settings) {
    const std::string& serial = settings.selection.serials.front();
    std::vector<std::string> missing;
    const auto selected = select(fleet, settings.selection, &missing);

    PluginOutput out;
    if (settings.verbosity >= 1) out.verbose.push_back(source_line(fleet, selected.size()));
    if (!missing.empty()) {
        out.state = State::critical;
        out.summary = one_line(serial, 64) + ": " + std::string(not_found_reason);
    } else if (selected.empty()) {
        out.state = State::unknown;
        out.summary = no_match_reason(fleet, settings.selection);
    } else {
        const RegisterStatus& s = *selected.front();
        out.state = s.evaluation.state;
        out.summary = s.evaluation.state == State::ok
                          ? ok_summary(s, fleet.now)
                          : register_name(s.reg) + ": " + joined_reasons(s.evaluation);
        out.perfdata = register_perfdata(&s.metrics, thresholds);
        for (const std::string& note : s.notes) out.details.push_back(note);
        if (settings.verbosity >= 1)
            for (auto& line : metric_lines(s, fleet.now)) out.verbose.push_back(std::move(line));
    }
    if (out.perfdata.empty()) out.perfdata = register_perfdata(nullptr, thresholds);
    out.summary += mode_notes(settings);
    return out;
}

}  // namespace

std::string register_name(const Register& r) {
    std::string name = one_line(r.display_serial(), 64);
    if (r.fiscal_storage_payment_address && !r.fiscal_storage_payment_address->empty())
        name += " (" + one_line(*r.fiscal_storage_payment_address, max_address_bytes) + ")";
    return name;
}

std::string mode_notes(const CheckSettings& settings) {
    std::string notes;
    if (settings.test_mode) notes += " [test mode]";
    if (settings.tls_unverified) notes += " [TLS not verified]";
    return notes;
}

PluginOutput evaluate_check(const Fleet& fleet, const Thresholds& thresholds,
                            const CheckSettings& settings) {
    if (settings.selection.serials.size() == 1) return single_check(fleet, thresholds, settings);
    return fleet_check(fleet, thresholds, settings);
}

}  // namespace kkt::nagios
