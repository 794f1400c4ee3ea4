#include "common/clock.hpp"

#include <cstdio>

namespace kkt {

namespace {

using namespace std::chrono;

// A strict left-to-right reader over the text: every accessor fails (returns false) instead of
// reading past the end, so a truncated date-time can never be accepted.
class Cursor {
  public:
    explicit Cursor(std::string_view text) : text_(text) {}

    bool at_end() const { return pos_ == text_.size(); }
    std::optional<char> peek() const {
        if (at_end()) return std::nullopt;
        return text_[pos_];
    }
    bool skip(char c) {
        if (peek() != c) return false;
        ++pos_;
        return true;
    }
    // Exactly `count` ASCII digits as a number.
    bool digits(int count, int& out) {
        int value = 0;
        for (int i = 0; i < count; ++i) {
            if (at_end() || !is_digit(text_[pos_])) return false;
            value = value * 10 + (text_[pos_] - '0');
            ++pos_;
        }
        out = value;
        return true;
    }
    // One or more digits of a fraction of a second, as milliseconds (truncated).
    bool fraction_millis(int& out) {
        int millis = 0;
        int read = 0;
        while (!at_end() && is_digit(text_[pos_])) {
            if (read < 3) millis = millis * 10 + (text_[pos_] - '0');
            ++read;
            ++pos_;
        }
        for (int i = read; i < 3; ++i) millis *= 10;
        out = millis;
        return read > 0;
    }

  private:
    static bool is_digit(char c) { return c >= '0' && c <= '9'; }

    std::string_view text_;
    std::size_t pos_ = 0;
};

// "Z", "+hh:mm", "+hhmm" or "+hh" (and '-'), as minutes east of UTC.
std::optional<int> parse_offset_minutes(Cursor& in) {
    if (in.skip('Z') || in.skip('z')) return 0;
    int sign = 0;
    if (in.skip('+')) {
        sign = 1;
    } else if (in.skip('-')) {
        sign = -1;
    } else {
        return std::nullopt;  // RFC 3339 requires an offset: a local time is ambiguous
    }
    int hours = 0;
    int minutes = 0;
    if (!in.digits(2, hours)) return std::nullopt;
    if (in.skip(':')) {
        if (!in.digits(2, minutes)) return std::nullopt;
    } else if (!in.at_end()) {
        if (!in.digits(2, minutes)) return std::nullopt;
    }
    if (hours > 23 || minutes > 59) return std::nullopt;
    return sign * (hours * 60 + minutes);
}

std::string format_utc(TimePoint t, bool with_millis, const char* zone) {
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss<milliseconds> time{t - day};
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d",
                          static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                          static_cast<unsigned>(ymd.day()), static_cast<int>(time.hours().count()),
                          static_cast<int>(time.minutes().count()),
                          static_cast<int>(time.seconds().count()));
    std::string out(buf, static_cast<std::size_t>(n));
    const auto millis = time.subseconds().count();
    if (with_millis && millis != 0) {
        std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(millis));
        out += buf;
    }
    out += zone;
    return out;
}

}  // namespace

TimePoint SystemClock::now() const {
    return time_point_cast<milliseconds>(system_clock::now());
}

std::optional<TimePoint> parse_iso8601(std::string_view text) {
    Cursor in(text);
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
    if (!in.digits(4, y) || !in.skip('-') || !in.digits(2, mo) || !in.skip('-') ||
        !in.digits(2, d)) {
        return std::nullopt;
    }
    if (!(in.skip('T') || in.skip('t') || in.skip(' '))) return std::nullopt;
    if (!in.digits(2, h) || !in.skip(':') || !in.digits(2, mi) || !in.skip(':') ||
        !in.digits(2, s)) {
        return std::nullopt;
    }
    if (in.skip('.') && !in.fraction_millis(ms)) return std::nullopt;
    const auto offset = parse_offset_minutes(in);
    if (!offset || !in.at_end()) return std::nullopt;

    const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                              day{static_cast<unsigned>(d)}};
    if (!date.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
    if (s == 60) {  // leap second: the last representable instant of that minute
        s = 59;
        ms = 999;
    }
    const TimePoint t = TimePoint{sys_days{date}} + hours{h} + minutes{mi} + seconds{s} +
                        milliseconds{ms} - minutes{*offset};
    // An offset can move 0000-01-01 or 9999-12-31 out of the four-digit years in UTC, where
    // format_iso8601_api could not write it back: refused like any
    // impossible date, so parse_iso8601(format_iso8601_api(t)) == t for everything accepted.
    constexpr TimePoint first_utc{sys_days{year{0} / January / 1}};
    constexpr TimePoint last_utc{sys_days{year{10000} / January / 1} - milliseconds{1}};
    if (t < first_utc || t > last_utc) return std::nullopt;
    return t;
}

std::string format_iso8601(TimePoint t) {
    return format_utc(t, false, "Z");
}

std::string format_iso8601_api(TimePoint t) {
    return format_utc(t, true, "+00:00");
}

std::string format_date(TimePoint t) {
    const year_month_day ymd{floor<days>(t)};
    char buf[32];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                          static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return std::string(buf, static_cast<std::size_t>(n));
}

double hours_between(TimePoint from, TimePoint to) {
    return duration<double, std::ratio<3600>>(to - from).count();
}

double days_between(TimePoint from, TimePoint to) {
    return duration<double, std::ratio<86400>>(to - from).count();
}

}  // namespace kkt
