#include "common/detached.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>

namespace kkt {
namespace {

// stdin, stdout and stderr on /dev/null: the grandchild must not hold the pipe its starter
// reads to EOF, nor write into it.
void detach_standard_streams() {
    const int null_fd = ::open("/dev/null", O_RDWR);
    if (null_fd < 0) _exit(1);
    for (int fd = 0; fd <= 2; ++fd)
        if (fd != null_fd && ::dup2(null_fd, fd) < 0) _exit(1);
    if (null_fd > 2) ::close(null_fd);
}

// Every descriptor from `first` to `last` (inclusive): the starter's sockets, pipes and files
// must not stay open for as long as the work runs.
void close_descriptors(unsigned first, unsigned last) {
    if (first > last || ::close_range(first, last, 0) == 0) return;
    // A kernel without close_range (before 5.9): one by one, up to the descriptor limit.
    const long open_max = ::sysconf(_SC_OPEN_MAX);
    const unsigned limit =
        open_max > 0 ? static_cast<unsigned>(std::min<long>(open_max, INT_MAX)) : 1024U;
    for (unsigned fd = first; fd <= last && fd < limit; ++fd) ::close(static_cast<int>(fd));
}

void close_inherited_descriptors(int keep_fd) {
    if (keep_fd < 3) {
        close_descriptors(3, ~0U);
        return;
    }
    close_descriptors(3, static_cast<unsigned>(keep_fd) - 1);
    close_descriptors(static_cast<unsigned>(keep_fd) + 1, ~0U);
}

}  // namespace

bool run_detached(int keep_fd, const std::function<void()>& work) {
    std::fflush(nullptr);  // what stdio still buffers is written once, by this process
    const pid_t child = ::fork();
    if (child < 0) return false;
    if (child == 0) {
        if (::setsid() < 0) _exit(1);
        const pid_t grandchild = ::fork();
        if (grandchild != 0) _exit(grandchild < 0 ? 1 : 0);
        detach_standard_streams();
        close_inherited_descriptors(keep_fd);
        try {
            work();
        } catch (...) {
        }
        _exit(0);  // no atexit handlers or static destructors of the starter's state
    }
    int status = 0;
    pid_t waited;
    do {
        waited = ::waitpid(child, &status, 0);
    } while (waited < 0 && errno == EINTR);
    // ECHILD: the starter ignores SIGCHLD, so the child was reaped for us; it did its part.
    if (waited < 0) return errno == ECHILD;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace kkt
