#pragma once
// File descriptors without leaks or lost bytes: an owning handle, read and write loops that
// survive EINTR and short transfers, and replacing a file so that a reader sees the old content
// or the new, whole.
#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

namespace kkt {

// Owns one file descriptor (-1: none) and closes it when destroyed. Move-only.
class OwnedFd {
  public:
    OwnedFd() = default;
    explicit OwnedFd(int fd) noexcept : fd_(fd) {}
    OwnedFd(OwnedFd&& other) noexcept : fd_(other.release()) {}
    OwnedFd& operator=(OwnedFd&& other) noexcept;
    OwnedFd(const OwnedFd&) = delete;
    OwnedFd& operator=(const OwnedFd&) = delete;
    ~OwnedFd();

    int get() const noexcept { return fd_; }
    bool valid() const noexcept { return fd_ >= 0; }
    // Gives the descriptor up without closing it.
    int release() noexcept;
    // Closes now: 0, or close()'s errno (the last chance to hear of a failed write).
    int close() noexcept;

  private:
    int fd_ = -1;
};

// Reads `fd` to its end into `out` (replacing what it held), retrying after EINTR and short
// reads. Stops after max_bytes + 1 bytes, so `out.size() > max_bytes` tells the caller the
// file is larger than it takes without reading all of it. Reads into `out`'s spare capacity
// first: reserve the expected size to read a large file in one go. False, with errno set,
// when a read fails.
bool read_all(int fd, std::string& out, std::size_t max_bytes);

// Writes all of `data` to `fd`, retrying after EINTR and short writes. False, with errno set,
// when a write fails. Async-signal-safe (the Nagios watchdog writes its last line with it).
bool write_all(int fd, std::string_view data) noexcept;

// Replaces the file `name` (a plain name) in the directory `dir_fd`: writes `parts` to a new
// temporary file ".NAME.PID.RANDOM" beside it (created O_EXCL | O_NOFOLLOW, then given `mode`
// whatever the umask), fsyncs it, renames it over `name` and fsyncs the directory. A symlink
// at `name` is replaced, its target untouched. On failure the temporary file is removed and
// kkt::Error says "cannot write DISPLAY (STEP): REASON".
void replace_file(int dir_fd, std::string_view name, std::initializer_list<std::string_view> parts,
                  mode_t mode, const std::string& display);

// The same, the content written to the temporary file's descriptor by `write_content`, which
// returns false, with errno set, when a write fails.
using ContentWriter = std::function<bool(int fd)>;
void replace_file(int dir_fd, std::string_view name, const ContentWriter& write_content,
                  mode_t mode, const std::string& display);

// The same for a path: its directory (symlinks in the path followed) is opened first.
void replace_file(const std::string& path, std::string_view content, mode_t mode);
void replace_file(const std::string& path, const ContentWriter& write_content, mode_t mode);

// Removes, in `dir_fd`, the temporary files of replace_file() whose writer died before its
// rename (SIGKILL, power loss): ours, of a PID that no longer exists, older than a minute (the
// age keeps a live writer of another PID namespace sharing the directory safe).
void remove_stale_temps(int dir_fd);

}  // namespace kkt
