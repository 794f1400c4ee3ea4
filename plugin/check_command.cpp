// `atol-kkt check` / `check_atol_kkt`: the Nagios/Icinga 2 plugin. Whatever happens it prints
// one result on stdout only, within --timeout (+0.3 s), and exits 0-3 (nagios/README.md,
// "Output"); the evaluation itself lives in nagios/.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <optional>

#include "common/errors.hpp"
#include "common/format.hpp"
#include "common/http.hpp"
#include "nagios/check.hpp"
#include "nagios/watchdog.hpp"
#include "plugin/cli.hpp"
#include "plugin/commands.hpp"
#include "plugin/failure.hpp"
#include "plugin/nagios_run.hpp"

namespace kkt::plugin {
namespace {

using namespace std::chrono_literals;
using nagios::PluginOutput;

// How long after --timeout the watchdog ends a run the core did not end itself.
constexpr auto watchdog_grace = 300ms;
constexpr std::size_t max_log_lines = 400;

// -v lines, kept for the long output (the check's only channel is stdout). Thread-safe: the
// watchdog reads them while the run may still add some.
class CollectedLog {
  public:
    Log::Sink sink() {
        return [this](const std::string& line) { add(line); };
    }
    void add(const std::string& line) {
        std::lock_guard lock(mutex_);
        if (lines_.size() < max_log_lines) lines_.push_back(line);
    }
    std::vector<std::string> lines() const {
        std::lock_guard lock(mutex_);
        return lines_;
    }

  private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};

State state_option(const po::variables_map& vm, const char* key, State fallback,
                   std::initializer_list<State> allowed, const char* choices) {
    auto it = vm.find(key);
    if (it == vm.end() || it->second.empty()) return fallback;
    const auto& text = it->second.as<std::string>();
    const auto state = nagios::parse_state_name(text);
    if (!state || std::find(allowed.begin(), allowed.end(), *state) == allowed.end())
        throw ConfigError(std::string("--") + key + " must be " + choices + " (got '" + text +
                          "')");
    return *state;
}

nagios::ErrorStates error_states(const po::variables_map& vm) {
    nagios::ErrorStates states;
    states.timeout = state_option(vm, "timeout-state", states.timeout,
                                  {State::ok, State::warning, State::critical, State::unknown},
                                  "OK, WARNING, CRITICAL or UNKNOWN");
    states.api_error = state_option(vm, "api-error-state", states.api_error,
                                    {State::warning, State::critical, State::unknown},
                                    "UNKNOWN, WARNING or CRITICAL");
    return states;
}

std::string seconds(std::chrono::milliseconds ms) {
    return format_number(static_cast<double>(ms.count()) / 1000.0) + " s";
}

std::string range_text(const std::optional<Range>& r) {
    return r ? r->text : "-";
}

// -vv: what the run is configured to do (never the password).
void log_config(const Invocation& inv, const nagios::ErrorStates& states) {
    const Config& c = inv.config;
    const Log& log = inv.log;
    log(2, std::string("config: ") + (c.test_mode() ? "test" : "production") + " mode, API " +
               display_url(c.base_url) + ", login " + c.login + ", password " +
               (c.password.empty() ? "not set" : "set (hidden)"));
    log(2, "config: timeout " + seconds(c.timeout) + ", cache " + c.cache_dir + " (TTL " +
               std::to_string(c.cache_ttl.count()) + " s), page size " +
               std::to_string(c.page_size) + ", max pages " + std::to_string(c.max_pages));
    log(2, std::string("config: TLS verification ") + (c.insecure ? "OFF (--insecure)" : "on") +
               (c.ca_file.empty() ? "" : ", CA file " + c.ca_file) +
               (c.proxy.empty() ? "" : ", proxy " + display_url(c.proxy)));
    std::string thresholds = "thresholds (warning/critical):";
    for (const MetricInfo& info : all_metrics()) {
        const MetricThresholds& t = inv.thresholds.of(info.id);
        if (!t.warning && !t.critical) continue;
        thresholds += " " + std::string(info.name) + "=" + range_text(t.warning) + "/" +
                      range_text(t.critical);
    }
    log(2, thresholds);
    log(2, std::string("states: timeout ") + std::string(state_name(states.timeout)) +
               ", API error " + std::string(state_name(states.api_error)));
}

nagios::CheckSettings settings_of(const Config& config) {
    nagios::CheckSettings settings;
    settings.selection = config.selection;
    settings.test_mode = config.test_mode();
    settings.tls_unverified = config.insecure;
    settings.verbosity = config.verbosity;
    return settings;
}

PluginOutput with_log(PluginOutput out, const CollectedLog& log) {
    std::vector<std::string> lines = log.lines();
    lines.insert(lines.end(), out.verbose.begin(), out.verbose.end());
    out.verbose = std::move(lines);
    return out;
}

// -t/--timeout as the command line gives it (else ATOL_KKT_TIMEOUT, else 10 s): the budget
// while the configuration, which may change it, is still being read.
std::chrono::milliseconds provisional_timeout(const Args& args) {
    std::optional<std::string> text;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") break;
        if ((a == "-t" || a == "--timeout") && i + 1 < args.size()) {
            text = args[i + 1];
        } else if (a.rfind("--timeout=", 0) == 0) {
            text = a.substr(10);
        } else if (a.size() > 2 && a.rfind("-t", 0) == 0 && a[2] != '-') {
            text = a.substr(2);
        }
    }
    if (!text)
        if (const char* env = std::getenv("ATOL_KKT_TIMEOUT")) text = env;
    double seconds = 0;
    if (text) {
        const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), seconds);
        if (ec != std::errc() || end != text->data() + text->size()) seconds = 0;
    }
    if (!(seconds > 0) || seconds > max_timeout_seconds) return Config{}.timeout;
    return std::chrono::milliseconds(std::llround(seconds * 1000));
}

}  // namespace

