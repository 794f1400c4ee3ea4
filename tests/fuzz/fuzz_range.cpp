// Fuzzes parse_range, which reads every -w/-c threshold (and the same thresholds from a config
// file). Beyond "no crash, only ConfigError", it checks what a check relies on:
// - the kept text is the trimmed input and parses back to the same range;
// - both ends are finite and start <= end;
// - the ends are inclusive: a plain range never alerts on its own ends, an '@' range always
//   does; a NaN measurement always alerts.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/errors.hpp"
#include "common/range.hpp"

namespace {

[[noreturn]] void violated(const char* what, std::string_view text) {
    std::fprintf(stderr, "invariant violated: %s: \"%.*s\"\n", what, static_cast<int>(text.size()),
                 text.data());
    std::abort();
}

bool same(const kkt::Range& a, const kkt::Range& b) {
    return a.start == b.start && a.end == b.end && a.inside == b.inside && a.text == b.text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    kkt::Range range;
    try {
        range = kkt::parse_range(text);
    } catch (const kkt::ConfigError&) {
        return 0;
    }

    if (range.text.empty() || text.find(range.text) == std::string_view::npos)
        violated("kept text is not the trimmed input", text);
    if ((range.start && !std::isfinite(*range.start)) || (range.end && !std::isfinite(*range.end)))
        violated("an end is not finite", text);
    if (range.start && range.end && *range.start > *range.end) violated("start > end", text);

    try {
        if (!same(kkt::parse_range(range.text), range))
            violated("text reads back differently", text);
    } catch (const kkt::ConfigError&) {
        violated("kept text is refused", text);
    }

    for (const auto& end : {range.start, range.end}) {
        if (end && range.alerts(*end) != range.inside) violated("ends are not inclusive", text);
    }
    if (!range.alerts(std::nan(""))) violated("NaN does not alert", text);
    return 0;
}
