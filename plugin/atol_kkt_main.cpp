// atol-kkt: one executable, subcommands dispatched here; started as check_atol_kkt it is
// `atol-kkt check` (the Nagios plugin name).
#include <iostream>
#include <string>
#include <string_view>

#include "plugin/cli.hpp"
#include "plugin/commands.hpp"

namespace {

constexpr const char* usage_text =
    "Usage: atol-kkt COMMAND [OPTIONS]\n"
    "\n"
    "Watches the ATOL Online cloud cash registers (ККТ) of an account.\n"
    "\n"
    "Commands:\n"
    "  check                a Nagios/Icinga 2 check (also installed as check_atol_kkt)\n"
    "  zabbix discovery     low-level discovery JSON\n"
    "  zabbix registers     all registers with metrics and state, for one master item\n"
    "  zabbix get SERIAL METRIC   one value\n"
    "  zabbix send          push values to a Zabbix server/proxy (sender protocol)\n"
    "  prometheus           the metrics in the Prometheus text format (--output FILE)\n"
    "  list                 table of the registers with their metrics and state (--json, --csv)\n"
    "  get SERIAL           one register, JSON\n"
    "\n"
    "Run 'atol-kkt COMMAND --help' for the options of a command.\n";

std::string_view base_name(std::string_view path) {
    auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace kkt::plugin;
    Args args(argv + 1, argv + argc);
    const std::string_view program = argc > 0 ? base_name(argv[0]) : "atol-kkt";
    if (program == "check_atol_kkt") return run_check(args);

    if (args.empty()) {
        std::cerr << usage_text;
        return 2;
    }
    const std::string command = args.front();
    const Args rest(args.begin() + 1, args.end());
    if (command == "check") return run_check(rest);
    if (command == "zabbix") return run_zabbix(rest);
    if (command == "prometheus") return run_prometheus(rest);
    if (command == "list") return run_list(rest);
    if (command == "get") return run_get(rest);
    if (command == "-h" || command == "--help" || command == "help") {
        std::cout << usage_text;
        return 0;
    }
    if (command == "-V" || command == "--version") {
        std::cout << version_line() << "\n";
        return 0;
    }
    std::cerr << "atol-kkt: unknown command '" << command << "'\n\n" << usage_text;
    return 2;
}
