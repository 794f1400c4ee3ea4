// `atol-kkt prometheus`: the registers' metrics in the Prometheus text format, on stdout or
// atomically into a file for node_exporter's textfile collector. Once the options are valid
// the output is always a valid exposition: a failed read gives atol_kkt_up 0 (and the error on
// stderr) rather than no file or a stale one, so Prometheus alerts on it.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <iostream>
#include <optional>

#include "common/errors.hpp"
#include "plugin/cli.hpp"
#include "plugin/command_support.hpp"
#include "plugin/commands.hpp"
#include "prometheus/exposition.hpp"
#include "prometheus/textfile.hpp"

namespace kkt::plugin {
namespace {

constexpr const char* usage_text =
    "Usage: atol-kkt prometheus [--output FILE] [OPTIONS]\n"
    "\n"
    "Prints the selected registers' metrics in the Prometheus text exposition format 0.0.4:\n"
    "atol_kkt_<metric>{serial,group,inn,rnm,address} gauges (times in seconds), atol_kkt_state\n"
    "(0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN by the thresholds), atol_kkt_up,\n"
    "atol_kkt_registers and atol_kkt_scrape_duration_seconds. Unknown values are left out.\n"
    "\n"
    "Exit status: 0 when an exposition was written, also when the registers could not be read\n"
    "(then atol_kkt_up is 0 and the error goes to stderr and into a # comment); 2 for usage\n"
    "and configuration errors (nothing written); 1 when the output could not be written.\n";

using SteadyClock = std::chrono::steady_clock;

double seconds_since(SteadyClock::time_point start) {
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

std::optional<Invocation> parse(const Args& args, const po::options_description& extra) {
    try {
        Invocation inv = parse_invocation(args, extra, [](const std::string& line) {
            std::cerr << "atol-kkt: " << line << "\n";
        });
        if (!inv.positional.empty())
            throw ConfigError("prometheus takes no arguments (got '" + inv.positional.front() +
                              "')");
        if (inv.vm.count("output") && inv.vm["output"].as<std::string>().empty())
            throw ConfigError("--output needs a file name");
        return inv;
    } catch (const std::exception& e) {
        std::cerr << "atol-kkt: " << e.what() << "\n";
        return std::nullopt;
    }
}

}  // namespace

int run_prometheus(const Args& args) {
    const auto started = SteadyClock::now();
    po::options_description extra("Prometheus options");
    extra.add_options()("output", po::value<std::string>()->value_name("FILE"),
                        "write the exposition to FILE atomically (temporary file + rename, "
                        "mode 0644) for node_exporter's textfile collector, instead of stdout")(
        "account-label", po::value<std::string>()->value_name("NAME"),
        "add account=\"NAME\" to every sample, so that the files of several accounts "
        "(profiles) can share the textfile directory");
    extra.add(threshold_options());
    if (wants_help(args)) {
        po::options_description all;
        all.add(extra).add(common_options());
        std::cout << usage_text << "\n" << all << "\n";
        return 0;
    }
    std::optional<Invocation> inv = parse(args, extra);
    if (!inv) return 2;

    prometheus::ScrapeInfo info{.duration_seconds = 0,
                                .test_mode = inv->config.test_mode(),
                                .tls_verified = !inv->config.insecure,
                                .account = inv->vm.count("account-label")
                                               ? inv->vm["account-label"].as<std::string>()
                                               : std::string()};
    std::string text;
    int status = 0;
    try {
        const Fleet fleet = load_fleet(inv->context(), inv->thresholds);
        std::vector<std::string> missing;
        const auto selected = select(fleet, inv->config.selection, &missing);
        info.duration_seconds = seconds_since(started);
        text = prometheus::render_exposition(selected, missing, info);
    } catch (const std::exception& e) {
        // A local problem found while loading (e.g. a cache dir owned by someone else) is
        // still a configuration error: reported as one, after writing the failed scrape.
        if (dynamic_cast<const ConfigError*>(&e)) status = 2;
        std::cerr << "atol-kkt: " << e.what() << "\n";
        info.duration_seconds = seconds_since(started);
        text = prometheus::render_failure(e.what(), info);
    }
    try {
        if (inv->vm.count("output"))
            prometheus::write_file_atomically(inv->vm["output"].as<std::string>(), text);
        else
            print_all(text);
    } catch (const std::exception& e) {
        std::cerr << "atol-kkt: " << e.what() << "\n";
        return 1;
    }
    return status;
}

}  // namespace kkt::plugin
