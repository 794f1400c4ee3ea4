#include "common/range.hpp"

#include <charconv>
#include <cmath>
#include <string>

#include "common/errors.hpp"
#include "common/format.hpp"
#include "common/text.hpp"

namespace kkt {

namespace {

[[noreturn]] void fail(std::string_view range, std::string_view why) {
    throw ConfigError("invalid range \"" + std::string(range) + "\": " + std::string(why) +
                      " (expected [@]START:END, e.g. 10, 10:, ~:10, 10:20, @10:20)");
}

// One end of a range: a plain decimal number, nothing else. std::from_chars is
// locale-independent, so "0.5" means the same whatever LC_NUMERIC says.
double parse_number(std::string_view range, std::string_view part, std::string_view which) {
    if (part.empty()) fail(range, std::string(which) + " is empty");
    double value = 0;
    const char* first = part.data();
    const char* last = part.data() + part.size();
    // Fixed notation only: Nagios ranges are plain decimals, and this rejects "1e5" as well
    // as the half-written "1e".
    const auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::fixed);
    if (ec == std::errc::result_out_of_range) {
        fail(range, std::string(which) + " \"" + std::string(part) + "\" is out of range");
    }
    if (ec != std::errc() || ptr != last) {
        fail(range, std::string(which) + " \"" + std::string(part) + "\" is not a number");
    }
    if (!std::isfinite(value)) {
        fail(range, std::string(which) + " \"" + std::string(part) + "\" is not a finite number");
    }
    return value;
}

}  // namespace

bool Range::alerts(double value) const {
    // A NaN is never a measurement we trust: treat it as out of any range.
    if (std::isnan(value)) return true;
    const bool within = (!start || *start <= value) && (!end || value <= *end);
    return inside ? within : !within;
}

Range parse_range(std::string_view text) {
    const std::string_view given = trim(text);
    if (given.empty()) fail(text, "empty");

    Range range;
    range.text = std::string(given);

    std::string_view rest = given;
    if (rest.front() == '@') {
        range.inside = true;
        rest.remove_prefix(1);
        if (rest.empty()) fail(given, "nothing after '@'");
    }

    const auto colon = rest.find(':');
    if (colon == std::string_view::npos) {
        // "END": start is 0.
        if (rest == "~") fail(given, "'~' (negative infinity) is only allowed as the start");
        range.start = 0.0;
        range.end = parse_number(given, rest, "end");
    } else {
        const std::string_view start = rest.substr(0, colon);
        const std::string_view end = rest.substr(colon + 1);
        if (end.find(':') != std::string_view::npos) fail(given, "more than one ':'");
        if (start.empty()) fail(given, "start is empty (write 0:END, or ~:END for no lower bound)");
        if (start != "~") range.start = parse_number(given, start, "start");
        if (end == "~") fail(given, "'~' (negative infinity) is only allowed as the start");
        if (!end.empty()) range.end = parse_number(given, end, "end");
    }

    if (range.start && range.end && *range.start > *range.end) {
        fail(given, "start " + format_number(*range.start) + " is greater than end " +
                        format_number(*range.end));
    }
    return range;
}

}  // namespace kkt
