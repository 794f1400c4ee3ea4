// `atol-kkt list` and `atol-kkt get SERIAL`: the admin's direct look at the account.
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <iostream>

#include "common/errors.hpp"
#include "common/status_json.hpp"
#include "common/table.hpp"
#include "plugin/cli.hpp"
#include "plugin/commands.hpp"
#include "plugin/failure.hpp"
#include "plugin/stdout_writer.hpp"

namespace kkt::plugin {
namespace {

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

po::options_description list_options() {
    po::options_description d("List options");
    d.add_options()("json", "print JSON (an array of registers with metrics and state)")(
        "csv",
        "print CSV for spreadsheets (RFC 4180, UTF-8): the keys and values of --json, "
        "unknown values empty");
    d.add(threshold_options());
    return d;
}

int run_list(const Args& args, const po::options_description& options) {
    Invocation inv = parse_invocation(args, options, stderr_sink());
    if (!inv.positional.empty())
        throw ConfigError("list takes no arguments (got '" + inv.positional.front() + "')");
    if (inv.vm.count("json") && inv.vm.count("csv"))
        throw ConfigError("--json and --csv exclude each other");
    Fleet fleet = load_fleet(inv.context(), inv.thresholds);
    std::vector<std::string> missing;
    auto selected = worst_first(select(fleet, inv.config.selection, &missing));
    if (inv.vm.count("json")) {
        OutputSpool json;
        write_status_array(selected, json);
        write_stdout(json);
        note_test_mode(inv.config);
    } else if (inv.vm.count("csv")) {
        write_stdout(render_csv(selected));
        note_test_mode(inv.config);
    } else {
        const std::string notes =
            mode_note(inv.config) + (inv.config.insecure ? " [TLS not verified]" : "");
        write_stdout(render_table(selected, TableOptions{.colour = terminal_wants_colour()}) +
                     summary_line(selected, fleet.account_size(), notes) + "\n");
    }
    // As `get` does for its one serial: the registers found are listed, a --serial the
    // account lacks is an error, so a script never takes a typo for an empty answer.
    for (const std::string& serial : missing)
        std::cerr << "atol-kkt: register " << serial << " not found in the account\n";
    return missing.empty() ? exit_ok : exit_failure;
}

int run_get(const Args& args, const po::options_description& options) {
    Invocation inv = parse_invocation(args, options, stderr_sink());
    if (inv.positional.size() != 1) throw ConfigError("get takes exactly one SERIAL argument");
    RegisterStatus status = load_register(inv.context(), inv.thresholds, inv.positional.front());
    write_stdout(to_json_text(boost::json::value_from(status)) + "\n");
    note_test_mode(inv.config);
    return exit_ok;
}

}  // namespace kkt::plugin
