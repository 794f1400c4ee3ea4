#include "nagios/plugin_output.hpp"

#include "common/utf8.hpp"

namespace kkt::nagios {
namespace {

constexpr std::string_view ellipsis = "…";

std::string more_line(std::size_t omitted) {
    return std::string(ellipsis) + " and " + std::to_string(omitted) + " more\n";
}

}  // namespace

int exit_code(State state) {
    return static_cast<int>(state);
}

std::string one_line(std::string_view text, std::size_t max_bytes) {
    std::string line;
    line.reserve(std::min(text.size(), max_bytes));
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) {
            line += ' ';
        } else if (c == '|') {
            line += '/';
        } else {
            line += c;
        }
    }
    if (line.size() <= max_bytes) return line;
    const std::size_t keep = max_bytes > ellipsis.size() ? max_bytes - ellipsis.size() : 0;
    return std::string(utf8_prefix(line, keep)) + std::string(ellipsis);
}

std::string render(const PluginOutput& output, std::size_t limit) {
    const std::string head = "ATOL KKT " + std::string(state_name(output.state)) + " - ";
    const std::string perf =
        output.perfdata.empty() ? std::string() : " | " + format_perfdata(output.perfdata);
    // The status line always fits: the summary gives way, never the performance data.
    std::size_t room =
        limit > head.size() + perf.size() + 1 ? limit - head.size() - perf.size() - 1 : 0;
    std::string text = head + one_line(output.summary, room) + perf + "\n";

    std::vector<std::string> lines;
    lines.reserve(output.details.size() + output.verbose.size());
    for (const auto& line : output.details) lines.push_back(one_line(line) + "\n");
    for (const auto& line : output.verbose) lines.push_back(one_line(line) + "\n");

    // Reserve room for the "… and N more" line as soon as not everything fits.
    std::size_t total = text.size();
    for (const auto& line : lines) total += line.size();
    if (total <= limit) {
        for (const auto& line : lines) text += line;
        return text;
    }
    const std::size_t reserve = more_line(lines.size()).size();
    std::size_t shown = 0;
    for (const auto& line : lines) {
        if (text.size() + line.size() + reserve > limit) break;
        text += line;
        ++shown;
    }
    const std::string more = more_line(lines.size() - shown);
    if (text.size() + more.size() <= limit) text += more;
    return text;
}

}  // namespace kkt::nagios
