#pragma once
// Many programs at once: each started like run_program() (argv without a shell, exactly the
// given environment, stdout and stderr captured), up to `parallel` of them running together,
// some SIGKILLed at a chosen moment: for race tests on a shared cache.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "integration/support/process.hpp"

namespace kkt::testing {

struct Launch {
    std::string program;
    std::vector<std::string> args;
    Env env;  // PATH is added as in run_program()
    // SIGKILL this long after the start, if it is still running then.
    std::optional<std::chrono::milliseconds> kill_after;
};

struct LaunchResult {
    RunResult run;              // exit_code -1 when a signal ended it
    int term_signal = 0;        // the signal that ended it, 0 when it exited
    bool killed_by_us = false;  // our SIGKILL ended it (it had not exited before)
};

// Runs every launch, at most `parallel` at a time, in order; a run still going after `limit`
// is killed and marked timed_out. `on_start(index, pid)` is called right after each start.
std::vector<LaunchResult> run_concurrently(
    const std::vector<Launch>& launches, std::size_t parallel, std::chrono::milliseconds limit,
    const std::function<void(std::size_t, int)>& on_start = {});

// The NUL-separated argv of a live process, from /proc/PID/cmdline ("" once it is gone);
// waits (up to 1 s) for a process just started to have its argv in place.
std::string proc_cmdline(int pid);

}  // namespace kkt::testing
