#pragma once
// Work that outlives the run that starts it: a run that must answer within a short budget
// hands slow work (a register list refresh, common/fleet.cpp) to a detached process and
// answers at once.
#include <functional>

namespace kkt {

// Runs `work` in a grandchild process in a session of its own, with stdin, stdout and stderr
// on /dev/null and every other inherited descriptor closed except `keep_fd` (-1: none). So the
// program that started this run (a Zabbix agent reading our stdout to its end) neither waits
// for the work nor gets a zombie: the intermediate child exits at once and is reaped here, and
// the grandchild, orphaned, is reaped by init. A kill of this run's process group spares it.
// Call it only while the process has a single thread. Returns false when the grandchild could
// not be started. In the grandchild it never returns: it exits once `work` returns or throws.
bool run_detached(int keep_fd, const std::function<void()>& work);

}  // namespace kkt
