// `atol-kkt zabbix discovery|registers|get|send`: the Zabbix front end. A Zabbix agent mixes
// stderr into the item value and ignores the exit code, so a JSON command prints either the
// whole document on stdout and nothing else, or one error line on stderr and nothing on
// stdout (and exits 1): the item then holds no JSON and the template's preprocessing fails it.
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <iostream>

#include "common/errors.hpp"
#include "plugin/cli.hpp"
#include "plugin/command_support.hpp"
#include "plugin/commands.hpp"
#include "zabbix/item_value.hpp"
#include "zabbix/lld.hpp"
#include "zabbix/sender.hpp"
#include "zabbix/sender_target.hpp"
#include "zabbix/trapper_values.hpp"

namespace kkt::plugin {
namespace {

constexpr const char* usage_text =
    "Usage: atol-kkt zabbix discovery [OPTIONS]\n"
    "       atol-kkt zabbix registers [OPTIONS]\n"
    "       atol-kkt zabbix get SERIAL KEY [OPTIONS]\n"
    "       atol-kkt zabbix send --zabbix-server HOST[:PORT] --host NAME [OPTIONS]\n"
    "\n"
    "discovery  low-level discovery JSON: [{\"{#SERIAL}\":…,\"{#RNM}\":…,\"{#DEVICE}\":…,\n"
    "           \"{#GROUP}\":…,\"{#INN}\":…,\"{#ADDRESS}\":…,\"{#FN_SERIAL}\":…}]\n"
    "registers  every selected register with its raw fields, metrics, state and reasons: the\n"
    "           template's master item (one API fetch per --cache-ttl serves all of them)\n"
    "get        one value of one register: KEY is a metric (fn_days_left, unsent_age_hours, …)\n"
    "           or any other key of a registers element (state, network_error_text, …);\n"
    "           served from the register list cache, so many items cost one fetch per TTL\n"
    "send       pushes the registers and discovery JSON to a Zabbix server or proxy over the\n"
    "           sender protocol, as trapper items atol.kkt.registers and\n"
    "           atol.kkt.discovery of host NAME (the trapper template)\n"
    "\n"
    "Errors: one line on stderr, nothing on stdout, exit 1 (2 for usage and configuration).\n";

void no_positional(const Invocation& inv, const char* command) {
    if (!inv.positional.empty())
        throw ConfigError(std::string("zabbix ") + command + " takes no arguments (got '" +
                          inv.positional.front() + "')");
}

po::options_description send_options() {
    po::options_description d("Send options");
    d.add_options()  //
        ("zabbix-server", po::value<std::string>()->value_name("HOST[:PORT]"),
         "Zabbix server or proxy trapper to send to (port 10051 by default)")  //
        ("host", po::value<std::string>()->value_name("NAME"),
         "the host name in Zabbix that has the trapper items")  //
        ("zabbix-config", po::value<std::string>()->value_name("FILE"),
         "take ServerActive and Hostname from this Zabbix agent configuration when "
         "--zabbix-server / --host are not given")  //
        ("items",
         po::value<std::string>()->default_value("registers,discovery")->value_name("LIST"),
         "which values to send: registers (the master item), discovery, or both");
    return d;
}

int discovery(const Args& args) {
    return guarded([&] {
        Invocation inv = parse_invocation(args, threshold_options(), stderr_sink());
        no_positional(inv, "discovery");
        const Fleet fleet = load_fleet(inv.context(), inv.thresholds);
        print_all(zabbix::to_output(zabbix::discovery_json(select(fleet, inv.config.selection))));
        return 0;
    });
}

int registers(const Args& args) {
    return guarded([&] {
        Invocation inv = parse_invocation(args, threshold_options(), stderr_sink());
        no_positional(inv, "registers");
        const Fleet fleet = load_fleet(inv.context(), inv.thresholds);
        print_all(zabbix::registers_output(select(fleet, inv.config.selection)));
        return 0;
    });
}

int get(const Args& args) {
    return guarded([&] {
        Invocation inv = parse_invocation(args, threshold_options(), stderr_sink());
        if (inv.positional.size() != 2)
            throw ConfigError(
                "zabbix get takes SERIAL and KEY (e.g. zabbix get 00106709186412 "
                "fn_days_left)");
        const std::string& key = inv.positional[1];
        zabbix::check_item_key(key);  // a mistake in the item: say so without asking the API
        const Fleet fleet = load_fleet(inv.context(), inv.thresholds);
        const RegisterStatus& status = zabbix::find_register(fleet, inv.positional[0]);
        print_all(zabbix::item_value(status, key) + "\n");
        return 0;
    });
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

int send(const Args& args) {
    po::options_description extra;
    extra.add(send_options()).add(threshold_options());
    return guarded([&] {
        Invocation inv = parse_invocation(args, extra, stderr_sink());
        no_positional(inv, "send");
        const auto [address, host] = send_target(inv);
        const auto items = zabbix::parse_trapper_items(inv.vm["items"].as<std::string>());

        const Fleet fleet = load_fleet(inv.context(), inv.thresholds);
        const auto selected = select(fleet, inv.config.selection);
        const auto clock =
            std::chrono::duration_cast<std::chrono::seconds>(fleet.now.time_since_epoch()).count();
        const auto values = zabbix::trapper_values(items, selected, host, clock);
        const zabbix::SenderTotals totals = zabbix::send_values(address, values, *inv.deadline);

        std::cout << "atol-kkt: sent " << values.size() << " values (" << selected.size()
                  << " registers) to " << address.text() << " for host \"" << host
                  << "\": processed " << totals.processed << ", failed " << totals.failed
                  << ", total " << totals.total << (inv.config.test_mode() ? " [test mode]" : "")
                  << "\n";
        if (totals.failed == 0 && totals.processed == totals.total &&
            totals.total == static_cast<std::int64_t>(values.size()))
            return 0;
        std::string keys;
        for (const auto& v : values) keys += (keys.empty() ? "" : ", ") + v.key;
        std::cerr << "atol-kkt: the Zabbix server did not take every value: host \"" << host
                  << "\" must exist with trapper items " << keys << " that allow this address\n";
        return 1;
    });
}

}  // namespace

int run_zabbix(const Args& args) {
    const std::string command = args.empty() ? "" : args.front();
    const Args rest(args.begin() + (args.empty() ? 0 : 1), args.end());
    if (command.empty()) {
        std::cerr << usage_text;
        return 2;
    }
    if (command == "-h" || command == "--help" || command == "help" || wants_help(rest)) {
        std::cout << usage_text << "\n";
        po::options_description all;
        if (command == "send") all.add(send_options());
        all.add(threshold_options()).add(common_options());
        std::cout << all << "\n";
        return 0;
    }
    if (command == "-V" || command == "--version" || wants_version(rest)) {
        std::cout << version_line() << "\n";
        return 0;
    }
    if (command == "discovery") return discovery(rest);
    if (command == "registers") return registers(rest);
    if (command == "get") return get(rest);
    if (command == "send") return send(rest);
    std::cerr << "atol-kkt: unknown zabbix command '" << command
              << "' (discovery, registers, get, send; see atol-kkt zabbix --help)\n";
    return 2;
}

}  // namespace kkt::plugin
