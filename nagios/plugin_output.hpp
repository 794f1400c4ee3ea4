#pragma once
// The text a Nagios/Icinga 2 plugin prints: one status line with all performance data, then
// long output, the whole at most 8 KiB (Nagios cuts there), one line per item, no '|' outside
// the performance data (Nagios would read the rest as more performance data).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/state.hpp"
#include "nagios/perfdata.hpp"

namespace kkt::nagios {

inline constexpr std::size_t max_output_bytes = 8192;

struct PluginOutput {
    State state = State::unknown;
    std::string summary;               // the status line after "ATOL KKT <STATE> - "
    std::vector<PerfDatum> perfdata;   // all on the status line
    std::vector<std::string> details;  // long output: one line per problem, worst first
    std::vector<std::string> verbose;  // -v lines, after the details
};

// The exit code of a state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
int exit_code(State state);

// "ATOL KKT CRITICAL - summary | perfdata\n" plus the long output, at most `limit` bytes:
// lines that do not fit are replaced by "… and N more". Every text is made one line.
std::string render(const PluginOutput& output, std::size_t limit = max_output_bytes);

// `text` as one line of plugin output: control characters become spaces, '|' becomes '/',
// and text longer than `max_bytes` is cut at a UTF-8 character boundary and ends in "…".
std::string one_line(std::string_view text, std::size_t max_bytes = 1024);

}  // namespace kkt::nagios
