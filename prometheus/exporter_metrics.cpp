#include "prometheus/exporter_metrics.hpp"

#include "common/format.hpp"
#include "common/version.hpp"

namespace kkt::prometheus {
namespace {

double epoch_seconds(TimePoint t) {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// {[account="…",]NAME="VALUE"}
std::string labels_with(const ScrapeInfo& info, std::string_view name, std::string_view value) {
    std::string labels = scrape_labels(info);
    const std::string extra = std::string(name) + "=\"" + escape_label_value(value) + "\"";
    if (labels.empty()) return "{" + extra + "}";
    labels.insert(labels.size() - 1, "," + extra);
    return labels;
}

}  // namespace

std::string render_exporter_families(const FleetSnapshot& snapshot, TimePoint now,
                                     const ScrapeInfo& info) {
    std::string out;
    const std::string labels = scrape_labels(info);
    if (snapshot.fleet && snapshot.fleet->fetched_at) {
        const TimePoint fetched = *snapshot.fleet->fetched_at;
        append_family_header(out, "atol_kkt_last_success_timestamp_seconds", "gauge",
                             "When the register list served was fetched from the ATOL API "
                             "(Unix time)");
        append_sample(out, "atol_kkt_last_success_timestamp_seconds", labels,
                      round3(epoch_seconds(fetched)));
        append_family_header(out, "atol_kkt_list_age_seconds", "gauge",
                             "Age of the register list served; it grows while reads fail");
        append_sample(out, "atol_kkt_list_age_seconds", labels,
                      round3(std::chrono::duration<double>(now - fetched).count()));
    }
    std::uint64_t reads = 0;
    for (auto n : snapshot.reads) reads += n;
    if (reads > 0) {
        append_family_header(out, "atol_kkt_refresh_duration_seconds", "gauge",
                             "How long the latest read of the register list took");
        append_sample(out, "atol_kkt_refresh_duration_seconds", labels,
                      round3(snapshot.read_seconds));
    }
    append_family_header(out, "atol_kkt_api_requests_total", "counter",
                         "Reads of the register list from the ATOL API, by outcome");
    for (std::size_t i = 0; i < read_outcome_count; ++i) {
        const auto outcome = static_cast<ReadOutcome>(i);
        if (outcome == ReadOutcome::cache) continue;
        append_sample(out, "atol_kkt_api_requests_total",
                      labels_with(info, "outcome", read_outcome_name(outcome)),
                      static_cast<double>(snapshot.reads_of(outcome)));
    }
    append_family_header(out, "atol_kkt_build_info", "gauge",
                         "The atol-kkt version serving these metrics (always 1)");
    append_sample(out, "atol_kkt_build_info", labels_with(info, "version", version), 1);
    return out;
}

}  // namespace kkt::prometheus
