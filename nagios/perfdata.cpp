#include "nagios/perfdata.hpp"

#include <cmath>

#include "common/format.hpp"

namespace kkt::nagios {
namespace {

// Labels with spaces, quotes or '=' must be quoted, a quote inside doubled.
std::string quoted_label(const std::string& label) {
    if (label.find_first_of(" '=") == std::string::npos && !label.empty()) return label;
    std::string out = "'";
    for (char c : label) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

std::string optional_number(const std::optional<double>& v) {
    return v ? perf_number(*v) : std::string();
}

}  // namespace

std::string perf_number(double value) {
    if (!std::isfinite(value)) return "U";
    return format_number(round3(value));
}

std::string format_perfdatum(const PerfDatum& datum) {
    std::string text = quoted_label(datum.label) + "=";
    text += datum.value ? perf_number(*datum.value) + datum.unit : std::string("U");
    const std::string fields[] = {datum.warning, datum.critical, optional_number(datum.min),
                                  optional_number(datum.max)};
    std::size_t used = 4;
    while (used > 0 && fields[used - 1].empty()) --used;
    for (std::size_t i = 0; i < used; ++i) text += ";" + fields[i];
    return text;
}

std::string format_perfdata(const std::vector<PerfDatum>& data) {
    std::string text;
    for (const PerfDatum& datum : data) {
        if (!text.empty()) text += ' ';
        text += format_perfdatum(datum);
    }
    return text;
}

}  // namespace kkt::nagios
