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

// The next piece of `rest` up to `separator` (all of it without one), taken off `rest`; nullopt
// when `rest` is used up. Views into the text, no copy: a whole-account run reads every
// register's samples.
std::optional<std::string_view> next_piece(std::optional<std::string_view>& rest, char separator) {
    if (!rest) return std::nullopt;
    const std::string_view text = *rest;
    const std::size_t end = text.find(separator);
    if (end == std::string_view::npos) {
        rest.reset();
        return text;
    }
    rest = text.substr(end + 1);
    return text.substr(0, end);
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
    std::optional<std::string_view> pieces = text;
    while (const auto piece = next_piece(pieces, ';')) {
        // Exactly three fields: "STEP USAGE DOCUMENTS".
        std::optional<std::string_view> fields = *piece;
        const auto step_text = next_piece(fields, ' ');
        const auto usage_text = next_piece(fields, ' ');
        const auto documents_text = next_piece(fields, ' ');
        std::optional<std::int64_t> step;
        FnSample s;
        if (!documents_text || fields || !read_field(*step_text, step) || !step ||
            !read_field(*usage_text, s.fn_usage) ||
            !read_field(*documents_text, s.signed_documents))
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
