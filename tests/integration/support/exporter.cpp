#include "integration/support/exporter.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <regex>
#include <stdexcept>
#include <system_error>

namespace kkt::testing {

ExporterProcess::ExporterProcess(std::vector<std::string> args, Env env) {
    std::vector<std::string> argv_strings{ATOL_KKT_BIN, "exporter"};
    const bool has_address = std::any_of(args.begin(), args.end(), [](const std::string& a) {
        return a.starts_with("--web.listen-address");
    });
    if (!has_address)
        argv_strings.insert(argv_strings.end(), {"--web.listen-address", "127.0.0.1:0"});
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    env.emplace("PATH", "/usr/local/bin:/usr/bin:/bin");
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);

    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    const int rc = posix_spawn(&pid_, ATOL_KKT_BIN, &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        throw std::system_error(rc, std::generic_category(), "spawn atol-kkt exporter");
    }
    stderr_fd_ = fds[0];
    reader_ = std::thread([this] {
        char buf[4096];
        for (;;) {
            const ssize_t n = read(stderr_fd_, buf, sizeof buf);
            if (n <= 0) break;
            std::lock_guard lock(mutex_);
            log_.append(buf, static_cast<std::size_t>(n));
            changed_.notify_all();
        }
        std::lock_guard lock(mutex_);
        exited_ = true;
        changed_.notify_all();
    });
    static const std::regex listening(R"(listening on (https?://\S+:(\d+)))");
    std::unique_lock lock(mutex_);
    std::smatch m;
    changed_.wait_for(lock, std::chrono::seconds(20),
                      [&] { return std::regex_search(log_, m, listening) || exited_; });
    if (!std::regex_search(log_, m, listening)) {
        const std::string said = log_;
        lock.unlock();
        signal(SIGKILL);
        wait(std::chrono::seconds(5));
        throw std::runtime_error("atol-kkt exporter did not start: " + said);
    }
    url_ = m[1];
    port_ = std::stoi(m[2]);
}

ExporterProcess::~ExporterProcess() {
    if (pid_ > 0) {
        signal(SIGTERM);
        if (wait(std::chrono::seconds(20)) == -2) {
            signal(SIGKILL);
            wait(std::chrono::seconds(5));
        }
    }
    if (reader_.joinable()) reader_.join();
    if (stderr_fd_ >= 0) close(stderr_fd_);
}

void ExporterProcess::signal(int sig) const {
    if (pid_ > 0) kill(pid_, sig);
}

int ExporterProcess::wait(std::chrono::milliseconds limit) {
    if (pid_ <= 0) return status_;
    const auto end = std::chrono::steady_clock::now() + limit;
    for (;;) {
        int status = 0;
        const pid_t done = waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            pid_ = -1;
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            return status_;
        }
        if (std::chrono::steady_clock::now() >= end) return -2;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::string ExporterProcess::log() const {
    std::lock_guard lock(mutex_);
    return log_;
}

bool ExporterProcess::wait_for_log(const std::string& text, std::chrono::milliseconds limit) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return log_.find(text) != std::string::npos; });
}

}  // namespace kkt::testing
