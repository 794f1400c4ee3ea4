#include "common/output_spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "common/errors.hpp"
#include "common/sys_text.hpp"

namespace kkt {
namespace {

constexpr std::size_t copy_chunk = std::size_t{1} << 20;

std::string temp_dir() {
    const char* dir = std::getenv("TMPDIR");
    return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

// An unnamed file in `dir`: O_TMPFILE where the file system has it, else a named one unlinked
// at once.
OwnedFd open_unnamed(const std::string& dir) {
    OwnedFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
    if (fd.valid() || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
    std::string name = dir + "/atol-kkt-output-XXXXXX";
    fd = OwnedFd(::mkostemp(name.data(), O_CLOEXEC));
    if (fd.valid()) ::unlink(name.c_str());
    return fd;
}

}  // namespace

OutputSpool::OutputSpool(std::size_t memory_limit) : memory_limit_(memory_limit) {}

void OutputSpool::write(std::string_view text) {
    buffer_ += text;
    size_ += text.size();
    if (buffer_.size() > memory_limit_) spill();
}

void OutputSpool::spill() {
    if (!file_.valid()) {
        const std::string dir = temp_dir();
        file_ = open_unnamed(dir);
        if (!file_.valid())
            throw Error("cannot keep the output in a temporary file of " + dir + ": " +
                        errno_text(errno));
    }
    if (!write_all(file_.get(), buffer_))
        throw Error("cannot keep the output in a temporary file: " + errno_text(errno));
    buffer_.clear();
}

bool OutputSpool::copy_to(int fd) const {
    std::string chunk;
    for (std::size_t offset = 0;; offset += chunk.size()) {
        if (!read_at(offset, copy_chunk, chunk)) return false;
        if (chunk.empty()) return true;
        if (!write_all(fd, chunk)) return false;
    }
}

bool OutputSpool::read_at(std::size_t offset, std::size_t max, std::string& chunk) const {
    chunk.clear();
    const std::size_t in_file = size_ - buffer_.size();
    if (offset >= in_file) {
        if (offset < size_) chunk.assign(buffer_, offset - in_file, max);
        return true;
    }
    chunk.resize(std::min(max, in_file - offset));
    for (;;) {
        const ssize_t n =
            ::pread(file_.get(), chunk.data(), chunk.size(), static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = EIO;  // the file is shorter than what was written to it
            chunk.clear();
            return false;
        }
        chunk.resize(static_cast<std::size_t>(n));
        return true;
    }
}

}  // namespace kkt
