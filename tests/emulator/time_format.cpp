#include "time_format.hpp"

#include <cctype>
#include <cstdio>

namespace emu {
namespace {

using namespace std::chrono;

// Reads exactly `width` digits at `pos`; advances pos.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t width) {
    if (pos + width > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < width; ++i) {
        const char c = text[pos + i];
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        value = value * 10 + (c - '0');
    }
    pos += width;
    return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos >= text.size() || text[pos] != c) return false;
    ++pos;
    return true;
}

struct Civil {
    int year, month, day, hour, minute, second;
};

Civil to_civil(SysSeconds t) {
    const auto day_point = floor<days>(t);
    const year_month_day ymd{day_point};
    const hh_mm_ss time{t - day_point};
    return {static_cast<int>(ymd.year()),
            static_cast<int>(static_cast<unsigned>(ymd.month())),
            static_cast<int>(static_cast<unsigned>(ymd.day())),
            static_cast<int>(time.hours().count()),
            static_cast<int>(time.minutes().count()),
            static_cast<int>(time.seconds().count())};
}

}  // namespace

std::optional<SysSeconds> parse_iso8601(std::string_view text) {
    std::size_t pos = 0;
    const auto y = read_digits(text, pos, 4);
    if (!y || !expect(text, pos, '-')) return std::nullopt;
    const auto mo = read_digits(text, pos, 2);
    if (!mo || !expect(text, pos, '-')) return std::nullopt;
    const auto d = read_digits(text, pos, 2);
    if (!d || !(expect(text, pos, 'T') || expect(text, pos, ' '))) return std::nullopt;
    const auto h = read_digits(text, pos, 2);
    if (!h || !expect(text, pos, ':')) return std::nullopt;
    const auto mi = read_digits(text, pos, 2);
    if (!mi || !expect(text, pos, ':')) return std::nullopt;
    const auto s = read_digits(text, pos, 2);
    if (!s) return std::nullopt;
    if (expect(text, pos, '.')) {
        const std::size_t start = pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
        if (pos == start) return std::nullopt;
    }
    const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)},
                             day{static_cast<unsigned>(*d)}};
    if (!ymd.ok() || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
    SysSeconds t = sys_days{ymd} + hours{*h} + minutes{*mi} + seconds{*s};
    if (pos == text.size() || expect(text, pos, 'Z')) {
        return pos == text.size() ? std::optional{t} : std::nullopt;
    }
    const char sign = text[pos++];
    if (sign != '+' && sign != '-') return std::nullopt;
    const auto oh = read_digits(text, pos, 2);
    if (!oh || !expect(text, pos, ':')) return std::nullopt;
    const auto om = read_digits(text, pos, 2);
    if (!om || pos != text.size() || *oh > 23 || *om > 59) return std::nullopt;
    const auto offset = hours{*oh} + minutes{*om};
    return sign == '+' ? t - offset : t + offset;
}

std::string format_iso8601(SysSeconds t, OffsetStyle style) {
    if (style == OffsetStyle::moscow) t += hours{3};
    const Civil c = to_civil(t);
    const char* suffix = style == OffsetStyle::moscow ? "+03:00"
                         : style == OffsetStyle::zulu ? "Z"
                                                      : "+00:00";
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d%s", c.year, c.month, c.day,
                  c.hour, c.minute, c.second, suffix);
    return buffer;
}

std::string format_api_timestamp(SysSeconds t) {
    const Civil c = to_civil(t);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%02d.%02d.%04d %02d:%02d:%02d", c.day, c.month, c.year,
                  c.hour, c.minute, c.second);
    return buffer;
}

SysSeconds now_seconds() {
    return floor<seconds>(system_clock::now());
}

}  // namespace emu
