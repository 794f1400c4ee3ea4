#pragma once
// The status page of a fleet, for the people who run the shops: the registers worst first with
// the cells of `atol-kkt list` (common/table.hpp), the group and every reason; counts per state;
// how old the data is and whether the last read of ATOL failed; test mode. Plain HTML and CSS
// (no script: the server's Content-Security-Policy allows none), reloading itself; every value
// escaped (web/html.hpp). It knows nothing of what else the server serves.
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "common/fleet_source.hpp"
#include "common/output_spool.hpp"

namespace kkt::web {

// The registers' rows of the page, worst first, and their counts. They do not change between
// views of one read, so the exporter renders them once per read, into an OutputSpool (beyond a
// MiB, a temporary file: 100,000 rows are about 60 MiB).
struct StatusRows {
    std::shared_ptr<const OutputSpool> html;  // the <tr> elements
    std::array<std::size_t, 4> by_state{};    // index: State
    std::size_t total = 0;
};
// `registers`: the selected ones, in any order. Throws Error when the temporary file cannot be
// written.
StatusRows render_status_rows(const std::vector<const RegisterStatus*>& registers);

struct StatusPage {
    const FleetSnapshot& snapshot;
    std::vector<const RegisterStatus*> registers;  // the selected ones, in any order
    TimePoint now;
    bool test_mode = false;
    bool tls_verified = true;
    std::string account{};                  // shown beside the title when not empty
    int refresh_seconds = 60;               // the page reloads itself this often
    std::string version{};                  // "atol-kkt 0.1.0"
    std::string metrics_path = "/metrics";  // linked from the footer
};

// The page around its rows (page.registers unused): what comes before them, and after.
struct StatusFrame {
    std::string head;
    std::string tail;
};
StatusFrame render_status_frame(const StatusPage& page, const StatusRows& rows);

// The whole page, the rows of page.registers included.
std::string render_status_page(const StatusPage& page);

// The Content-Security-Policy the page is meant to be served with: no script, no outside
// resource, its own inline style only.
inline constexpr const char* status_page_policy =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

}  // namespace kkt::web
