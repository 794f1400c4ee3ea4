#include "common/reasons.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "common/format.hpp"

namespace kkt {

namespace {

std::string one_decimal(double v) {
    return format_fixed(v, 1);
}

// `now` shifted by a decimal number of hours.
TimePoint after_hours(TimePoint now, double hours) {
    return now + std::chrono::milliseconds(std::llround(hours * 3600.0 * 1000.0));
}

std::string fn_days_left_reason(const Register& r, double days, TimePoint now) {
    const TimePoint expires = r.fiscal_storage_expiration.value_or(after_hours(now, days * 24));
    const std::string date = " (" + format_date(expires) + ")";
    if (days < 0) return "ФН expired " + one_decimal(-days) + " days ago" + date;
    return "ФН expires in " + one_decimal(days) + " days" + date;
}

// What the 30-day OFD limit means now: "26.7 days left before the ФН blocks" or, past the
// limit, since when the ФН is blocked.
std::string ofd_block_clause(const Register& r, double days_left, TimePoint now) {
    if (days_left > 0) return one_decimal(days_left) + " days left before the ФН blocks";
    const TimePoint blocked_at = r.first_unsent_doc_timestamp
                                     ? *r.first_unsent_doc_timestamp +
                                           std::chrono::hours(static_cast<int>(ofd_block_days) * 24)
                                     : after_hours(now, days_left * 24);
    return "the ФН is blocked since " + format_date(blocked_at);
}

std::string unsent_reason(const Register& r, const Metrics& all, double age_hours, TimePoint now) {
    const std::optional<double> count = all.get(Metric::unsent_docs);
    if (age_hours == 0 && count && *count == 0) return "no unsent documents";
    const double days_left =
        all.get(Metric::ofd_block_days_left).value_or(ofd_block_days - age_hours / 24.0);
    return "oldest unsent document is " + one_decimal(age_hours) + " h old (" +
           ofd_block_clause(r, days_left, now) + ")";
}

std::string ofd_block_reason(const Register& r, const Metrics& all, double days_left,
                             TimePoint now) {
    const double age_hours =
        all.get(Metric::unsent_age_hours).value_or((ofd_block_days - days_left) * 24.0);
    if (days_left > 0 && age_hours > 0) {
        return ofd_block_clause(r, days_left, now) + " (oldest unsent document is " +
               one_decimal(age_hours) + " h old)";
    }
    return unsent_reason(r, all, age_hours, now);
}

std::string fn_full_reason(double days, TimePoint now) {
    if (days <= 0) return "ФН memory is full";
    return "ФН memory full in " + one_decimal(days) + " days (" +
           format_date(after_hours(now, days * 24)) + ")";
}

// Which limit comes first: the memory filling up or the expiry.
std::string fn_replace_reason(const Register& r, const Metrics& all, double days, TimePoint now) {
    const std::optional<double> full = all.get(Metric::fn_full_days_left);
    const std::optional<double> expires = all.get(Metric::fn_days_left);
    const std::string expiry_date = format_date(
        r.fiscal_storage_expiration.value_or(after_hours(now, expires.value_or(days) * 24)));
    if (full && (!expires || *full < *expires)) {
        if (*full <= 0)
            return "replace the ФН now: its memory is full (it expires " + expiry_date + ")";
        return "replace the ФН within " + one_decimal(days) +
               " days: its memory fills up first (full by " +
               format_date(after_hours(now, *full * 24)) + ", expires " + expiry_date + ")";
    }
    if (days < 0)
        return "replace the ФН: it expired " + one_decimal(-days) + " days ago (" + expiry_date +
               ")";
    const std::string memory =
        full ? "memory full in " + one_decimal(*full) + " days" : "no memory forecast yet";
    return "replace the ФН within " + one_decimal(days) + " days: it expires first (" +
           expiry_date + "; " + memory + ")";
}

std::string shift_reason(const Register& r, const Metrics& all, double hours) {
    std::string shift = "shift";
    if (r.shift_number) {
        shift += " " + std::to_string(*r.shift_number);
    } else if (const auto n = all.get(Metric::shift_number)) {
        shift += " " + format_number(*n);
    }
    if (hours == 0 && r.is_shift_opened == false) return shift + " is closed";
    const std::string limit =
        hours >= 24 ? "over the 24 h limit, the ФН is blocked" : "the ФН blocks at 24 h";
    return shift + " open for " + one_decimal(hours) + " h (" + limit + ")";
}

std::string data_age_reason(const Register& r, double hours, TimePoint now) {
    const std::string last = format_minute_utc(r.timestamp.value_or(after_hours(now, -hours)));
    if (hours < 0) {
        return "status timestamp is " + one_decimal(-hours) + " h in the future (" + last + ")";
    }
    return "no status update for " + one_decimal(hours) + " h (last " + last + ")";
}

// The unit a person reads after a value.
std::string_view human_unit(Unit unit) {
    switch (unit) {
        case Unit::days:
            return " days";
        case Unit::hours:
            return " h";
        case Unit::percent:
            return "%";
        case Unit::count:
        case Unit::code:
            return "";
    }
    return "";
}

}  // namespace

std::optional<std::string> no_forecast_reason(const Register& r, const FnForecast& forecast,
                                              Metric m) {
    const auto short_history = [](double days, std::string_view what) {
        return "the history of this ФН spans " + one_decimal(days) + " days; " + std::string(what) +
               " needs " + format_number(min_forecast_history_days);
    };
    if (m == Metric::fn_full_days_left && r.fiscal_storage_percentage_use) {
        if (forecast.usage_history_days < min_forecast_history_days)
            return short_history(forecast.usage_history_days, "a forecast");
        return "ФН memory use has not grown over " + one_decimal(forecast.usage_history_days) +
               " days";
    }
    if (m == Metric::documents_per_day && r.signed_documents)
        return short_history(forecast.documents_history_days, "a rate");
    return std::nullopt;
}

std::string format_minute_utc(TimePoint t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{floor<minutes>(t - day)};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d UTC", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()));
    return buf;
}

std::string metric_reason(const Register& r, const Metrics& all, Metric m, double value,
                          TimePoint now) {
    switch (m) {
        case Metric::fn_days_left:
            return fn_days_left_reason(r, value, now);
        case Metric::fn_usage:
            return "ФН memory " + one_decimal(value) + "% full";
        case Metric::unsent_age_hours:
            return unsent_reason(r, all, value, now);
        case Metric::ofd_block_days_left:
            return ofd_block_reason(r, all, value, now);
        case Metric::shift_open_hours:
            return shift_reason(r, all, value);
        case Metric::data_age_hours:
            return data_age_reason(r, value, now);
        case Metric::fn_full_days_left:
            return fn_full_reason(value, now);
        case Metric::fn_replace_days_left:
            return fn_replace_reason(r, all, value, now);
        case Metric::documents_per_day:
            return "the ФН signs " + format_number(value) + " documents a day";
        case Metric::network_error: {
            const auto code = static_cast<std::int64_t>(std::llround(value));
            return "network error " + std::to_string(code) + ": " + network_error_text(code);
        }
        default:
            break;
    }
    const MetricInfo& info = metric_info(m);
    const std::string number = info.integer() ? format_number(value) : one_decimal(value);
    return std::string(info.name) + " is " + number + std::string(human_unit(info.unit));
}

}  // namespace kkt
