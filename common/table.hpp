#pragma once
// The human view of registers (`atol-kkt list`): an aligned table, worst first, with a summary
// line; and the same registers as CSV for spreadsheets (`list --csv`).
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/fleet.hpp"

namespace kkt {

// One column of `list`'s table (the status page shows the same cells): its heading and what a
// register's cell holds: "?" for an unknown value, "-" for none (no unsent documents, no network
// error, a ФН memory not filling); FULL IN is fn_full_days_left, REPLACE fn_replace_days_left;
// SHIFT is "closed" or the hours it has been open; PROBLEM the worst reason ("+N more" when
// there are others), else the register's note; ADDRESS whole (render_table() cuts it).
struct TableColumn {
    enum Id {
        state,
        serial,
        address,
        fn_days,
        fn_usage,
        fn_full,
        fn_replace,
        unsent,
        unsent_age,
        shift,
        network,
        problem
    };
    Id id;
    std::string_view header;  // "ФН DAYS"
    bool numeric;             // right-aligned in the table
    std::string (*cell)(const RegisterStatus&);
};
std::span<const TableColumn> table_columns();

// Registers sorted worst state first, then by serial (a stable order for people and tests).
std::vector<const RegisterStatus*> worst_first(std::vector<const RegisterStatus*> registers);

// Width of UTF-8 text in terminal columns (code points; enough for Cyrillic and Latin).
std::size_t display_width(std::string_view utf8);

// `utf8` cut to at most `width` columns, ending in "…" when cut (never inside a code point).
std::string truncate_to_width(std::string_view utf8, std::size_t width);

struct TableOptions {
    // ANSI colours in the state column: only for a terminal that wants them (the caller
    // decides: isatty, NO_COLOR).
    bool colour = false;
    // Longer addresses are cut with "…" so one long address does not widen every row.
    std::size_t address_width = 32;
};

// One row per register in the given order, the cells of table_columns() aligned on display
// width.
std::string render_table(const std::vector<const RegisterStatus*>& registers,
                         const TableOptions& options = {});

// "50 registers: 11 critical, 5 warning, 1 unknown, 33 ok" ("12 of 50 registers: …" when a
// selection left some out), followed by `notes` as given (" [test mode]").
std::string summary_line(const std::vector<const RegisterStatus*>& shown, std::size_t total,
                         std::string_view notes);

// One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled.
std::string csv_field(std::string_view text);

// RFC 4180 CSV (CRLF line ends, UTF-8, no BOM) in the given order: a header row of the keys
// of `list --json` and one row per register with the same values (numbers in the C locale,
// empty for unknown, arrays joined with "; ").
std::string render_csv(const std::vector<const RegisterStatus*>& registers);

}  // namespace kkt
