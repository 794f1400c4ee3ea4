#pragma once
// From the command line to a command of the table (plugin/command_table.hpp).
#include "plugin/command_table.hpp"

namespace kkt::plugin {

// `atol-kkt ARGS...` (argv without the program name): the command the first words name, or
// the program's help, version or a usage error. Returns the exit code.
int dispatch(const Args& args);

// Runs `command` with the arguments after its name: its --help or --version, else its body;
// whatever it throws ends as its kind promises (plugin/failure.hpp).
int run_command(const Command& command, const Args& args);

}  // namespace kkt::plugin
