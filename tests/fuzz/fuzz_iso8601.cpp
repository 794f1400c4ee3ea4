// Fuzzes parse_iso8601, which reads every date the API sends (fiscal storage expiry, the last
// report, the oldest unsent document). Beyond "no crash", it checks the promises of clock.hpp:
// - parse_iso8601(format_iso8601_api(t)) == t for every t it returns;
// - format_iso8601(t) reads back as t truncated to the second;
// - a canonical "YYYY-MM-DDTHH:MM:SSZ" text is formatted back byte for byte;
// - an accepted text is at least 20 bytes and starts with four digits and '-'.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace {

[[noreturn]] void violated(const char* what, std::string_view text) {
    std::fprintf(stderr, "invariant violated: %s: \"%.*s\"\n", what, static_cast<int>(text.size()),
                 text.data());
    std::abort();
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// "YYYY-MM-DDTHH:MM:SSZ" with seconds below 60 (a leap second is not kept as such).
bool canonical_utc(std::string_view t) {
    if (t.size() != 20) return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
        if (!is_digit(t[i])) return false;
    return t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':' && t[16] == ':' &&
           t[19] == 'Z' && t[17] < '6';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = kkt::parse_iso8601(text);
    if (!parsed) return 0;

    if (text.size() < 20 || !is_digit(text[0]) || !is_digit(text[3]) || text[4] != '-')
        violated("accepted a text that is not a date-time", text);

    const std::string api = kkt::format_iso8601_api(*parsed);
    if (kkt::parse_iso8601(api) != parsed) violated("format_iso8601_api does not read back", text);

    const std::string whole = kkt::format_iso8601(*parsed);
    const auto whole_back = kkt::parse_iso8601(whole);
    if (!whole_back || *whole_back != std::chrono::floor<std::chrono::seconds>(*parsed))
        violated("format_iso8601 does not read back", text);

    if (canonical_utc(text) && whole != text) violated("canonical UTC text not reproduced", text);
    (void)kkt::format_date(*parsed);
    return 0;
}
