#include "integration/support/spawner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <list>
#include <system_error>
#include <thread>

namespace kkt::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Child {
    std::size_t index = 0;
    pid_t pid = -1;
    int fds[2] = {-1, -1};  // stdout, stderr (read ends); -1 once at EOF
    Clock::time_point started;
    std::optional<Clock::time_point> kill_at;
    bool kill_sent = false;
    LaunchResult result;

    bool output_open() const { return fds[0] >= 0 || fds[1] >= 0; }
};

void close_fd(int& fd) {
    if (fd >= 0) close(fd);
    fd = -1;
}

// Starts one launch with its stdout and stderr on fresh pipes (close-on-exec in us, so the
// other children never hold them open).
Child start(const Launch& launch, std::size_t index) {
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
    if (pipe2(err, O_CLOEXEC) != 0) {
        close(out[0]);
        close(out[1]);
        throw std::system_error(errno, std::generic_category(), "pipe");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);

    std::vector<std::string> argv_strings{launch.program};
    argv_strings.insert(argv_strings.end(), launch.args.begin(), launch.args.end());
    std::vector<char*> argv;
    for (auto& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    Env full_env = launch.env;
    full_env.emplace("PATH", "/usr/local/bin:/usr/bin:/bin");
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : full_env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);

    Child child;
    child.index = index;
    child.started = Clock::now();
    const int rc = posix_spawn(&child.pid, launch.program.c_str(), &actions, nullptr, argv.data(),
                               envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    close(err[1]);
    if (rc != 0) {
        close(out[0]);
        close(err[0]);
        throw std::system_error(rc, std::generic_category(), "posix_spawn " + launch.program);
    }
    child.fds[0] = out[0];
    child.fds[1] = err[0];
    if (launch.kill_after) child.kill_at = child.started + *launch.kill_after;
    return child;
}

void finish(Child& child) {
    int status = 0;
    while (waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
    }
    RunResult& run = child.result.run;
    run.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - child.started);
    if (WIFEXITED(status)) {
        run.exit_code = WEXITSTATUS(status);
    } else {
        run.exit_code = -1;
        child.result.term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        child.result.killed_by_us = child.kill_sent && child.result.term_signal == SIGKILL;
    }
}

}  // namespace

std::vector<LaunchResult> run_concurrently(const std::vector<Launch>& launches,
                                           std::size_t parallel, milliseconds limit,
                                           const std::function<void(std::size_t, int)>& on_start) {
    std::vector<LaunchResult> results(launches.size());
    std::list<Child> running;
    std::size_t next = 0;
    char buffer[65536];
    while (next < launches.size() || !running.empty()) {
        while (running.size() < std::max<std::size_t>(parallel, 1) && next < launches.size()) {
            running.push_back(start(launches[next], next));
            if (on_start) on_start(next, running.back().pid);
            ++next;
        }

        // Kills that are due, and how long poll may sleep before the next one.
        const auto now = Clock::now();
        auto wake = now + milliseconds(50);
        for (Child& child : running) {
            if (!child.kill_sent && child.kill_at && now >= *child.kill_at) {
                kill(child.pid, SIGKILL);
                child.kill_sent = true;
            }
            if (!child.result.run.timed_out && now - child.started >= limit) {
                kill(child.pid, SIGKILL);
                child.result.run.timed_out = true;
            }
            if (!child.kill_sent && child.kill_at) wake = std::min(wake, *child.kill_at);
        }

        std::vector<pollfd> polled;
        std::vector<std::pair<Child*, int>> owners;
        for (Child& child : running) {
            for (int stream = 0; stream < 2; ++stream) {
                if (child.fds[stream] < 0) continue;
                polled.push_back(pollfd{child.fds[stream], POLLIN, 0});
                owners.emplace_back(&child, stream);
            }
        }
        const auto sleep = std::chrono::duration_cast<milliseconds>(wake - Clock::now());
        if (poll(polled.data(), polled.size(), static_cast<int>(std::max<long>(sleep.count(), 0))) <
                0 &&
            errno != EINTR) {
            throw std::system_error(errno, std::generic_category(), "poll");
        }
        for (std::size_t i = 0; i < polled.size(); ++i) {
            if (!(polled[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            auto [child, stream] = owners[i];
            const ssize_t n = read(child->fds[stream], buffer, sizeof buffer);
            if (n > 0) {
                (stream == 0 ? child->result.run.out : child->result.run.err)
                    .append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                close_fd(child->fds[stream]);
            }
        }

        for (auto it = running.begin(); it != running.end();) {
            if (it->output_open()) {
                ++it;
                continue;
            }
            finish(*it);
            results[it->index] = std::move(it->result);
            it = running.erase(it);
        }
    }
    return results;
}

std::string proc_cmdline(int pid) {
    const std::string path = "/proc/" + std::to_string(pid) + "/cmdline";
    // posix_spawn returns once the child's exec has replaced its memory, a moment before the
    // kernel has laid out the new argv: until then the file reads empty. Poll for it.
    const auto until = Clock::now() + milliseconds(1000);
    for (;;) {
        std::ifstream in(path, std::ios::binary);
        if (!in) return "";  // gone
        std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (!text.empty() || Clock::now() >= until) return text;
        std::this_thread::sleep_for(milliseconds(1));
    }
}

}  // namespace kkt::testing
