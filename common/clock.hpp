#pragma once
// Time is an input: everything that depends on "now" takes a Clock, so tests can fix it.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kkt {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

class Clock {
  public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
  public:
    TimePoint now() const override;
};

class FixedClock final : public Clock {
  public:
    explicit FixedClock(TimePoint t) : t_(t) {}
    TimePoint now() const override { return t_; }
    void set(TimePoint t) { t_ = t; }
    void advance(std::chrono::milliseconds d) { t_ += d; }

  private:
    TimePoint t_;
};

// Parses ISO 8601 / RFC 3339 date-times: "2026-03-02T21:00:00+00:00", "...Z", "+03:00",
// "-05:30", optional fractional seconds. Returns nullopt for anything else (also for
// impossible dates such as 2025-02-29 or 24:00:01).
// Also accepted: 'T' or ' ' (or 't') between date and time, 'z', offsets "+0300" and "+03".
// Fractions finer than milliseconds are truncated. A leap second (":60") is read as
// ":59.999" of the same minute, so it sorts after :59 and before the next minute.
std::optional<TimePoint> parse_iso8601(std::string_view text);

// "2026-11-28T10:05:41Z" (UTC, whole seconds).
std::string format_iso8601(TimePoint t);
// "2026-11-28T10:05:41+00:00", the API's own form; ".123" milliseconds only when non-zero,
// so parse_iso8601(format_iso8601_api(t)) == t.
std::string format_iso8601_api(TimePoint t);
// "2026-11-30" (UTC date).
std::string format_date(TimePoint t);

// Hours/days between two time points as decimals.
double hours_between(TimePoint from, TimePoint to);
double days_between(TimePoint from, TimePoint to);

}  // namespace kkt
