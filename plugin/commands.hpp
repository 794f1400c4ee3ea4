#pragma once
// The subcommands. Each takes the arguments after its name and returns the exit code.
#include <string>
#include <vector>

namespace kkt::plugin {

using Args = std::vector<std::string>;

int run_list(const Args& args);  // plugin/list_get_commands.cpp
int run_get(const Args& args);
int run_check(const Args& args);       // nagios front end: plugin/check_command.cpp
int run_zabbix(const Args& args);      // zabbix front end: plugin/zabbix_commands.cpp
int run_prometheus(const Args& args);  // prometheus front end: plugin/prometheus_command.cpp

}  // namespace kkt::plugin
