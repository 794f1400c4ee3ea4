#pragma once
// Nagios plugin threshold ranges (Nagios plugin development guidelines, "Threshold and ranges"):
// "10" = alert outside 0..10, "10:" = outside 10..inf, "~:10" = outside -inf..10,
// "10:20" = outside 10..20, "@10:20" = inside 10..20; ends inclusive. Lives in the core
// because every output (check, list, Zabbix, Prometheus) reports the same per-register state.
#include <optional>
#include <string>
#include <string_view>

namespace kkt {

struct Range {
    std::optional<double> start;  // nullopt = -infinity ("~")
    std::optional<double> end;    // nullopt = +infinity
    bool inside = false;          // '@': alert when inside
    std::string text;             // as given, for perfdata

    // True when `value` raises an alert under this range.
    bool alerts(double value) const;
};

// Strict parser: throws ConfigError for empty/garbage text, "abc", "1:2:3", start > end, NaN.
Range parse_range(std::string_view text);

}  // namespace kkt
