// The cache directory: checked once (ours, 0700, not a symlink), then held open so every file
// is reached with *at() calls relative to it and O_NOFOLLOW: nothing planted or swapped in
// later is followed. Files are never trusted: a foreign, odd or corrupt one reads as absent.
#include "common/cache.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <thread>

#include "common/errors.hpp"
#include "common/posix_io.hpp"
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

    fd_ = OwnedFd(::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd_.valid())
        throw ConfigError("cannot open cache dir " + path_ + ": " + errno_text(errno));
    // Check what was opened (it may have been swapped since the lstat).
    struct stat opened {};
    std::string problem;
    if (::fstat(fd_.get(), &opened) != 0) {
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
    if (!problem.empty()) throw ConfigError(problem);
}

std::optional<CacheFile> CacheDir::open(std::string_view name) const {
    check_name(name);
    std::string file(name);
    // O_NONBLOCK: a FIFO planted here must not hang the run.
    OwnedFd fd(::openat(fd_.get(), file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid()) return std::nullopt;
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
        (st.st_mode & 077) != 0 || st.st_size > max_cache_file_size) {
        return std::nullopt;
    }
    return CacheFile{std::move(fd), static_cast<std::size_t>(st.st_size)};
}

std::optional<std::string> CacheDir::read(std::string_view name) const {
    auto file = open(name);
    if (!file) return std::nullopt;
    std::string content;
    content.reserve(file->size + 1);
    // Not the size it said: being rewritten in place by someone else; not ours.
    if (!read_all(file->fd.get(), content, file->size) || content.size() != file->size)
        return std::nullopt;
    return content;
}

bool CacheFile::read_at(std::size_t offset, std::size_t length, std::string& out) const {
    out.resize(length);
    std::size_t done = 0;
    while (done < length) {
        const ssize_t n =
            ::pread(fd.get(), out.data() + done, length - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

void CacheDir::write_atomic(std::string_view name, std::string_view data) const {
    write_atomic_parts(name, {data});
}

void CacheDir::write_atomic_parts(std::string_view name,
                                  std::initializer_list<std::string_view> parts) const {
    write_atomic_parts(name, std::vector<std::string_view>(parts));
}

void CacheDir::write_atomic_parts(std::string_view name,
                                  const std::vector<std::string_view>& parts) const {
    check_name(name);
    remove_stale_temps(fd_.get());
    const auto write_parts = [&parts](int fd) {
        for (std::string_view part : parts)
            if (!write_all(fd, part)) return false;
        return true;
    };
    replace_file(fd_.get(), name, write_parts, 0600,
                 "cache file " + path_ + "/" + std::string(name));
}

void CacheDir::remove(std::string_view name) const {
    check_name(name);
    std::string file(name);
    if (::unlinkat(fd_.get(), file.c_str(), 0) != 0 && errno != ENOENT) {
        throw Error("cannot remove cache file " + path_ + "/" + file + ": " + errno_text(errno));
    }
}

std::optional<CacheLock> CacheDir::lock(std::string_view name,
                                        std::chrono::milliseconds wait) const {
    check_name(name);
    std::string file(name);
    OwnedFd fd(::openat(fd_.get(), file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd.valid()) {
        throw Error("cannot open lock file " + path_ + "/" + file + ": " + errno_text(errno));
    }
    // flock cannot wait with a timeout: poll, checking one last time at the end of `wait`.
    const auto until = std::chrono::steady_clock::now() + wait;
    for (;;) {
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return CacheLock(std::move(fd));
        if (errno != EWOULDBLOCK && errno != EINTR) {
            throw Error("cannot lock " + path_ + "/" + file + ": " + errno_text(errno));
        }
        auto left = until - std::chrono::steady_clock::now();
        if (left <= decltype(left)::zero()) return std::nullopt;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, 20ms));
    }
}

std::uint64_t fnv1a_64(std::string_view text) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::string cache_key(std::string_view base_url, std::string_view login) {
    const std::uint64_t hash = fnv1a_64(std::string(base_url) + "\n" + std::string(login));
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return hex;
}

}  // namespace kkt
