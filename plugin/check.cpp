// Placeholder until the Nagios front end lands (issue 3).
#include <iostream>

#include "plugin/commands.hpp"

namespace atol::plugin {
int run_check(const Args&) {
    std::cout << "ATOL KKT UNKNOWN - check not implemented yet\n";
    return 3;
}
}  // namespace atol::plugin
