#include "common/table.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>

namespace kkt {
namespace {

std::string decimal(std::optional<double> v, int places) {
    if (!v) return "?";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", places, *v);
    return buf;
}

std::string integer(std::optional<double> v) {
    if (!v) return "?";
    return std::to_string(static_cast<long long>(*v));
}

std::string pad(const std::string& text, std::size_t width, bool right) {
    const std::size_t w = display_width(text);
    if (w >= width) return text;
    std::string spaces(width - w, ' ');
    return right ? spaces + text : text + spaces;
}

}  // namespace

std::size_t display_width(std::string_view utf8) {
    return static_cast<std::size_t>(
        std::count_if(utf8.begin(), utf8.end(), [](char c) { return (c & 0xC0) != 0x80; }));
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

std::string render_table(const std::vector<const RegisterStatus*>& registers) {
    constexpr std::size_t columns = 9;
    const std::array<std::string, columns> header = {"STATE",        "SERIAL",  "ADDRESS",
                                                     "FN_DAYS",      "FN_%",    "UNSENT",
                                                     "UNSENT_AGE_H", "SHIFT_H", "NET"};
    const std::array<bool, columns> right = {false, false, false, true, true,
                                             true,  true,  true,  true};
    std::vector<std::array<std::string, columns>> rows;
    rows.reserve(registers.size() + 1);
    rows.push_back(header);
    for (const RegisterStatus* s : worst_first(registers)) {
        const Metrics& m = s->metrics;
        const Register& r = s->reg;
        rows.push_back(
            {std::string(state_name(s->evaluation.state)), r.display_serial(),
             r.fiscal_storage_payment_address.value_or("?"),
             decimal(m.get(Metric::fn_days_left), 1), decimal(m.get(Metric::fn_usage), 1),
             integer(m.get(Metric::unsent_docs)), decimal(m.get(Metric::unsent_age_hours), 1),
             decimal(m.get(Metric::shift_open_hours), 1), integer(m.get(Metric::network_error))});
    }
    std::array<std::size_t, columns> width{};
    for (const auto& row : rows)
        for (std::size_t c = 0; c < columns; ++c)
            width[c] = std::max(width[c], display_width(row[c]));
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < columns; ++c) {
            if (c) line += "  ";
            line += c + 1 == columns ? (right[c] ? pad(row[c], width[c], true) : row[c])
                                     : pad(row[c], width[c], right[c]);
        }
        out += line + "\n";
    }
    return out;
}

}  // namespace kkt
