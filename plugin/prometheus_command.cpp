// `atol-kkt prometheus`: the registers' metrics in the Prometheus text format, on stdout or
// atomically into a file for node_exporter's textfile collector. Once the options are valid
// the output is always a valid exposition: a failed read gives atol_kkt_up 0 (and the error on
// stderr) rather than no file or a stale one, so Prometheus alerts on it.
#include <chrono>
#include <optional>
#include <string>

#include "common/errors.hpp"
#include "plugin/cli.hpp"
#include "plugin/commands.hpp"
#include "plugin/failure.hpp"
#include "plugin/stdout_writer.hpp"
#include "prometheus/exposition.hpp"
#include "prometheus/textfile.hpp"

namespace kkt::plugin {
namespace {

using SteadyClock = std::chrono::steady_clock;

double seconds_since(SteadyClock::time_point start) {
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

Invocation parse(const Args& args, const po::options_description& options) {
    Invocation inv = parse_invocation(args, options, stderr_sink());
    if (!inv.positional.empty())
        throw ConfigError("prometheus takes no arguments (got '" + inv.positional.front() + "')");
    if (inv.vm.count("output") && inv.vm["output"].as<std::string>().empty())
        throw ConfigError("--output needs a file name");
    return inv;
}

}  // namespace

po::options_description prometheus_options() {
    po::options_description d("Prometheus options");
    d.add_options()("output", po::value<std::string>()->value_name("FILE"),
                    "write the exposition to FILE atomically (temporary file + rename, "
                    "mode 0644) for node_exporter's textfile collector, instead of stdout")(
        "account-label", po::value<std::string>()->value_name("NAME"),
        "add account=\"NAME\" to every sample, so that the files of several accounts "
        "(profiles) can share the textfile directory");
    d.add(threshold_options());
    return d;
}

int run_prometheus(const Args& args, const po::options_description& options) {
    const auto started = SteadyClock::now();
    const Invocation inv = parse(args, options);
    prometheus::ScrapeInfo info{.duration_seconds = 0,
                                .test_mode = inv.config.test_mode(),
                                .tls_verified = !inv.config.insecure,
                                .account = inv.vm.count("account-label")
                                               ? inv.vm["account-label"].as<std::string>()
                                               : std::string()};
    OutputSpool exposition;
    std::optional<std::string> failed;  // the exposition of a failed scrape, instead
    int status = exit_ok;
    try {
        RunContext run = inv.context();
        run.shows_notes = false;  // the exposition has no text to say them in
        const Fleet fleet = load_fleet(run, inv.thresholds);
        std::vector<std::string> missing;
        const auto selected = select(fleet, inv.config.selection, &missing);
        info.duration_seconds = seconds_since(started);
        prometheus::write_exposition(selected, missing, info, exposition);
    } catch (...) {
        // The exposition says the read failed (atol_kkt_up 0), so the run still succeeds; only
        // a local problem found while loading (e.g. a cache dir owned by someone else) is the
        // user's to fix, reported with its exit code after writing the failed scrape.
        const Failure failure = failure_of(CommandKind::tool, std::current_exception());
        report(CommandKind::tool, failure);
        if (failure.exit_code == exit_usage) status = exit_usage;
        info.duration_seconds = seconds_since(started);
        failed = prometheus::render_failure(failure.reason, info);
    }
    if (inv.vm.count("output")) {
        const std::string path = inv.vm["output"].as<std::string>();
        if (failed)
            prometheus::write_file_atomically(path, *failed);
        else
            prometheus::write_file_atomically(path, exposition);
    } else if (failed) {
        write_stdout(*failed);
    } else {
        write_stdout(exposition);
    }
    return status;
}

}  // namespace kkt::plugin
