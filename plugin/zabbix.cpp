// Placeholder until the Zabbix front end lands (issue 4).
#include <iostream>

#include "plugin/commands.hpp"

namespace kkt::plugin {
int run_zabbix(const Args&) {
    std::cerr << "atol-kkt: zabbix commands not implemented yet\n";
    return 1;
}
}  // namespace kkt::plugin
