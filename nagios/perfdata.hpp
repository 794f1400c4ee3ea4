#pragma once
// Nagios performance data: `label=value[UOM];[warn];[crit];[min];[max]` (plugin development
// guidelines), numbers in the C locale, `U` for a value that could not be determined.
#include <optional>
#include <string>
#include <vector>

namespace kkt::nagios {

struct PerfDatum {
    std::string label;
    std::optional<double> value;  // nullopt: "U"
    std::string unit;             // "" or "%"
    std::string warning;          // range text, "" when none
    std::string critical;
    std::optional<double> min;
    std::optional<double> max;
};

// A value as perfdata shows it: rounded to 3 decimals (no float noise), shortest text.
std::string perf_number(double value);

// One datum; trailing empty fields are left out ("registers=120;;;0").
std::string format_perfdatum(const PerfDatum& datum);
// All data, space separated.
std::string format_perfdata(const std::vector<PerfDatum>& data);

}  // namespace kkt::nagios
