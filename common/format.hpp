#pragma once
// Numbers as text in the C locale, whatever LC_NUMERIC says: perfdata, JSON-ish outputs and
// human reasons all print through these.
#include <string>

namespace kkt {

// Shortest text that reads back as the same double, in plain decimal notation (never an
// exponent): 2.4 -> "2.4", 30 -> "30", 1e6 -> "1000000", -0.0 -> "0". A NaN or infinity
// gives "U" (perfdata's "unknown"); metrics never hold one.
std::string format_number(double value);

// Exactly `decimals` digits after the point, rounded: (2.44, 1) -> "2.4", (30, 1) -> "30.0".
// Never "-0.0": a value that rounds to zero prints unsigned.
std::string format_fixed(double value, int decimals);

}  // namespace kkt
