#pragma once
// The exporter's own families (`atol-kkt exporter`): how its reads of the ATOL API go, beside
// atol_kkt_up of prometheus/exposition.hpp. A failed read keeps serving the last good registers;
// these say how old they are.
#include <string>

#include "common/fleet_source.hpp"
#include "prometheus/exposition.hpp"

namespace kkt::prometheus {

// atol_kkt_last_success_timestamp_seconds and atol_kkt_list_age_seconds (when there is data:
// when the list was fetched from ATOL, and its age at `now`), atol_kkt_refresh_duration_seconds
// (the latest read, once there was one), atol_kkt_api_requests_total{outcome} (every outcome
// but "cache", which sends no request; all present from the start, at 0) and
// atol_kkt_build_info{version} 1. Samples carry the account label of `info`.
std::string render_exporter_families(const FleetSnapshot& snapshot, TimePoint now,
                                     const ScrapeInfo& info);

}  // namespace kkt::prometheus
