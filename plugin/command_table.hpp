#pragma once
// Every command of atol-kkt, once. The table drives the dispatch (plugin/dispatch.cpp) and
// every help text (plugin/help.cpp): `atol-kkt --help`, `atol-kkt zabbix --help` and each
// command's --help. The bash completion reads the commands and options from that help, and
// tests/integration/test_command_table.cpp fails when the man pages' command list differs.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/commands.hpp"
#include "plugin/failure.hpp"

namespace kkt::plugin {

struct Command {
    std::string_view name;       // the words that select it: "list", "zabbix get"
    std::string_view arguments;  // its plain arguments, "SERIAL KEY"; empty for none
    std::string_view summary;    // its line in `atol-kkt --help`
    // Its usage line after the name and arguments: "[--json | --csv] [OPTIONS]"; a '\n'
    // starts a line that help aligns under the first.
    std::string_view usage_options;
    std::string_view description;          // the text of its --help before the options
    po::options_description (*options)();  // its own; common_options() come with every command
    int (*run)(const Args& args, const po::options_description& options);
    CommandKind kind;
    std::string_view installed_as = {};   // the executable started under this name runs it
    std::string (*epilogue)() = nullptr;  // what its --help shows after the options
};

// Commands named "GROUP SUBCOMMAND" ("zabbix get") form a group.
struct CommandGroup {
    std::string_view name;                 // "zabbix"
    std::string_view note;                 // the last paragraph of `atol-kkt GROUP --help`
    po::options_description (*options)();  // what every member takes beyond common_options()
};

std::span<const Command> all_commands();
std::span<const CommandGroup> all_groups();

// nullptr when there is none.
const Command* find_command(std::string_view name);
const Command* command_installed_as(std::string_view program_name);
const CommandGroup* find_group(std::string_view name);

// The commands of `group`, in table order.
std::vector<const Command*> members_of(const CommandGroup& group);

// "get" for "zabbix get", "list" for "list".
std::string_view subcommand_name(const Command& command);

}  // namespace kkt::plugin
