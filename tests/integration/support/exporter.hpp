#pragma once
// `atol-kkt exporter` as a test fixture: started with --web.listen-address 127.0.0.1:0, its URL
// read from the "listening on URL" line it prints on stderr, the rest of its stderr collected,
// stopped with SIGTERM on destruction.
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "integration/support/emulator.hpp"
#include "integration/support/process.hpp"

namespace kkt::testing {

class ExporterProcess {
  public:
    // `atol-kkt exporter ARGS...` with exactly `env` (plus PATH); --web.listen-address
    // 127.0.0.1:0 first unless ARGS give one.
    ExporterProcess(std::vector<std::string> args, Env env);
    ~ExporterProcess();
    ExporterProcess(const ExporterProcess&) = delete;
    ExporterProcess& operator=(const ExporterProcess&) = delete;

    const std::string& url() const { return url_; }  // "http://127.0.0.1:PORT"
    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    void signal(int sig) const;
    // The exit status once it ended (-1: killed by a signal, -2: still running after `limit`).
    int wait(std::chrono::milliseconds limit);
    // Its stderr so far.
    std::string log() const;
    // Waits until its stderr holds `text`; false after `limit`.
    bool wait_for_log(const std::string& text, std::chrono::milliseconds limit) const;

  private:
    pid_t pid_ = -1;
    int stderr_fd_ = -1;
    std::string url_;
    int port_ = 0;
    std::thread reader_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::string log_;
    bool exited_ = false;
    int status_ = 0;
};

}  // namespace kkt::testing
