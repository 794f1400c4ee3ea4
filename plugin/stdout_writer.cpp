#include "plugin/stdout_writer.hpp"

#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/posix_io.hpp"
#include "common/sys_text.hpp"

namespace kkt::plugin {

void write_stdout(std::string_view text) {
    if (!write_all(STDOUT_FILENO, text))
        throw OutputError("cannot write the output: " + errno_text(errno));
}

void write_stdout(const OutputSpool& output) {
    if (!output.copy_to(STDOUT_FILENO))
        throw OutputError("cannot write the output: " + errno_text(errno));
}

}  // namespace kkt::plugin
