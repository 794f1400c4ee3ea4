// The cache directory: checked once (ours, 0700, not a symlink), then held open so every file
// is reached with *at() calls relative to it and O_NOFOLLOW: nothing planted or swapped in
// later is followed. Files are never trusted: a foreign, odd or corrupt one reads as absent.
#include "common/cache.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <thread>

#include "common/errors.hpp"
#include "common/sys_text.hpp"

namespace kkt {

namespace {

using namespace std::chrono_literals;

constexpr off_t max_cache_file_size = off_t{256} * 1024 * 1024;


// Creates each missing component 0700 whatever the umask. Failures here surface as the
// final directory's lstat failing.
void make_dirs(const std::string& path) {
    for (std::size_t end = path.find('/', 1);; end = path.find('/', end + 1)) {
        std::string prefix = path.substr(0, end);
        if (!prefix.empty() && prefix.back() != '/' && ::mkdir(prefix.c_str(), 0700) == 0) {
            ::chmod(prefix.c_str(), 0700);
        }
        if (end == std::string::npos) break;
    }
}

void check_name(std::string_view name) {
    if (name.empty() || name.front() == '.' || name.find('/') != std::string_view::npos ||
        name.find('\0') != std::string_view::npos) {
        throw Error("invalid cache file name '" + std::string(name) + "'");
    }
}

std::string temp_name(std::string_view name) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".%ld.%016llx", static_cast<long>(::getpid()),
                  static_cast<unsigned long long>(random()));
    return "." + std::string(name) + suffix;
}

// A writer killed between creating its temp file and renaming it (SIGKILL, power loss) leaves
// the temp behind, as big as the file it was writing. Each write removes such leftovers: temp
// names (".NAME.PID.HEX") whose PID is gone and which are over a minute old (the age keeps a
// live writer of another PID namespace sharing the dir safe).
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

void remove_stale_temps(int dir_fd) {
    const int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
        ::close(fd);
        return;
    }
    while (const dirent* entry = ::readdir(dir)) {
        if (stale_temp(dir_fd, entry->d_name)) ::unlinkat(dir_fd, entry->d_name, 0);
    }
    ::closedir(dir);
}

}  // namespace

CacheDir::CacheDir(std::string path) : path_(std::move(path)) {
    if (path_.empty()) throw ConfigError("the cache dir must not be empty");
    while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
    make_dirs(path_);

    struct stat st {};
    if (::lstat(path_.c_str(), &st) != 0) {
        throw ConfigError("cannot create cache dir " + path_ + ": " + errno_text(errno));
    }
    if (S_ISLNK(st.st_mode)) {
        throw ConfigError("cache dir " + path_ + " is a symlink; refusing to follow it");
    }
    if (!S_ISDIR(st.st_mode)) throw ConfigError("cache dir " + path_ + " is not a directory");

    fd_ = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd_ < 0) throw ConfigError("cannot open cache dir " + path_ + ": " + errno_text(errno));
    // Check what was opened (it may have been swapped since the lstat).
    struct stat opened {};
    std::string problem;
    if (::fstat(fd_, &opened) != 0) {
        problem = "cannot open cache dir " + path_ + ": " + errno_text(errno);
    } else if (opened.st_dev != st.st_dev || opened.st_ino != st.st_ino) {
        problem = "cache dir " + path_ + " changed while being opened";
    } else if (opened.st_uid != ::geteuid()) {
        problem = "cache dir " + path_ + " belongs to another user (uid " +
                  std::to_string(opened.st_uid) + "); use a --cache-dir of your own";
    } else if ((opened.st_mode & 077) != 0) {
        problem = "cache dir " + path_ + " is accessible by other users (mode " +
                  mode_text(opened.st_mode) + "); run: chmod 700 " + path_;
    }
    if (!problem.empty()) {
        ::close(fd_);
        throw ConfigError(problem);
    }
}

CacheDir::~CacheDir() {
    if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> CacheDir::read(std::string_view name) const {
    check_name(name);
    std::string file(name);
    // O_NONBLOCK: a FIFO planted here must not hang the run.
    int fd = ::openat(fd_, file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return std::nullopt;
    std::optional<std::string> content;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
        (st.st_mode & 077) == 0 && st.st_size <= max_cache_file_size) {
        content.emplace();
        content->resize(static_cast<std::size_t>(st.st_size));
        std::size_t done = 0;
        while (done < content->size()) {
            ssize_t n = ::read(fd, content->data() + done, content->size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        // Shorter than its size said: being rewritten in place by someone else; not ours.
        if (done != content->size()) content.reset();
    }
    ::close(fd);
    return content;
}

void CacheDir::write_atomic(std::string_view name, std::string_view data) const {
    write_atomic_parts(name, {data});
}

void CacheDir::write_atomic_parts(std::string_view name,
                                  std::initializer_list<std::string_view> parts) const {
    check_name(name);
    remove_stale_temps(fd_);
    std::string file(name);
    std::string temp = temp_name(name);
    auto fail = [&](const char* step, int error, int fd) {
        if (fd >= 0) ::close(fd);
        ::unlinkat(fd_, temp.c_str(), 0);
        throw Error("cannot write cache file " + path_ + "/" + file + " (" + step +
                    "): " + errno_text(error));
    };
    int fd =
        ::openat(fd_, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw Error("cannot write cache file " + path_ + "/" + file +
                    " (create): " + errno_text(errno));
    }
    // The umask may have taken bits from 0600; it can never add any.
    if (::fchmod(fd, 0600) != 0) fail("chmod", errno, fd);
    for (std::string_view part : parts) {
        while (!part.empty()) {
            ssize_t n = ::write(fd, part.data(), part.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) fail("write", errno, fd);
            part.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    if (::fsync(fd) != 0) fail("fsync", errno, fd);
    if (::close(fd) != 0) fail("close", errno, -1);
    // rename replaces whatever is at `name`, a symlink included, without following it.
    if (::renameat(fd_, temp.c_str(), fd_, file.c_str()) != 0) fail("rename", errno, -1);
    ::fsync(fd_);  // the rename itself durable; best effort
}

void CacheDir::remove(std::string_view name) const {
    check_name(name);
    std::string file(name);
    if (::unlinkat(fd_, file.c_str(), 0) != 0 && errno != ENOENT) {
        throw Error("cannot remove cache file " + path_ + "/" + file + ": " + errno_text(errno));
    }
}

std::optional<CacheLock> CacheDir::lock(std::string_view name,
                                        std::chrono::milliseconds wait) const {
    check_name(name);
    std::string file(name);
    int fd = ::openat(fd_, file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw Error("cannot open lock file " + path_ + "/" + file + ": " + errno_text(errno));
    }
    CacheLock lock(fd);
    // flock cannot wait with a timeout: poll, checking one last time at the end of `wait`.
    const auto until = std::chrono::steady_clock::now() + wait;
    for (;;) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return lock;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            throw Error("cannot lock " + path_ + "/" + file + ": " + errno_text(errno));
        }
        auto left = until - std::chrono::steady_clock::now();
        if (left <= decltype(left)::zero()) return std::nullopt;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, 20ms));
    }
}

CacheLock& CacheLock::operator=(CacheLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

CacheLock::~CacheLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

std::string cache_key(std::string_view base_url, std::string_view login) {
    // FNV-1a 64: stable across runs and builds (std::hash is not).
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    auto mix = [&](std::string_view text) {
        for (unsigned char c : text) {
            hash ^= c;
            hash *= 0x100000001b3ULL;
        }
    };
    mix(base_url);
    mix("\n");
    mix(login);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return hex;
}

}  // namespace kkt
