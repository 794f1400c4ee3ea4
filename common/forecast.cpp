#include "common/forecast.hpp"

#include <algorithm>
#include <vector>

namespace kkt {
namespace {

struct Point {
    double day;  // days since the first sample used
    double value;
};

struct LineFit {
    double slope = 0;  // per day
    double span_days = 0;
};

// Ordinary least squares of value on day; the points are in time order and at least two.
LineFit fit_line(const std::vector<Point>& points) {
    double mean_day = 0, mean_value = 0;
    for (const Point& p : points) {
        mean_day += p.day;
        mean_value += p.value;
    }
    mean_day /= static_cast<double>(points.size());
    mean_value /= static_cast<double>(points.size());
    double covariance = 0, variance = 0;
    for (const Point& p : points) {
        covariance += (p.day - mean_day) * (p.value - mean_value);
        variance += (p.day - mean_day) * (p.day - mean_day);
    }
    // Times strictly increase (see current_fn_samples), so two points have variance > 0.
    return {covariance / variance, points.back().day - points.front().day};
}

// The samples of the current ФН within the window, oldest first.
std::vector<FnSample> current_fn_samples(std::span<const FnSample> samples) {
    std::vector<FnSample> kept;
    std::optional<double> usage;
    std::optional<std::int64_t> documents;
    for (const FnSample& s : samples) {
        if (!kept.empty() && s.at <= kept.back().at) continue;
        if (counters_restarted(usage, documents, s)) {
            kept.clear();
            usage.reset();
            documents.reset();
        }
        kept.push_back(s);
        if (s.fn_usage) usage = s.fn_usage;
        if (s.signed_documents) documents = s.signed_documents;
    }
    if (kept.empty()) return kept;
    const TimePoint newest = kept.back().at;
    std::erase_if(kept, [newest](const FnSample& s) {
        return days_between(s.at, newest) > forecast_window_days;
    });
    return kept;
}

template <typename Get>
std::vector<Point> points_of(const std::vector<FnSample>& samples, Get get) {
    std::vector<Point> points;
    std::optional<TimePoint> first;
    for (const FnSample& s : samples) {
        const std::optional<double> value = get(s);
        if (!value) continue;
        if (!first) first = s.at;
        points.push_back({days_between(*first, s.at), *value});
    }
    return points;
}

}  // namespace

bool counters_restarted(std::optional<double> previous_usage,
                        std::optional<std::int64_t> previous_documents, const FnSample& next) {
    if (previous_usage && next.fn_usage && *next.fn_usage < *previous_usage - usage_dip_tolerance)
        return true;
    return previous_documents && next.signed_documents &&
           *next.signed_documents < *previous_documents;
}

FnForecast forecast_fn(std::span<const FnSample> samples, TimePoint now) {
    FnForecast forecast;
    const std::vector<FnSample> kept = current_fn_samples(samples);

    const std::vector<Point> usage = points_of(kept, [](const FnSample& s) { return s.fn_usage; });
    if (usage.size() >= 2) {
        const LineFit fit = fit_line(usage);
        forecast.usage_history_days = fit.span_days;
        const double rise = usage.back().value - usage.front().value;
        if (fit.span_days >= min_forecast_history_days && fit.slope > 0 && rise >= min_usage_rise) {
            TimePoint newest{};
            for (const FnSample& s : kept)
                if (s.fn_usage) newest = s.at;
            const double since_newest = std::max(0.0, days_between(newest, now));
            forecast.fn_full_days_left =
                std::max(0.0, (100.0 - usage.back().value) / fit.slope - since_newest);
        }
    }

    const std::vector<Point> documents = points_of(kept, [](const FnSample& s) {
        return s.signed_documents ? std::optional(static_cast<double>(*s.signed_documents))
                                  : std::nullopt;
    });
    if (documents.size() >= 2) {
        const LineFit fit = fit_line(documents);
        forecast.documents_history_days = fit.span_days;
        // Within one ФН the count never falls, so the slope is never below 0 but for rounding.
        if (fit.span_days >= min_forecast_history_days)
            forecast.documents_per_day = std::max(0.0, fit.slope);
    }
    return forecast;
}

}  // namespace kkt
