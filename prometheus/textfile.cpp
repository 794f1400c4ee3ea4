#include "prometheus/textfile.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/errors.hpp"

namespace kkt::prometheus {
namespace {

[[noreturn]] void fail(const std::string& path, const char* what, int error) {
    throw Error("cannot write " + path + ": " + what + ": " + std::strerror(error));
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view content, mode_t mode) {
    const std::filesystem::path target(path);
    if (target.filename().empty()) throw Error("cannot write " + path + ": not a file name");
    std::string temp =
        (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0) fail(path, "cannot create a temporary file", errno);

    auto give_up = [&](const char* what) {
        const int error = errno;
        ::close(fd);
        ::unlink(temp.c_str());
        fail(path, what, error);
    };
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) give_up("write");
        written += static_cast<std::size_t>(n);
    }
    // mkostemp creates 0600 whatever the umask; the reader is usually another user.
    if (::fchmod(fd, mode) != 0) give_up("chmod");
    if (::fsync(fd) != 0) give_up("fsync");
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        fail(path, "close", error);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        fail(path, "rename", error);
    }
}

}  // namespace kkt::prometheus
