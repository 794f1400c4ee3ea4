#include "plugin/command_support.hpp"

#include <unistd.h>

#include "common/posix_io.hpp"

namespace kkt::plugin {

Log::Sink stderr_sink() {
    return [](const std::string& line) { std::cerr << "atol-kkt: " << line << "\n"; };
}

void print_all(const std::string& text) {
    std::cout.flush();
    if (!write_all(STDOUT_FILENO, text)) throw Error("cannot write the output");
}

}  // namespace kkt::plugin
