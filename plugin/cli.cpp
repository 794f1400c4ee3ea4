#include "plugin/cli.hpp"

#include <algorithm>
#include <iostream>
#include <optional>

#include "common/errors.hpp"
#include "common/version.hpp"

namespace kkt::plugin {

namespace {

bool has_flag(const std::vector<std::string>& args, std::string_view short_flag,
              std::string_view long_flag) {
    for (const std::string& a : args) {
        if (a == "--") return false;
        if (a == long_flag || a == short_flag) return true;
    }
    return false;
}

// "fn_days_left=30:\nfn_usage=80...": the assignments Thresholds::defaults() makes at one level,
// as -w/-c would write them, one a line so that --help never wraps one in the middle.
std::string default_assignments(std::optional<Range> MetricThresholds::*level) {
    const Thresholds defaults = Thresholds::defaults();
    std::string text;
    for (const MetricInfo& info : all_metrics()) {
        const std::optional<Range>& range = defaults.of(info.id).*level;
        if (range) text += "\n" + std::string(info.name) + "=" + range->text;
    }
    return text;
}

Thresholds thresholds_from(const po::variables_map& vm) {
    Thresholds t = Thresholds::defaults();
    if (vm.count("warning"))
        for (const auto& w : vm["warning"].as<std::vector<std::string>>()) t.set_warning(w);
    if (vm.count("critical"))
        for (const auto& c : vm["critical"].as<std::vector<std::string>>()) t.set_critical(c);
    return t;
}

}  // namespace

po::options_description threshold_options() {
    const std::string warning_help =
        "METRIC=RANGE warning threshold, repeatable; METRIC= removes the default. Defaults:" +
        default_assignments(&MetricThresholds::warning);
    const std::string critical_help =
        "METRIC=RANGE critical threshold, repeatable; METRIC= removes the default. Defaults:" +
        default_assignments(&MetricThresholds::critical);
    po::options_description d("Thresholds (Nagios range syntax: 10, 10:, ~:10, 10:20, @10:20)");
    d.add_options()("warning,w", po::value<std::vector<std::string>>()->composing(),
                    warning_help.c_str())(
        "critical,c", po::value<std::vector<std::string>>()->composing(), critical_help.c_str());
    return d;
}

Log::Sink stderr_sink() {
    return [](const std::string& line) { std::cerr << "atol-kkt: " << line << "\n"; };
}

bool wants_help(const std::vector<std::string>& args) {
    return has_flag(args, "-h", "--help");
}
bool wants_version(const std::vector<std::string>& args) {
    return has_flag(args, "-V", "--version");
}

std::string version_line() {
    return "atol-kkt " + std::string(kkt::version);
}

Invocation parse_invocation(const std::vector<std::string>& args,
                            const po::options_description& extra, Log::Sink log_sink) {
    po::options_description all;
    all.add(common_options()).add(extra);
    EnvLookup env = process_environment();
    ParsedOptions parsed = parse_options(args, all, env);
    Invocation inv;
    inv.vm = std::move(parsed.vm);
    inv.positional = std::move(parsed.positional);
    inv.config = make_config(inv.vm, env);
    inv.thresholds = thresholds_from(inv.vm);
    inv.clock = make_clock(env);
    inv.deadline = std::make_unique<Deadline>(inv.config.timeout);
    inv.log = Log(inv.config.verbosity, std::move(log_sink));
    return inv;
}

}  // namespace kkt::plugin
