#pragma once
// The commands' bodies and own options, put together in plugin/command_table.cpp. A body gets
// the arguments after the command's name and its own options (parse_invocation() adds
// common_options()), returns the exit code and throws what plugin/failure.hpp maps; --help and
// --version are answered before it runs.
#include <string>
#include <vector>

#include "common/config.hpp"

namespace kkt::plugin {

using Args = std::vector<std::string>;

// plugin/check_command.cpp: the Nagios/Icinga 2 plugin.
po::options_description check_options();
std::string check_help_epilogue();  // the metrics, for -w/-c and the performance data
int run_check(const Args& args, const po::options_description& options);

// plugin/list_get_commands.cpp: the admin's direct look at the account.
po::options_description list_options();
int run_list(const Args& args, const po::options_description& options);
int run_get(const Args& args, const po::options_description& options);

// plugin/zabbix_commands.cpp: the Zabbix front end.
std::string zabbix_discovery_help_epilogue();    // the LLD macros and their API fields
po::options_description zabbix_agent_options();  // discovery, registers, get
int run_zabbix_discovery(const Args& args, const po::options_description& options);
int run_zabbix_registers(const Args& args, const po::options_description& options);
int run_zabbix_get(const Args& args, const po::options_description& options);
po::options_description zabbix_send_options();
int run_zabbix_send(const Args& args, const po::options_description& options);

// plugin/prometheus_command.cpp: the Prometheus front end.
po::options_description prometheus_options();
int run_prometheus(const Args& args, const po::options_description& options);

// plugin/exporter_command.cpp: the Prometheus exporter daemon.
po::options_description exporter_options();
int run_exporter(const Args& args, const po::options_description& options);

}  // namespace kkt::plugin
