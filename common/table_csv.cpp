// `list --csv`: the registers of `list --json` as RFC 4180 CSV, so a spreadsheet and a script
// see the same names and values.
#include <boost/json.hpp>

#include "common/json_text.hpp"
#include "common/status_json.hpp"
#include "common/table.hpp"

namespace kkt {
namespace {

constexpr std::string_view line_end = "\r\n";  // RFC 4180

// A JSON value as one cell: strings as they are, numbers in the C locale, lists joined with
// "; ", null empty.
std::string cell_text(const boost::json::value& v) {
    return plain_text(v, {.true_text = "true", .false_text = "false", .array_separator = "; "})
        .value_or("");
}

}  // namespace

std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

std::string render_csv(const std::vector<const RegisterStatus*>& registers) {
    // The header comes from the JSON mapping itself, so the columns follow it when it grows.
    const boost::json::object columns = boost::json::value_from(RegisterStatus{}).as_object();
    std::string out;
    bool first = true;
    for (const auto& column : columns) {
        if (!first) out += ',';
        first = false;
        out += csv_field(column.key());
    }
    out += line_end;
    for (const RegisterStatus* s : registers) {
        const boost::json::object o = boost::json::value_from(*s).as_object();
        first = true;
        for (const auto& column : columns) {
            if (!first) out += ',';
            first = false;
            const boost::json::value* v = o.if_contains(column.key());
            if (v) out += csv_field(cell_text(*v));
        }
        out += line_end;
    }
    return out;
}

}  // namespace kkt
