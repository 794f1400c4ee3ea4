// `atol-kkt zabbix discovery|registers|get|send`: the Zabbix front end. A Zabbix agent mixes
// stderr into the item value and ignores the exit code, so a JSON command prints either the
// whole document on stdout and nothing else, or one error line on stderr and nothing on
// stdout (and exits 1): the item then holds no JSON and the template's preprocessing fails it.
// The agent's commands answer within --answer-within, however slow the API is: a slow fetch
// goes on in the background and the item gets the last good list (common/fleet.hpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/errors.hpp"
#include "common/format.hpp"
#include "plugin/cli.hpp"
#include "plugin/commands.hpp"
#include "plugin/failure.hpp"
#include "plugin/stdout_writer.hpp"
#include "zabbix/item_value.hpp"
#include "zabbix/lld.hpp"
#include "zabbix/sender.hpp"
#include "zabbix/sender_target.hpp"
#include "zabbix/trapper_values.hpp"

namespace kkt::plugin {
namespace {

void no_positional(const Invocation& inv, const char* command) {
    if (!inv.positional.empty())
        throw ConfigError(std::string("zabbix ") + command + " takes no arguments (got '" +
                          inv.positional.front() + "')");
}

// The trapper and the host name: the options, else the agent configuration file.
std::pair<zabbix::TrapperAddress, std::string> send_target(const Invocation& inv) {
    std::optional<zabbix::TrapperAddress> address;
    std::optional<std::string> host;
    if (inv.vm.count("zabbix-server"))
        address = zabbix::parse_trapper_address(inv.vm["zabbix-server"].as<std::string>());
    if (inv.vm.count("host")) host = inv.vm["host"].as<std::string>();
    if ((!address || !host) && inv.vm.count("zabbix-config")) {
        const std::string path = inv.vm["zabbix-config"].as<std::string>();
        auto agent = zabbix::read_agent_config(path);
        if (!address) address = agent.server;
        if (!host) host = agent.hostname;
        if (!address) throw ConfigError(path + " has no ServerActive: give --zabbix-server");
        if (!host) throw ConfigError(path + " has no Hostname: give --host");
    }
    if (!address) throw ConfigError("zabbix send needs --zabbix-server HOST[:PORT]");
    if (!host || host->empty()) throw ConfigError("zabbix send needs --host NAME");
    return {*address, *host};
}

// --answer-within: within --timeout's limits (the run's deadline caps it).
std::chrono::milliseconds answer_within(const Invocation& inv) {
    const double seconds = inv.vm["answer-within"].as<double>();
    const auto budget = std::chrono::milliseconds(std::llround(seconds * 1000));
    if (!(seconds > 0) || seconds > max_timeout_seconds || budget.count() < 1)
        throw ConfigError("--answer-within must be more than 0 and at most " +
                          format_number(max_timeout_seconds) + " seconds (got " +
                          format_number(seconds) + ")");
    return budget;
}

// `shows_notes`: whether the command prints the registers' notes (common/fleet.hpp);
// `only_serial`: the one register the command needs, if it needs one.
Fleet load_agent_fleet(const Invocation& inv, bool shows_notes,
                       std::optional<std::string_view> only_serial = std::nullopt) {
    RunContext run = inv.context();
    run.shows_notes = shows_notes;
    if (only_serial) run.only_serial = *only_serial;
    return load_fleet_within(run, inv.thresholds, answer_within(inv));
}

// What the fetch of `zabbix send` leaves of --timeout (at most a quarter of it) for sending the
// API's error: a fetch that times out must not take the time to say so.
constexpr std::chrono::milliseconds error_send_reserve{2000};

std::int64_t epoch_seconds(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string totals_text(const zabbix::SenderTotals& totals) {
    return "processed " + std::to_string(totals.processed) + ", failed " +
           std::to_string(totals.failed) + ", total " + std::to_string(totals.total);
}

// Called while the fetch's error is being handled: the master item gets the line an agent
// item would hold, so the trapper template's "ATOL API: cannot read the registers" fires as the
// agent template's does. Best effort, said on stdout: the run fails with the API's error anyway.
void send_api_error(const Invocation& inv, const zabbix::TrapperAddress& address,
                    const std::string& host, const std::vector<zabbix::TrapperItem>& items) {
    if (std::find(items.begin(), items.end(), zabbix::TrapperItem::registers) == items.end())
        return;
    const std::string line =
        tool_failure_line(failure_of(CommandKind::tool, std::current_exception()));
    const std::vector<zabbix::SenderValue> values{
        zabbix::trapper_error_value(host, line, epoch_seconds(inv.clock->now()))};
    try {
        const zabbix::SenderTotals totals = zabbix::send_values(address, values, *inv.deadline);
        write_stdout("atol-kkt: sent the API error to " + address.text() + " for host \"" + host +
                     "\": " + totals_text(totals) + "\n");
    } catch (const Error& e) {
        write_stdout("atol-kkt: could not send the API error to " + address.text() + ": " +
                     e.what() + "\n");
    }
}

}  // namespace

std::string zabbix_discovery_help_epilogue() {
    std::string text = "LLD macros, each with the API field it carries:\n";
    for (const zabbix::LldMacro& macro : zabbix::lld_macros) {
        std::string name(macro.name);
        name.resize(std::max<std::size_t>(name.size(), 14), ' ');
        text += "  " + name + " " + std::string(field_info(macro.field).api_key()) + "\n";
    }
    return text;
}

po::options_description zabbix_agent_options() {
    const double seconds = std::chrono::duration<double>(zabbix::default_answer_within).count();
    po::options_description d("Agent item options");
    d.add_options()  //
        ("answer-within",
         po::value<double>()->default_value(seconds, format_number(seconds))->value_name("SECONDS"),
         "answer within this many seconds, under the Zabbix item timeout: when the register "
         "list is older than --cache-ttl and the API has not given a new one by then, answer "
         "from the last good list while the fetch goes on in the background (within "
         "--timeout); an error once a fetch after that list has failed");
    d.add(threshold_options());
    return d;
}

int run_zabbix_discovery(const Args& args, const po::options_description& options) {
    Invocation inv = parse_invocation(args, options, stderr_sink());
    no_positional(inv, "discovery");
    const Fleet fleet = load_agent_fleet(inv, false);  // discovery has no place for notes
    write_stdout(zabbix::to_output(zabbix::discovery_json(select(fleet, inv.config.selection))));
    return exit_ok;
}

int run_zabbix_registers(const Args& args, const po::options_description& options) {
    Invocation inv = parse_invocation(args, options, stderr_sink());
    no_positional(inv, "registers");
    const Fleet fleet = load_agent_fleet(inv, true);
    OutputSpool json;
    zabbix::write_registers_output(select(fleet, inv.config.selection),
                                   zabbix::list_age_seconds(fleet), json);
    write_stdout(json);
    return exit_ok;
}

int run_zabbix_get(const Args& args, const po::options_description& options) {
    Invocation inv = parse_invocation(args, options, stderr_sink());
    if (inv.positional.size() != 2)
        throw ConfigError(
            "zabbix get takes SERIAL and KEY (e.g. zabbix get 00106709186412 fn_days_left)");
    const std::string& key = inv.positional[1];
    zabbix::check_item_key(key);  // a mistake in the item: say so without asking the API
    // One register's value is printed: notes wait for a command that shows them.
    const Fleet fleet = load_agent_fleet(inv, false, inv.positional[0]);
    const RegisterStatus& status = zabbix::find_register(fleet, inv.positional[0]);
    write_stdout(zabbix::item_value(fleet, status, key) + "\n");
    return exit_ok;
}

po::options_description zabbix_send_options() {
    const std::string server_help = "Zabbix server or proxy trapper to send to (port " +
                                    std::to_string(zabbix::default_trapper_port) + " by default)";
    po::options_description d("Send options");
    d.add_options()  //
        ("zabbix-server", po::value<std::string>()->value_name("HOST[:PORT]"),
         server_help.c_str())  //
        ("host", po::value<std::string>()->value_name("NAME"),
         "the host name in Zabbix that has the trapper items")  //
        ("zabbix-config", po::value<std::string>()->value_name("FILE"),
         "take ServerActive and Hostname from this Zabbix agent configuration when "
         "--zabbix-server / --host are not given")  //
        ("items",
         po::value<std::string>()->default_value("registers,discovery")->value_name("LIST"),
         "which values to send: registers (the master item), discovery, or both");
    d.add(threshold_options());
    return d;
}

int run_zabbix_send(const Args& args, const po::options_description& options) {
    Invocation inv = parse_invocation(args, options, stderr_sink());
    no_positional(inv, "send");
    const auto [address, host] = send_target(inv);
    const auto items = zabbix::parse_trapper_items(inv.vm["items"].as<std::string>());

    const auto run_budget = inv.deadline->remaining();
    const Deadline fetch_deadline(run_budget - std::min(error_send_reserve, run_budget / 4));
    const RunContext fetch_run{inv.config, *inv.clock, fetch_deadline, inv.log};
    Fleet fleet;
    try {
        fleet = load_fleet(fetch_run, inv.thresholds);
    } catch (const ConfigError&) {
        throw;
    } catch (const Error&) {
        send_api_error(inv, address, host, items);
        throw;
    }
    const auto selected = select(fleet, inv.config.selection);
    const auto values = zabbix::trapper_values(items, selected, host, epoch_seconds(fleet.now),
                                               zabbix::list_age_seconds(fleet));
    const zabbix::SenderTotals totals = zabbix::send_values(address, values, *inv.deadline);

    write_stdout("atol-kkt: sent " + std::to_string(values.size()) + " values (" +
                 std::to_string(selected.size()) + " registers) to " + address.text() +
                 " for host \"" + host + "\": " + totals_text(totals) +
                 (inv.config.test_mode() ? " [test mode]" : "") + "\n");
    if (totals.failed == 0 && totals.processed == totals.total &&
        totals.total == static_cast<std::int64_t>(values.size()))
        return exit_ok;
    std::string keys;
    for (const auto& v : values) keys += (keys.empty() ? "" : ", ") + v.key;
    throw Error("the Zabbix server did not take every value: host \"" + host +
                "\" must exist with trapper items " + keys + " that allow this address");
}

}  // namespace kkt::plugin
