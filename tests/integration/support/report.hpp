#pragma once
// Rows of the tables of docs/reliability.md ("Faults", "Limits and secrets"), written by the tests
// that observe them: when ATOL_KKT_RELIABILITY_REPORT names a file, each row is appended to it as
// one Markdown table line, so those tables are what a real run printed.
#include <string>
#include <vector>

namespace kkt::testing {

// Appends "| cell | cell | ... |" (cells escaped for Markdown) when the variable is set.
void report_row(const std::vector<std::string>& cells);

// Text fit for a table cell: `url` (an emulator's, or a temp dir) shown as `placeholder`,
// newlines as " / ", '|' escaped, trailing whitespace dropped.
std::string table_cell(std::string text, const std::string& url = "",
                       const std::string& placeholder = "<emulator>");

}  // namespace kkt::testing
