#include "common/table.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "common/format.hpp"
#include "common/utf8.hpp"

namespace kkt {
namespace {

std::string decimal(std::optional<double> v) {
    return v ? format_fixed(*v, 1) : "?";
}

std::string count(std::optional<double> v) {
    return v ? format_number(std::round(*v)) : "?";
}

std::string state_cell(const RegisterStatus& s) {
    return std::string(state_name(s.evaluation.state));
}

std::string serial_cell(const RegisterStatus& s) {
    return s.reg.display_serial();
}

std::string address_cell(const RegisterStatus& s) {
    return s.reg.fiscal_storage_payment_address.value_or("?");
}

std::string fn_days_cell(const RegisterStatus& s) {
    return decimal(s.metrics.get(Metric::fn_days_left));
}

std::string fn_usage_cell(const RegisterStatus& s) {
    return decimal(s.metrics.get(Metric::fn_usage));
}

// Days until the ФН memory is full; "-" when it is not filling (it never will at this pace).
std::string fn_full_cell(const RegisterStatus& s) {
    if (const auto days = s.metrics.get(Metric::fn_full_days_left)) return format_fixed(*days, 1);
    const bool not_filling = s.reg.fiscal_storage_percentage_use &&
                             s.forecast.usage_history_days >= min_forecast_history_days;
    return not_filling ? "-" : "?";
}

std::string fn_replace_cell(const RegisterStatus& s) {
    return decimal(s.metrics.get(Metric::fn_replace_days_left));
}

std::string unsent_cell(const RegisterStatus& s) {
    return count(s.metrics.get(Metric::unsent_docs));
}

// "-" when there is nothing (no unsent document, no error), so problems stand out.
std::string unsent_age_cell(const RegisterStatus& s) {
    const Metrics& m = s.metrics;
    const auto age = m.get(Metric::unsent_age_hours);
    if (!age) return "?";
    const auto docs = m.get(Metric::unsent_docs);
    if (*age == 0 && (!docs || *docs == 0)) return "-";
    return format_fixed(*age, 1) + " h";
}

std::string shift_cell(const RegisterStatus& s) {
    const Register& r = s.reg;
    if (!r.is_shift_opened) return "?";
    if (!*r.is_shift_opened) return "closed";
    const auto hours = s.metrics.get(Metric::shift_open_hours);
    return hours ? format_fixed(*hours, 1) + " h" : "?";
}

std::string network_cell(const RegisterStatus& s) {
    const auto code = s.metrics.get(Metric::network_error);
    if (!code) return "?";
    return *code == 0 ? "-" : count(code);
}

// The worst reason, else the register's note.
std::string problem_cell(const RegisterStatus& s) {
    const Evaluation& e = s.evaluation;
    if (e.problems.empty()) return s.notes.empty() ? "" : s.notes.front();
    std::string text = e.problems.front().reason;
    if (e.problems.size() > 1) text += " (+" + std::to_string(e.problems.size() - 1) + " more)";
    return text;
}

// Numbers right-aligned so their points line up; words left.
constexpr std::array<TableColumn, 12> columns = {{
    {TableColumn::state, "STATE", false, state_cell},
    {TableColumn::serial, "SERIAL", false, serial_cell},
    {TableColumn::address, "ADDRESS", false, address_cell},
    {TableColumn::fn_days, "ФН DAYS", true, fn_days_cell},
    {TableColumn::fn_usage, "ФН %", true, fn_usage_cell},
    {TableColumn::fn_full, "FULL IN", true, fn_full_cell},
    {TableColumn::fn_replace, "REPLACE", true, fn_replace_cell},
    {TableColumn::unsent, "UNSENT", true, unsent_cell},
    {TableColumn::unsent_age, "UNSENT AGE", true, unsent_age_cell},
    {TableColumn::shift, "SHIFT", true, shift_cell},
    {TableColumn::network, "NET", true, network_cell},
    {TableColumn::problem, "PROBLEM", false, problem_cell},
}};
constexpr std::size_t column_count = columns.size();
using Row = std::array<std::string, column_count>;

Row header_row() {
    Row row;
    for (std::size_t c = 0; c < column_count; ++c) row[c] = columns[c].header;
    return row;
}

Row row_of(const RegisterStatus& s, const TableOptions& options) {
    Row row;
    for (std::size_t c = 0; c < column_count; ++c) {
        row[c] = columns[c].cell(s);
        if (columns[c].id == TableColumn::address && s.reg.fiscal_storage_payment_address)
            row[c] = truncate_to_width(row[c], options.address_width);
    }
    return row;
}

std::string_view colour_of(State s) {
    switch (s) {
        case State::ok:
            return "\033[32m";  // green
        case State::warning:
            return "\033[33m";  // yellow
        case State::critical:
            return "\033[1;31m";  // bold red
        case State::unknown:
            return "\033[35m";  // magenta
    }
    return "";
}
constexpr std::string_view colour_reset = "\033[0m";

}  // namespace

std::span<const TableColumn> table_columns() {
    return columns;
}

std::size_t display_width(std::string_view utf8) {
    return utf8_length(utf8);
}

std::string truncate_to_width(std::string_view utf8, std::size_t width) {
    if (display_width(utf8) <= width) return std::string(utf8);
    if (width == 0) return "";
    // Keep width - 1 code points, then the ellipsis.
    std::size_t kept = 0, end = 0;
    while (end < utf8.size()) {
        if ((utf8[end] & 0xC0) != 0x80) {
            if (kept == width - 1) break;
            ++kept;
        }
        ++end;
    }
    return std::string(utf8.substr(0, end)) + "…";
}

std::vector<const RegisterStatus*> worst_first(std::vector<const RegisterStatus*> registers) {
    std::stable_sort(registers.begin(), registers.end(),
                     [](const RegisterStatus* a, const RegisterStatus* b) {
                         const int sa = severity(a->evaluation.state);
                         const int sb = severity(b->evaluation.state);
                         if (sa != sb) return sa > sb;
                         return a->reg.display_serial() < b->reg.display_serial();
                     });
    return registers;
}

std::string render_table(const std::vector<const RegisterStatus*>& registers,
                         const TableOptions& options) {
    std::vector<Row> rows;
    rows.reserve(registers.size() + 1);
    rows.push_back(header_row());
    for (const RegisterStatus* s : registers) rows.push_back(row_of(*s, options));

    std::array<std::size_t, column_count> width{};
    for (const Row& row : rows)
        for (std::size_t c = 0; c < column_count; ++c)
            width[c] = std::max(width[c], display_width(row[c]));

    std::string out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& row = rows[i];
        std::string line;
        for (std::size_t c = 0; c < column_count; ++c) {
            if (c) line += "  ";
            const std::string spaces(width[c] - display_width(row[c]), ' ');
            if (columns[c].numeric) line += spaces;
            // Colour wraps the word only, so padding (and alignment) stays plain.
            if (columns[c].id == TableColumn::state && options.colour && i > 0) {
                line += colour_of(registers[i - 1]->evaluation.state);
                line += row[c];
                line += colour_reset;
            } else {
                line += row[c];
            }
            if (!columns[c].numeric && c + 1 < column_count) line += spaces;
        }
        line.erase(line.find_last_not_of(' ') + 1);
        out += line;
        out += '\n';
    }
    return out;
}

std::string summary_line(const std::vector<const RegisterStatus*>& shown, std::size_t total,
                         std::string_view notes) {
    std::array<std::size_t, 4> by_state{};
    for (const RegisterStatus* s : shown) ++by_state[static_cast<std::size_t>(s->evaluation.state)];
    std::string line = std::to_string(shown.size());
    if (shown.size() != total) line += " of " + std::to_string(total);
    line += total == 1 ? " register: " : " registers: ";
    line += std::to_string(by_state[static_cast<std::size_t>(State::critical)]) + " critical, ";
    line += std::to_string(by_state[static_cast<std::size_t>(State::warning)]) + " warning, ";
    line += std::to_string(by_state[static_cast<std::size_t>(State::unknown)]) + " unknown, ";
    line += std::to_string(by_state[static_cast<std::size_t>(State::ok)]) + " ok";
    line += notes;
    return line;
}

}  // namespace kkt
