#pragma once
// Every help text, rendered from the command table (plugin/command_table.hpp), and the
// options with their defaults from the code that defines them.
#include <string>

#include "plugin/command_table.hpp"

namespace kkt::plugin {

// `atol-kkt --help`: the usage and one line per command.
std::string program_help();

// `atol-kkt zabbix` without a subcommand: each member's usage and description, the note.
std::string group_usage(const CommandGroup& group);

// `atol-kkt zabbix --help`: group_usage() and the options every member takes.
std::string group_help(const CommandGroup& group);

// `atol-kkt list --help`, `check_atol_kkt --help`: usage, description, options, epilogue.
std::string command_help(const Command& command);

}  // namespace kkt::plugin
