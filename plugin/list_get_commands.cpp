// `atol-kkt list` and `atol-kkt get SERIAL`: the admin's direct look at the account.
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <iostream>

#include "common/errors.hpp"
#include "common/status_json.hpp"
#include "common/table.hpp"
#include "plugin/cli.hpp"
#include "plugin/command_support.hpp"
#include "plugin/commands.hpp"

namespace kkt::plugin {
namespace {

void print_help(const char* usage, const po::options_description& extra) {
    po::options_description all;
    all.add(extra).add(common_options());
    std::cout << usage << "\n" << all << "\n";
}

std::string mode_note(const Config& config) {
    return config.test_mode() ? " [test mode]" : "";
}

// JSON has no place for them, so JSON outputs say "test mode" and "TLS not verified" on
// stderr (every output must, as the table's footer and the check do).
void note_test_mode(const Config& config) {
    if (config.test_mode())
        std::cerr << "atol-kkt: test mode (" << config.base_url << "); use --prod for production\n";
    if (config.insecure) std::cerr << "atol-kkt: [TLS not verified] (--insecure)\n";
}

// Colours only for a person at a terminal: not when piped, not with NO_COLOR set
// (no-color.org: present and not empty), not for TERM=dumb.
bool terminal_wants_colour() {
    if (!::isatty(STDOUT_FILENO)) return false;
    const char* no_colour = std::getenv("NO_COLOR");
    if (no_colour && *no_colour) return false;
    const char* term = std::getenv("TERM");
    return !(term && std::string_view(term) == "dumb");
}

}  // namespace

int run_list(const Args& args) {
    po::options_description extra("List options");
    extra.add_options()("json", "print JSON (an array of registers with metrics and state)")(
        "csv",
        "print CSV for spreadsheets (RFC 4180, UTF-8): the keys and values of --json, "
        "unknown values empty");
    extra.add(threshold_options());
    if (wants_help(args)) {
        print_help(
            "Usage: atol-kkt list [--json | --csv] [OPTIONS]\n\n"
            "Shows every selected register with its metrics and state, worst first, and a line\n"
            "counting registers per state. ? marks an unknown value, - none (no unsent\n"
            "document, no network error). Colours only on a terminal (NO_COLOR=1 turns them off).",
            extra);
        return 0;
    }
    return guarded([&] {
        Invocation inv = parse_invocation(args, extra, stderr_sink());
        if (!inv.positional.empty())
            throw ConfigError("list takes no arguments (got '" + inv.positional.front() + "')");
        if (inv.vm.count("json") && inv.vm.count("csv"))
            throw ConfigError("--json and --csv exclude each other");
        Fleet fleet = load_fleet(inv.context(), inv.thresholds);
        auto selected = worst_first(select(fleet, inv.config.selection));
        if (inv.vm.count("json")) {
            boost::json::array out;
            out.reserve(selected.size());
            for (const RegisterStatus* s : selected) out.push_back(boost::json::value_from(*s));
            std::cout << to_json_text(out) << "\n";
            note_test_mode(inv.config);
        } else if (inv.vm.count("csv")) {
            std::cout << render_csv(selected);
            note_test_mode(inv.config);
        } else {
            std::cout << render_table(selected, TableOptions{.colour = terminal_wants_colour()});
            std::cout << summary_line(selected, fleet.registers.size(),
                                      mode_note(inv.config) +
                                          (inv.config.insecure ? " [TLS not verified]" : ""))
                      << "\n";
        }
        return 0;
    });
}

int run_get(const Args& args) {
    po::options_description extra("Get options");
    extra.add(threshold_options());
    if (wants_help(args)) {
        print_help(
            "Usage: atol-kkt get SERIAL [OPTIONS]\n\nPrints one register (from the "
            "single-register endpoint) with its metrics and state as JSON.",
            extra);
        return 0;
    }
    return guarded([&] {
        Invocation inv = parse_invocation(args, extra, stderr_sink());
        if (inv.positional.size() != 1) throw ConfigError("get takes exactly one SERIAL argument");
        RegisterStatus status =
            load_register(inv.context(), inv.thresholds, inv.positional.front());
        std::cout << to_json_text(boost::json::value_from(status)) << "\n";
        note_test_mode(inv.config);
        return 0;
    });
}

}  // namespace kkt::plugin
