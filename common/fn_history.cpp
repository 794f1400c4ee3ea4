#include "common/fn_history.hpp"

#include <charconv>
#include <chrono>
#include <cmath>

#include "common/format.hpp"

namespace kkt {
namespace {

using namespace std::chrono;

std::int64_t unix_seconds(TimePoint t) {
    return duration_cast<seconds>(t.time_since_epoch()).count();
}

sys_days utc_day(TimePoint t) {
    return floor<days>(t);
}

// One number of an encoded sample; "-" is unknown.
template <typename T>
bool read_field(std::string_view text, std::optional<T>& out) {
    if (text == "-") {
        out.reset();
        return true;
    }
    T value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) return false;
    if constexpr (std::is_floating_point_v<T>)
        if (!std::isfinite(value)) return false;
    out = value;
    return true;
}

// Splits `text` at `separator`; the pieces view into `text`.
std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> pieces;
    for (std::size_t start = 0;;) {
        const std::size_t end = text.find(separator, start);
        pieces.push_back(text.substr(start, end - start));
        if (end == std::string_view::npos) return pieces;
        start = end + 1;
    }
}

// The newest known fn_usage and signed_documents of `samples`.
std::pair<std::optional<double>, std::optional<std::int64_t>> latest_counters(
    const std::vector<FnSample>& samples) {
    std::optional<double> usage;
    std::optional<std::int64_t> documents;
    for (const FnSample& s : samples) {
        if (s.fn_usage) usage = s.fn_usage;
        if (s.signed_documents) documents = s.signed_documents;
    }
    return {usage, documents};
}

}  // namespace

std::string encode_samples(const std::vector<FnSample>& samples) {
    std::string text;
    std::int64_t previous = 0;
    for (const FnSample& s : samples) {
        const std::int64_t at = unix_seconds(s.at);
        if (!text.empty()) text += ';';
        text += std::to_string(at - previous);
        text += ' ';
        text += s.fn_usage ? format_number(*s.fn_usage) : "-";
        text += ' ';
        text += s.signed_documents ? std::to_string(*s.signed_documents) : "-";
        previous = at;
    }
    return text;
}

std::optional<std::vector<FnSample>> decode_samples(std::string_view text) {
    std::vector<FnSample> samples;
    if (text.empty()) return samples;
    std::int64_t at = 0;
    for (std::string_view piece : split(text, ';')) {
        const auto fields = split(piece, ' ');
        std::optional<std::int64_t> step;
        FnSample s;
        if (fields.size() != 3 || !read_field(fields[0], step) || !step ||
            !read_field(fields[1], s.fn_usage) || !read_field(fields[2], s.signed_documents))
            return std::nullopt;
        at += *step;
        s.at = TimePoint(seconds(at));
        samples.push_back(s);
    }
    return samples;
}

FnSample observation_of(const Register& r, TimePoint observed_at) {
    return {floor<seconds>(r.timestamp.value_or(observed_at)), r.fiscal_storage_percentage_use,
            r.signed_documents};
}

bool record_observation(FnHistory& history, const std::optional<std::string>& fn_serial,
                        const FnSample& observed) {
    // An unreadable history is no history: it starts again from this observation.
    std::optional<std::vector<FnSample>> decoded = decode_samples(history.samples);
    bool changed = !decoded;
    std::vector<FnSample> samples = decoded ? std::move(*decoded) : std::vector<FnSample>{};

    if (fn_serial && history.fn_serial != fn_serial) {
        if (history.fn_serial)
            history.unreported_replacement =
                FnReplacement{*history.fn_serial, *fn_serial, observed.at};
        history.fn_serial = fn_serial;
        samples.clear();
        changed = true;
    }
    // Not later than the newest kept sample: an older status (a clock gone backwards) says
    // nothing new, and its lower counters must not pass for another ФН.
    if (!samples.empty() && observed.at <= samples.back().at) {
        if (changed) history.samples = encode_samples(samples);
        return changed;
    }
    const auto [usage, documents] = latest_counters(samples);
    if (counters_restarted(usage, documents, observed)) {
        samples.clear();
        changed = true;
    }
    const bool has_value = observed.fn_usage || observed.signed_documents;
    if (has_value && (samples.empty() || utc_day(observed.at) > utc_day(samples.back().at))) {
        samples.push_back(observed);
        changed = true;
    }
    if (!samples.empty()) {
        const TimePoint newest = samples.back().at;
        changed |= std::erase_if(samples, [newest](const FnSample& s) {
                       return days_between(s.at, newest) > forecast_window_days;
                   }) > 0;
    }
    if (changed) history.samples = encode_samples(samples);
    return changed;
}

std::vector<FnSample> forecast_samples(const FnHistory& history, const FnSample& observed) {
    std::vector<FnSample> samples =
        decode_samples(history.samples).value_or(std::vector<FnSample>{});
    if (samples.empty() || observed.at > samples.back().at) samples.push_back(observed);
    return samples;
}

std::string replacement_note(const FnReplacement& replacement) {
    return "ФН replaced (" + replacement.old_serial + " → " + replacement.new_serial + ") on " +
           format_date(replacement.seen_at);
}

bool forget_stale(FnHistories& histories, TimePoint now) {
    return std::erase_if(histories, [now](const auto& entry) {
               const FnHistory& h = entry.second;
               if (h.unreported_replacement) return false;
               const auto samples = decode_samples(h.samples);
               return !samples || samples->empty() ||
                      days_between(samples->back().at, now) > forecast_window_days;
           }) > 0;
}

}  // namespace kkt
