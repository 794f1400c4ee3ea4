#pragma once
// Loading the account's registers (token cache, register list cache, the API client) and
// assessing them (metrics with tracked shift state, thresholds): the one path every front end
// uses, so they all see the same registers, values and states.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/deadline.hpp"
#include "common/forecast.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/register.hpp"
#include "common/state.hpp"

namespace kkt {

struct RegisterStatus {
    Register reg;
    Metrics metrics;
    Evaluation evaluation;
    FnForecast forecast;  // from the ФН history: what fn_full_days_left etc. were computed with
    // Said once, by the first run that shows this register's text: "ФН replaced (… → …) on …".
    std::vector<std::string> notes;
};

struct Fleet {
    std::vector<RegisterStatus> registers;  // in API order
    TimePoint now{};                        // the moment metrics were computed for
    std::optional<TimePoint> fetched_at;    // when the list came from the API
    bool from_cache = false;
    bool stale =
        false;  // older than --cache-ttl: load_fleet_within() answered from the last good list
    std::size_t upstream_requests = 0;  // requests this run sent to the API
    // The account's register count when `registers` holds only the one the run asked for
    // (RunContext::only_serial, from the cached list's index); unset when it holds them all.
    std::optional<std::size_t> narrowed_from;
    std::size_t account_size() const { return narrowed_from.value_or(registers.size()); }
    // Every field but the registers (a long-running process's stand-in for a fleet whose
    // registers it has rendered already: common/fleet_source.hpp). Keep it beside the fields.
    Fleet without_registers() const {
        Fleet light;
        light.now = now;
        light.fetched_at = fetched_at;
        light.from_cache = from_cache;
        light.stale = stale;
        light.upstream_requests = upstream_requests;
        light.narrowed_from = narrowed_from;
        return light;
    }
};

// Everything a run needs besides its options.
struct RunContext {
    const Config& config;
    const Clock& clock;
    const Deadline& deadline;
    const Log& log;
    // Whether the command prints the registers' notes. A note is said once: a run that cannot
    // print it (Prometheus, a single Zabbix value) leaves it for one that can.
    bool shows_notes = true;
    // The one register the command needs (empty: it needs the account): a fresh cached list then
    // gives just that register, read through the list's index, instead of being parsed whole.
    std::string_view only_serial{};
};

// The whole account's register list (from the cache when fresh), assessed. Throws the core's
// typed errors (ApiError, AuthError, TransportError, TimeoutError, ProtocolError, ConfigError).
Fleet load_fleet(const RunContext& run, const Thresholds& thresholds);

// The same, answered within `budget` (and the run's deadline) however slow the API is: a
// fresh cached list at once; else a refresh is started in a detached background process (one
// at a time per account: the single-flight lock) and waited for until the budget runs out,
// and the last good list answers when it has not ended by then. The API's failure is not
// hidden behind an old list: when a refresh has failed since the last good list was
// fetched, this throws that error (from the fetch record, common/fetch_record.hpp). Without a cache
// (--cache-ttl 0) the fetch itself gets the budget.
Fleet load_fleet_within(const RunContext& run, const Thresholds& thresholds,
                        std::chrono::milliseconds budget);

// One register straight from the single-register endpoint, assessed. NotFoundError if absent.
RegisterStatus load_register(const RunContext& run, const Thresholds& thresholds,
                             std::string_view serial);

// Whether a Selection picks register `r` (--serial, --exclude-serial, --group, --inn).
class SelectionFilter {
  public:
    explicit SelectionFilter(const Selection& selection);
    bool operator()(const Register& r) const;
    // Whether --serial names it.
    bool asks_for(const Register& r) const;

  private:
    const Selection& selection_;
    std::unordered_set<std::string_view> wanted_, excluded_;
};

// The registers a Selection picks, in fleet order; `missing` gets the --serial values the
// account does not have.
std::vector<const RegisterStatus*> select(const Fleet& fleet, const Selection& selection,
                                          std::vector<std::string>* missing = nullptr);

// Clock for the program: the system clock, or ATOL_KKT_NOW (ISO 8601) when set, so tests and
// demos can fix "now". Throws ConfigError for an unparsable ATOL_KKT_NOW.
std::unique_ptr<Clock> make_clock(const EnvLookup& env);

}  // namespace kkt
