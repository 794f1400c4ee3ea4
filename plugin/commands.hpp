#pragma once
// The subcommands. Each takes the arguments after its name and returns the exit code.
#include <string>
#include <vector>

namespace atol::plugin {

using Args = std::vector<std::string>;

int run_list(const Args& args);
int run_get(const Args& args);

}  // namespace atol::plugin
