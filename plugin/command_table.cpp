#include "plugin/command_table.hpp"

#include <array>

#include "plugin/cli.hpp"

namespace kkt::plugin {
namespace {

const std::array<Command, 9> commands{{
    {.name = "check",
     .arguments = "",
     .summary = "a Nagios/Icinga 2 check",
     .usage_options = "[--profile NAME] [-w METRIC=RANGE]... [-c METRIC=RANGE]...\n"
                      "[--serial SN]... [--group CODE] [--inn INN] [--exclude-serial SN]...\n"
                      "[-t SECONDS] [--timeout-state STATE] [--api-error-state STATE] [-v]...",
     .description =
         "Nagios/Icinga 2 check of the ATOL Online cloud cash registers (KKT) of an account.\n"
         "Fleet mode (default): the state is the worst of the selected registers; the first\n"
         "line counts registers per state and carries the performance data (counts, worst\n"
         "values, total unsent documents), then one line per problem register, worst first.\n"
         "Single-register mode (exactly one --serial): that register's reasons and all its\n"
         "metrics as performance data. A --serial the account does not have is CRITICAL;\n"
         "filters that match no register are UNKNOWN.\n"
         "Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for --help and --version).",
     .options = check_options,
     .run = run_check,
     .kind = CommandKind::nagios_plugin,
     .installed_as = "check_atol_kkt",
     .epilogue = check_help_epilogue},
    {.name = "list",
     .arguments = "",
     .summary = "table of the registers with their metrics and state (--json, --csv)",
     .usage_options = "[--json | --csv] [OPTIONS]",
     .description =
         "Shows every selected register with its metrics and state, worst first, and a line\n"
         "counting registers per state. ? marks an unknown value, - none (no unsent\n"
         "document, no network error). Colours only on a terminal (NO_COLOR=1 turns them off).",
     .options = list_options,
     .run = run_list,
     .kind = CommandKind::tool},
    {.name = "get",
     .arguments = "SERIAL",
     .summary = "one register, JSON",
     .usage_options = "[OPTIONS]",
     .description =
         "Prints one register (from the single-register endpoint) with its metrics and state\n"
         "as JSON.",
     .options = threshold_options,
     .run = run_get,
     .kind = CommandKind::tool},
    {.name = "zabbix discovery",
     .arguments = "",
     .summary = "low-level discovery JSON",
     .usage_options = "[OPTIONS]",
     .description = "Low-level discovery JSON: an array with one object per register, whose keys\n"
                    "are the LLD macros below.",
     .options = zabbix_agent_options,
     .run = run_zabbix_discovery,
     .kind = CommandKind::tool,
     .epilogue = zabbix_discovery_help_epilogue},
    {.name = "zabbix registers",
     .arguments = "",
     .summary = "all registers with metrics and state, for one master item",
     .usage_options = "[OPTIONS]",
     .description = "every selected register with its raw fields, metrics, state and reasons: the\n"
                    "template's master item (one API fetch per --cache-ttl serves all of them)",
     .options = zabbix_agent_options,
     .run = run_zabbix_registers,
     .kind = CommandKind::tool},
    {.name = "zabbix get",
     .arguments = "SERIAL KEY",
     .summary = "one value",
     .usage_options = "[OPTIONS]",
     .description =
         "one value of one register: KEY is a metric (fn_days_left, unsent_age_hours, …)\n"
         "or any other key of a registers element (state, network_error_text, …);\n"
         "served from the register list cache, so many items cost one fetch per TTL",
     .options = zabbix_agent_options,
     .run = run_zabbix_get,
     .kind = CommandKind::tool},
    {.name = "zabbix send",
     .arguments = "",
     .summary = "push values to a Zabbix server/proxy (sender protocol)",
     .usage_options = "--zabbix-server HOST[:PORT] --host NAME [OPTIONS]",
     .description = "pushes the registers and discovery JSON to a Zabbix server or proxy over the\n"
                    "sender protocol, as trapper items atol.kkt.registers and\n"
                    "atol.kkt.discovery of host NAME (the trapper template)",
     .options = zabbix_send_options,
     .run = run_zabbix_send,
     .kind = CommandKind::tool},
    {.name = "prometheus",
     .arguments = "",
     .summary = "the metrics in the Prometheus text format (--output FILE)",
     .usage_options = "[--output FILE] [OPTIONS]",
     .description =
         "Prints the selected registers' metrics in the Prometheus text exposition format\n"
         "0.0.4: atol_kkt_<metric>{serial,group,inn,rnm,address} gauges (times in seconds),\n"
         "atol_kkt_state (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN by the thresholds),\n"
         "atol_kkt_up, atol_kkt_registers and atol_kkt_scrape_duration_seconds. Unknown\n"
         "values are left out.\n"
         "\n"
         "Exit status: 0 when an exposition was written, also when the registers could not\n"
         "be read (then atol_kkt_up is 0 and the error goes to stderr and into a # comment);\n"
         "2 for usage and configuration errors (nothing written); 1 when the output could not\n"
         "be written.",
     .options = prometheus_options,
     .run = run_prometheus,
     .kind = CommandKind::tool},
    {.name = "exporter",
     .arguments = "",
     .summary = "a Prometheus exporter: an HTTP server with the metrics and a status page",
     .usage_options = "[--web.listen-address [HOST]:PORT] [--web.config.file FILE] [OPTIONS]",
     .description =
         "Serves the metrics of `atol-kkt prometheus` over HTTP for Prometheus to scrape, with\n"
         "its own: atol_kkt_up (1 when the last read of ATOL succeeded),\n"
         "atol_kkt_last_success_timestamp_seconds, atol_kkt_list_age_seconds,\n"
         "atol_kkt_refresh_duration_seconds, atol_kkt_api_requests_total{outcome} and\n"
         "atol_kkt_build_info. The register list is read again in the background once it is\n"
         "older than --cache-ttl (one upstream fetch per TTL however many scrapes); a scrape\n"
         "waits for a read under way no longer than its X-Prometheus-Scrape-Timeout-Seconds,\n"
         "and when ATOL fails the last good registers are served with atol_kkt_up 0.\n"
         "\n"
         "Endpoints: the telemetry path (/metrics), /probe?profile=NAME (profile NAME's\n"
         "metrics), / (the status page, also ?profile=NAME), /-/healthy and /-/ready.\n"
         "SIGHUP rereads the profiles and the web config; SIGTERM and SIGINT stop it after\n"
         "answering the requests under way (exit status 0). Errors before it listens: exit 2\n"
         "for usage and configuration, 1 for others.",
     .options = exporter_options,
     .run = run_exporter,
     .kind = CommandKind::tool},
}};

const std::array<CommandGroup, 1> groups{{
    {.name = "zabbix",
     .note = "Errors: one line on stderr, nothing on stdout, exit 1 (2 for usage and "
             "configuration).",
     .options = threshold_options},
}};

std::string_view group_name_of(const Command& command) {
    const auto space = command.name.find(' ');
    return space == std::string_view::npos ? std::string_view() : command.name.substr(0, space);
}

}  // namespace

std::span<const Command> all_commands() {
    return commands;
}

std::span<const CommandGroup> all_groups() {
    return groups;
}

const Command* find_command(std::string_view name) {
    for (const Command& command : commands)
        if (command.name == name) return &command;
    return nullptr;
}

const Command* command_installed_as(std::string_view program_name) {
    for (const Command& command : commands)
        if (!command.installed_as.empty() && command.installed_as == program_name) return &command;
    return nullptr;
}

const CommandGroup* find_group(std::string_view name) {
    for (const CommandGroup& group : groups)
        if (group.name == name) return &group;
    return nullptr;
}

std::vector<const Command*> members_of(const CommandGroup& group) {
    std::vector<const Command*> members;
    for (const Command& command : commands)
        if (group_name_of(command) == group.name) members.push_back(&command);
    return members;
}

std::string_view subcommand_name(const Command& command) {
    const auto group = group_name_of(command);
    return group.empty() ? command.name : command.name.substr(group.size() + 1);
}

}  // namespace kkt::plugin