po::options_description check_options() {
    const nagios::ErrorStates defaults;
    const std::string timeout_state_help =
        "state when --timeout runs out: OK, WARNING, CRITICAL or UNKNOWN (default " +
        std::string(state_name(defaults.timeout)) + ")";
    const std::string api_error_state_help =
        "state when the API cannot be read (API, authentication, network or protocol error): "
        "UNKNOWN, WARNING or CRITICAL (default " +
        std::string(state_name(defaults.api_error)) + ")";
    po::options_description d("Check options");
    d.add_options()  //
        ("timeout-state", po::value<std::string>()->value_name("STATE"),
         timeout_state_help.c_str())  //
        ("api-error-state", po::value<std::string>()->value_name("STATE"),
         api_error_state_help.c_str());
    d.add(threshold_options());
    return d;
}

std::string check_help_epilogue() {
    std::string text = "Metrics (for -w/-c and the performance data):\n";
    for (const MetricInfo& info : all_metrics()) {
        std::string name(info.name);
        name.resize(std::max<std::size_t>(name.size(), 20), ' ');
        text += "  " + name + " " + std::string(info.description) + "\n";
    }
    return text;
}

int run_check(const Args& args, const po::options_description& options) {
    const auto started = nagios::Watchdog::Clock::now();
    CollectedLog log;
    nagios::ErrorStates states;
    std::chrono::milliseconds timeout = Config{}.timeout;
    std::optional<nagios::CheckSettings> settings;
    // Until the configuration is read, a watchdog on the timeout the command line suggests.
    const auto provisional = provisional_timeout(args);
    std::optional<nagios::Watchdog> watchdog;
    watchdog.emplace(
        started + provisional + watchdog_grace, result_gate(),
        [provisional] {
            return "ATOL KKT UNKNOWN - " + nagios::timeout_reason(provisional) + "\n";
        },
        nagios::exit_code(State::unknown));
    PluginOutput out;
    try {
        Invocation inv = parse_invocation(args, options, log.sink());
        timeout = inv.config.timeout;
        states = error_states(inv.vm);
        settings = settings_of(inv.config);
        watchdog.reset();
        watchdog.emplace(
            started + timeout + watchdog_grace, result_gate(),
            [&log, &states, &settings, timeout] {
                PluginOutput late;
                late.state = states.timeout;
                late.summary = nagios::timeout_reason(timeout) + nagios::mode_notes(*settings);
                return nagios::render(with_log(std::move(late), log));
            },
            nagios::exit_code(states.timeout));
        if (!inv.positional.empty())
            throw ConfigError("unexpected argument '" + inv.positional.front() +
                              "' (the check takes only options; see --help)");
        log_config(inv, states);
        const Fleet fleet = load_fleet(inv.context(), inv.thresholds);
        out = nagios::evaluate_check(fleet, inv.thresholds, *settings);
    } catch (...) {
        const CheckFailureContext context{
            .states = states, .timeout = timeout, .settings = settings ? &*settings : nullptr};
        out = failure_of(CommandKind::nagios_plugin, std::current_exception(), context).result;
    }
    State state = out.state;
    std::string text;
    try {
        text = nagios::render(with_log(std::move(out), log));
    } catch (...) {
        text = "ATOL KKT UNKNOWN - internal error while printing the result\n";
        state = State::unknown;
    }
    const int code = emit_result(text, nagios::exit_code(state));
    watchdog.reset();
    return code;
}

}  // namespace kkt::plugin
