#include "common/format.hpp"

#include <charconv>
#include <cmath>

namespace kkt {

namespace {

// Drops the sign of a text that reads as zero ("-0", "-0.00").
std::string without_negative_zero(std::string text) {
    if (!text.empty() && text.front() == '-' &&
        text.find_first_not_of("0.", 1) == std::string::npos) {
        text.erase(0, 1);
    }
    return text;
}

}  // namespace

std::string format_number(double value) {
    if (!std::isfinite(value)) return "U";
    // Plain notation of a double needs at most ~330 characters (e.g. 1e308 or 5e-324).
    char buf[400];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
    if (ec != std::errc()) return "U";
    return without_negative_zero(std::string(buf, ptr));
}

std::string format_fixed(double value, int decimals) {
    if (!std::isfinite(value)) return "U";
    char buf[400];
    const auto [ptr, ec] =
        std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
    if (ec != std::errc()) return "U";
    return without_negative_zero(std::string(buf, ptr));
}

double round3(double value) {
    return std::round(value * 1000.0) / 1000.0;
}

std::string format_seconds(std::chrono::milliseconds duration) {
    return format_number(static_cast<double>(duration.count()) / 1000.0);
}

}  // namespace kkt
