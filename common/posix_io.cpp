#include "common/posix_io.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>

#include "common/errors.hpp"
#include "common/sys_text.hpp"

namespace kkt {

OwnedFd& OwnedFd::operator=(OwnedFd&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = other.release();
    }
    return *this;
}

OwnedFd::~OwnedFd() {
    close();
}

int OwnedFd::release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

int OwnedFd::close() noexcept {
    if (fd_ < 0) return 0;
    // Linux releases the descriptor even when close fails (EINTR included): never retried.
    const int result = ::close(release());
    return result == 0 ? 0 : errno;
}

bool read_all(int fd, std::string& out, std::size_t max_bytes) {
    constexpr std::size_t min_read = 64 * 1024;
    const std::size_t limit = max_bytes < out.max_size() ? max_bytes + 1 : max_bytes;
    out.clear();
    while (out.size() < limit) {
        const std::size_t done = out.size();
        std::size_t room = out.capacity() - done;
        if (room < min_read) room = std::max(min_read, done);  // grow geometrically
        room = std::min(room, limit - done);
        out.resize(done + room);
        const ssize_t n = ::read(fd, out.data() + done, room);
        out.resize(done + (n > 0 ? static_cast<std::size_t>(n) : 0));
        if (n == 0) return true;
        if (n < 0 && errno != EINTR) return false;
    }
    return true;
}

bool write_all(int fd, std::string_view data) noexcept {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) {  // not for a non-empty write, but it must not loop forever
            errno = EIO;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

namespace {

// ".NAME.PID.HEX": hidden, unique, and telling remove_stale_temps() whose it is.
std::string temp_name(std::string_view name) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".%ld.%016llx", static_cast<long>(::getpid()),
                  static_cast<unsigned long long>(random()));
    return "." + std::string(name) + suffix;
}

bool stale_temp(int dir_fd, const char* entry) {
    const std::string_view name(entry);
    if (name.size() < 2 || name.front() != '.') return false;
    const auto hex = name.rfind('.');
    if (hex == 0 || name.size() - hex - 1 != 16) return false;
    const auto pid_start = name.rfind('.', hex - 1);
    if (pid_start == 0 || pid_start == std::string_view::npos || hex - pid_start < 2) return false;
    long pid = 0;
    for (const char c : name.substr(pid_start + 1, hex - pid_start - 1)) {
        if (c < '0' || c > '9' || pid > 10'000'000) return false;
        pid = pid * 10 + (c - '0');
    }
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) return false;
    struct stat st {};
    return ::fstatat(dir_fd, entry, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
           st.st_uid == ::geteuid() && ::time(nullptr) - st.st_mtime > 60;
}

}  // namespace

void replace_file(int dir_fd, std::string_view name, std::initializer_list<std::string_view> parts,
                  mode_t mode, const std::string& display) {
    const auto write_parts = [parts](int fd) {
        for (std::string_view part : parts)
            if (!write_all(fd, part)) return false;
        return true;
    };
    replace_file(dir_fd, name, write_parts, mode, display);
}

void replace_file(int dir_fd, std::string_view name, const ContentWriter& write_content,
                  mode_t mode, const std::string& display) {
    const std::string file(name);
    const std::string temp = temp_name(name);
    auto fail = [&](const char* step, int error) {
        ::unlinkat(dir_fd, temp.c_str(), 0);
        throw Error("cannot write " + display + " (" + step + "): " + errno_text(error));
    };
    OwnedFd fd(
        ::openat(dir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd.valid()) {
        throw Error("cannot write " + display + " (create): " + errno_text(errno));
    }
    // The umask may have taken bits from `mode`; an explicit chmod restores them.
    if (::fchmod(fd.get(), mode) != 0) fail("chmod", errno);
    if (!write_content(fd.get())) fail("write", errno);
    if (::fsync(fd.get()) != 0) fail("fsync", errno);
    if (const int error = fd.close(); error != 0) fail("close", error);
    // rename replaces whatever is at `name`, a symlink included, without following it.
    if (::renameat(dir_fd, temp.c_str(), dir_fd, file.c_str()) != 0) fail("rename", errno);
    ::fsync(dir_fd);  // the rename itself durable; best effort
}

void replace_file(const std::string& path, std::string_view content, mode_t mode) {
    replace_file(
        path, [content](int fd) { return write_all(fd, content); }, mode);
}

void replace_file(const std::string& path, const ContentWriter& write_content, mode_t mode) {
    const std::filesystem::path target(path);
    if (target.filename().empty()) throw Error("cannot write " + path + ": not a file name");
    const std::filesystem::path parent = target.parent_path();
    const OwnedFd dir(
        ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid()) {
        throw Error("cannot write " + path + " (open the directory): " + errno_text(errno));
    }
    replace_file(dir.get(), target.filename().string(), write_content, mode, path);
}

void remove_stale_temps(int dir_fd) {
    const int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    DIR* dir = ::fdopendir(fd);  // owns `fd` from here: closedir closes it
    if (dir == nullptr) {
        ::close(fd);
        return;
    }
    while (const dirent* entry = ::readdir(dir)) {
        if (stale_temp(dir_fd, entry->d_name)) ::unlinkat(dir_fd, entry->d_name, 0);
    }
    ::closedir(dir);
}

}  // namespace kkt
