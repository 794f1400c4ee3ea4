// The watchdog that ends a hung run at its timeout: it prints the timeout result and exits
// with the timeout state, and stays silent when the run printed first or ended in time.
// Each case runs in a forked child, since a firing watchdog ends its process.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>

#include "common/posix_io.hpp"
#include "nagios/watchdog.hpp"

namespace kkt::nagios {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct ChildResult {
    std::string out;
    int exit_code = -1;
    std::chrono::milliseconds elapsed{0};
};

// Runs `body` in a child whose stdout is captured; the child exits 99 if `body` returns.
ChildResult in_child(const std::function<void()>& body) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    const auto start = Clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        body();
        _exit(99);
    }
    close(fds[1]);
    ChildResult result;
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) result.out.append(buf, static_cast<size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

TEST(CheckWatchdog, FiresOnAHungRunWithTheTimeoutResultAndState) {
    const ChildResult r = in_child([] {
        static OutputGate gate;
        Watchdog dog(
            Clock::now() + 200ms, gate,
            [] { return std::string("ATOL KKT WARNING - timed out after 0.2 s\n"); }, 1);
        for (;;) pause();  // a run stuck where no deadline reaches
    });
    EXPECT_EQ(r.out, "ATOL KKT WARNING - timed out after 0.2 s\n");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_GE(r.elapsed, 200ms);
    EXPECT_LT(r.elapsed, 1500ms);
}

TEST(CheckWatchdog, StaysSilentWhenTheRunEndsInTime) {
    const ChildResult r = in_child([] {
        OutputGate gate;
        {
            Watchdog dog(
                Clock::now() + 100ms, gate, [] { return std::string("late\n"); }, 3);
            if (gate.claim()) write_all(STDOUT_FILENO, "ATOL KKT OK - fine\n");
        }                    // cancelled here
        usleep(300 * 1000);  // past the watchdog's time: it must not print or exit
        _exit(0);
    });
    EXPECT_EQ(r.out, "ATOL KKT OK - fine\n");
    EXPECT_EQ(r.exit_code, 0);
}

TEST(CheckWatchdog, DoesNotPrintOverARunThatAlreadyClaimedTheOutput) {
    const ChildResult r = in_child([] {
        static OutputGate gate;
        ASSERT_TRUE(gate.claim());
        write_all(STDOUT_FILENO, "ATOL KKT CRITICAL - result\n");
        Watchdog dog(
            Clock::now() + 50ms, gate, [] { return std::string("late\n"); }, 3);
        usleep(300 * 1000);
        _exit(2);
    });
    EXPECT_EQ(r.out, "ATOL KKT CRITICAL - result\n");
    EXPECT_EQ(r.exit_code, 2);
}

TEST(CheckWatchdog, TheGateOpensOnce) {
    OutputGate gate;
    EXPECT_TRUE(gate.claim());
    EXPECT_FALSE(gate.claim());
}

TEST(CheckLastResorts, ACrashStillPrintsOneUnknownLineAndExits3) {
    const ChildResult r = in_child([] {
        static OutputGate gate;
        install_last_resorts(gate, "ATOL KKT UNKNOWN - internal error\n");
        std::terminate();
    });
    EXPECT_EQ(r.out, "ATOL KKT UNKNOWN - internal error\n");
    EXPECT_EQ(r.exit_code, 3);

    const ChildResult crashed = in_child([] {
        static OutputGate gate;
        install_last_resorts(gate, "ATOL KKT UNKNOWN - internal error\n");
        raise(SIGSEGV);
    });
    EXPECT_EQ(crashed.out, "ATOL KKT UNKNOWN - internal error\n");
    EXPECT_EQ(crashed.exit_code, 3);
}

}  // namespace
}  // namespace kkt::nagios
