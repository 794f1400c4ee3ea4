#include "integration/support/report.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

namespace kkt::testing {

std::string table_cell(std::string text, const std::string& url, const std::string& placeholder) {
    if (!url.empty()) {
        for (auto at = text.find(url); at != std::string::npos;
             at = text.find(url, at + placeholder.size()))
            text.replace(at, url.size(), placeholder);
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    std::string cell;
    for (char c : text) {
        if (c == '\n') {
            cell += " / ";
        } else if (c == '|') {
            cell += "\\|";
        } else {
            cell += c;
        }
    }
    return cell;
}

void report_row(const std::vector<std::string>& cells) {
    const char* path = std::getenv("ATOL_KKT_RELIABILITY_REPORT");
    if (path == nullptr || *path == '\0') return;
    std::string line = "|";
    for (const auto& c : cells) line += " " + c + " |";
    line += "\n";
    // One write with O_APPEND: rows of tests running in parallel do not interleave.
    const int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return;
    [[maybe_unused]] const ssize_t written = write(fd, line.data(), line.size());
    close(fd);
}

}  // namespace kkt::testing
