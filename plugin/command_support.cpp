#include "plugin/command_support.hpp"

#include <unistd.h>

#include <cerrno>

namespace kkt::plugin {

Log::Sink stderr_sink() {
    return [](const std::string& line) { std::cerr << "atol-kkt: " << line << "\n"; };
}

void print_all(const std::string& text) {
    std::cout.flush();
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(STDOUT_FILENO, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw Error("cannot write the output");
        written += static_cast<std::size_t>(n);
    }
}

}  // namespace kkt::plugin
