#pragma once
// The commands as `atol-kkt --help` lists them (from plugin/command_table.cpp): what the tests
// of the help, the man page and the bash completion compare with.
#include <string>
#include <vector>

namespace kkt::testing {

struct ListedCommand {
    std::vector<std::string> words;  // {"zabbix", "get"}
    std::string arguments;           // "SERIAL KEY"
    std::string installed_as;        // "check_atol_kkt" for "(also installed as check_atol_kkt)"

    std::string name() const;  // "zabbix get"
};

// The lines of the "Commands:" section of `atol-kkt --help`, in order.
std::vector<ListedCommand> listed_commands();

}  // namespace kkt::testing
