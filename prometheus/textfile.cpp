#include "prometheus/textfile.hpp"

#include "common/posix_io.hpp"

namespace kkt::prometheus {

void write_file_atomically(const std::string& path, std::string_view content, mode_t mode) {
    replace_file(path, content, mode);
}

void write_file_atomically(const std::string& path, const OutputSpool& content, mode_t mode) {
    replace_file(
        path, [&content](int fd) { return content.copy_to(fd); }, mode);
}

}  // namespace kkt::prometheus
