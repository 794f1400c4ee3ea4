#pragma once
// The guarantees a plugin gives whatever happens inside: it ends within its timeout (plus a
// fraction of a second), prints exactly one result on stdout and exits 0-3. The run and the
// watchdog race for one OutputGate; whoever claims it prints, the other stays silent.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace kkt::nagios {

class OutputGate {
  public:
    // True for the first caller only. Lock-free, so also usable from a signal handler.
    bool claim() noexcept { return !claimed_.exchange(true); }

  private:
    std::atomic<bool> claimed_{false};
};

// Never returns: for the loser of the gate, while the winner prints and exits.
[[noreturn]] void wait_for_exit() noexcept;

class Watchdog {
  public:
    using Clock = std::chrono::steady_clock;
    // At `fire_at`, unless destroyed before: claims `gate`, writes `message()` to stdout and
    // ends the process with `exit_code` (no destructors, no flushing: the run may hang in any
    // state). If the gate is already claimed it does nothing.
    Watchdog(Clock::time_point fire_at, OutputGate& gate, std::function<std::string()> message,
             int exit_code);
    ~Watchdog();
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

  private:
    void watch(Clock::time_point fire_at);

    OutputGate& gate_;
    std::function<std::string()> message_;
    int exit_code_;
    std::mutex mutex_;
    std::condition_variable cancelled_cv_;
    bool cancelled_ = false;
    std::thread thread_;
};

// Last resorts for the process: std::terminate and fatal signals (SIGSEGV, SIGABRT, SIGBUS,
// SIGFPE, SIGILL) print `fallback_line` through `gate` (if still unclaimed) and exit 3; SIGPIPE
// is ignored. `fallback_line` must stay valid for the life of the process.
void install_last_resorts(OutputGate& gate, const char* fallback_line);

}  // namespace kkt::nagios
