#include "nagios/watchdog.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <exception>
#include <string_view>

#include "common/posix_io.hpp"

namespace kkt::nagios {
namespace {

OutputGate* last_resort_gate = nullptr;
const char* last_resort_line = nullptr;

// A failed write of the result is not checked: stdout is gone, nobody is left to tell.
[[noreturn]] void last_resort_exit() noexcept {
    if (last_resort_gate && last_resort_gate->claim() && last_resort_line)
        write_all(STDOUT_FILENO, std::string_view(last_resort_line, std::strlen(last_resort_line)));
    _exit(3);
}

void on_fatal_signal(int) {
    last_resort_exit();
}

}  // namespace

void wait_for_exit() noexcept {
    for (;;) pause();
}

Watchdog::Watchdog(Clock::time_point fire_at, OutputGate& gate,
                   std::function<std::string()> message, int exit_code)
    : gate_(gate), message_(std::move(message)), exit_code_(exit_code) {
    thread_ = std::thread([this, fire_at] { watch(fire_at); });
}

Watchdog::~Watchdog() {
    {
        std::lock_guard lock(mutex_);
        cancelled_ = true;
    }
    cancelled_cv_.notify_all();
    thread_.join();
}

void Watchdog::watch(Clock::time_point fire_at) {
    {
        std::unique_lock lock(mutex_);
        if (cancelled_cv_.wait_until(lock, fire_at, [this] { return cancelled_; })) return;
    }
    if (!gate_.claim()) return;
    std::string text;
    try {
        text = message_();
    } catch (...) {
        text = "ATOL KKT UNKNOWN - timed out\n";
    }
    // A result stdout did not take is no result: UNKNOWN, whatever state it said.
    _exit(write_all(STDOUT_FILENO, text) ? exit_code_ : 3);
}

void install_last_resorts(OutputGate& gate, const char* fallback_line) {
    last_resort_gate = &gate;
    last_resort_line = fallback_line;
    std::set_terminate(last_resort_exit);
    struct sigaction action {};
    action.sa_handler = on_fatal_signal;
    sigemptyset(&action.sa_mask);
    for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) sigaction(sig, &action, nullptr);
    signal(SIGPIPE, SIG_IGN);
}

}  // namespace kkt::nagios
