// atol-kkt: one executable for every command of plugin/command_table.cpp; started under a
// command's installed name (check_atol_kkt, the Nagios plugin name) it is that command.
#include <string_view>

#include "plugin/dispatch.hpp"

namespace {

std::string_view base_name(std::string_view path) {
    auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace kkt::plugin;
    if (argc < 1) return dispatch({});
    const Args args(argv + 1, argv + argc);
    if (const Command* command = command_installed_as(base_name(argv[0])))
        return run_command(*command, args);
    return dispatch(args);
}
