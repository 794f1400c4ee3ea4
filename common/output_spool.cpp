#include "common/output_spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

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
    if (file_.valid()) {
        std::vector<char> chunk(copy_chunk);
        for (off_t offset = 0;;) {
            const ssize_t n = ::pread(file_.get(), chunk.data(), chunk.size(), offset);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return false;
            if (n == 0) break;
            if (!write_all(fd, std::string_view(chunk.data(), static_cast<std::size_t>(n))))
                return false;
            offset += n;
        }
    }
    return write_all(fd, buffer_);
}

}  // namespace kkt
