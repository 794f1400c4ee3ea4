#pragma once
// Numbers as text in the C locale, whatever LC_NUMERIC says: perfdata, JSON-ish outputs and
// human reasons all print through these; and the rounding every output applies first.
#include <chrono>
#include <string>

namespace kkt {

// Shortest text that reads back as the same double, in plain decimal notation (never an
// exponent): 2.4 -> "2.4", 30 -> "30", 1e6 -> "1000000", -0.0 -> "0". A NaN or infinity
// gives "U" (perfdata's "unknown"); metrics never hold one.
std::string format_number(double value);

// A duration in seconds, as format_number gives it: 10000 ms -> "10", 300 ms -> "0.3".
std::string format_seconds(std::chrono::milliseconds duration);

// Exactly `decimals` digits after the point, rounded: (2.44, 1) -> "2.4", (30, 1) -> "30.0".
// Never "-0.0": a value that rounds to zero prints unsigned.
std::string format_fixed(double value, int decimals);

// `value` rounded to 3 decimal places (halves away from zero), so that outputs show 8.35, not
// 8.350000000000001: decimal metrics in every output, perfdata, durations.
double round3(double value);

}  // namespace kkt
