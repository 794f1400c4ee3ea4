#include "common/fleet.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <unordered_set>

#include "common/atol_client.hpp"
#include "common/cache.hpp"
#include "common/errors.hpp"
#include "common/fn_history.hpp"
#include "common/http.hpp"
#include "common/text.hpp"

namespace kkt {
namespace {

HttpOptions http_options(const RunContext& run) {
    HttpOptions options;
    options.ca_file = run.config.ca_file;
    options.proxy = run.config.proxy;
    options.insecure = run.config.insecure;
    if (run.log.enabled(3))
        options.trace = [&log = run.log](const std::string& line) { log(3, line); };
    return options;
}

AtolClientOptions client_options(const Config& config) {
    AtolClientOptions options;
    options.base_url = config.base_url;
    options.login = config.login;
    options.password = config.password;
    options.page_size = config.page_size;
    options.max_pages = config.max_pages;
    return options;
}

// Registers from a cached list, or nullopt when the cache is missing, stale or corrupt.
std::optional<std::vector<Register>> cached_registers(const RunContext& run,
                                                      const RegisterListCache& cache, TimePoint now,
                                                      TimePoint& fetched_at) {
    if (run.config.cache_ttl.count() == 0) return std::nullopt;
    auto cached = cache.load(now, run.config.cache_ttl);
    if (!cached) return std::nullopt;
    try {
        auto registers = parse_register_list(cached->registers_json);
        fetched_at = cached->fetched_at;
        return registers;
    } catch (const ProtocolError& e) {
        run.log(1, std::string("ignoring corrupt register list cache: ") + e.what());
        return std::nullopt;
    }
}

// Updates the remembered "first seen open" time of each register's current shift and
// returns it per register (nullopt when closed or unknown).
std::vector<std::optional<TimePoint>> track_shifts(const std::vector<Register>& registers,
                                                   const CacheDir& dir, const std::string& key,
                                                   const Deadline& deadline,
                                                   TimePoint observed_at) {
    // Read-modify-write under a lock so concurrent runs do not lose each other's updates;
    // a run that cannot get it in time still reports, it just does not record.
    const auto wait =
        std::min<std::chrono::milliseconds>(deadline.remaining(), std::chrono::seconds(2));
    auto lock = dir.lock("shifts-" + key + ".lock", wait);
    ShiftStateCache cache(dir, key);
    auto state = cache.load();
    bool changed = false;
    std::vector<std::optional<TimePoint>> first_seen(registers.size());
    for (std::size_t i = 0; i < registers.size(); ++i) {
        const Register& r = registers[i];
        if (!r.serial_number || !r.is_shift_opened) continue;
        const std::string& serial = *r.serial_number;
        if (!*r.is_shift_opened) {
            changed |= state.erase(serial) > 0;
            continue;
        }
        auto it = state.find(serial);
        if (it == state.end() || it->second.shift_number != r.shift_number) {
            state[serial] = ShiftSeen{r.shift_number, observed_at};
            changed = true;
            first_seen[i] = observed_at;
        } else {
            first_seen[i] = it->second.first_seen_open;
        }
    }
    if (changed && lock) cache.store(state);
    return first_seen;
}

// A register's forecast from its ФН history, and its note when one is due.
struct Tracked {
    FnForecast forecast;
    std::optional<std::string> note;
};

// Records each register's observation in its ФН history (docs/forecast.md) and forecasts
// from it. Read-modify-write under a lock, as the shift state; a run that cannot get the lock
// in time forecasts from what it read and records nothing, nor says a note it could not mark
// as said.
std::vector<Tracked> track_history(const std::vector<Register>& registers, const CacheDir& dir,
                                   const std::string& key, const RunContext& run,
                                   TimePoint observed_at, TimePoint now) {
    const auto wait =
        std::min<std::chrono::milliseconds>(run.deadline.remaining(), std::chrono::seconds(2));
    FnHistoryStore store(dir, key);
    auto lock = dir.lock(store.lock_name(), wait);
    FnHistories histories = store.load();
    const SelectionFilter selected(run.config.selection);
    bool changed = false;
    std::vector<Tracked> tracked(registers.size());
    for (std::size_t i = 0; i < registers.size(); ++i) {
        const Register& r = registers[i];
        if (!r.serial_number) continue;
        const FnSample observed = observation_of(r, observed_at);
        auto it = histories.find(*r.serial_number);
        if (it == histories.end()) {
            if (!observed.fn_usage && !observed.signed_documents) continue;
            it = histories.emplace(*r.serial_number, FnHistory{}).first;
        }
        FnHistory& history = it->second;
        changed |= record_observation(history, r.fiscal_storage_serial_number, observed);
        tracked[i].forecast = forecast_fn(forecast_samples(history, observed), now);
        if (lock && run.shows_notes && history.unreported_replacement && selected(r)) {
            tracked[i].note = replacement_note(*history.unreported_replacement);
            history.unreported_replacement.reset();
            changed = true;
        }
    }
    if (changed && lock) {
        forget_stale(histories, observed_at);
        store.store(histories);
    }
    return tracked;
}

// The --group rule (docs/selection.md): the group code without its surrounding whitespace,
// byte for byte (no case folding, no Unicode normalisation); `wanted` is trimmed already.
bool in_group(const std::optional<std::string>& group_code, const std::string& wanted) {
    return group_code && trim(*group_code) == wanted;
}

RegisterStatus assess(Register r, const Thresholds& thresholds, TimePoint now,
                      std::optional<TimePoint> shift_first_seen, Tracked tracked) {
    RegisterStatus status;
    status.metrics = compute_metrics(r, now, shift_first_seen, tracked.forecast);
    status.evaluation = evaluate(r, status.metrics, thresholds, now, tracked.forecast);
    status.forecast = tracked.forecast;
    if (tracked.note) status.notes.push_back(std::move(*tracked.note));
    status.reg = std::move(r);
    return status;
}

// Fetches the list from the API (storing it for later runs when caching is on).
std::vector<Register> fetch_registers(const RunContext& run, const CacheDir& dir,
                                      const std::string& key, const RegisterListCache& cache,
                                      TimePoint fetched_at, Fleet& fleet) {
    CurlTransport http(http_options(run));
    TokenCache tokens(dir, key);
    AtolClient client(http, client_options(run.config), &tokens, run.clock);
    // Optional so it can be destroyed early: assigning to a boost::json::array keeps its
    // storage, and with it the arena holding the whole DOM.
    std::optional<boost::json::array> raw = client.list_registers(run.deadline);
    fleet.upstream_requests = client.stats().requests;
    run.log(1, "fetched " + std::to_string(raw->size()) + " registers in " +
                   std::to_string(client.stats().list_pages) + " page(s) from " +
                   run.config.base_url);
    if (run.config.cache_ttl.count() == 0) {
        std::vector<Register> registers;
        registers.reserve(raw->size());
        for (const auto& element : *raw)
            registers.push_back(boost::json::value_to<Register>(element));
        return registers;
    }
    // The registers are read from the cache text, as every later run reads them: the DOM is
    // gone by then, so the DOM and the registers never take memory at once (100,000 registers).
    CachedList list{fetched_at, boost::json::serialize(*raw), raw->size()};
    raw.reset();
    cache.store(list);
    return parse_register_list(list.registers_json);
}

}  // namespace

Fleet load_fleet(const RunContext& run, const Thresholds& thresholds) {
    CacheDir dir(run.config.cache_dir);
    const std::string key = cache_key(run.config.base_url, run.config.login);
    RegisterListCache list_cache(dir, key);

    Fleet fleet;
    fleet.now = run.clock.now();
    TimePoint fetched_at = fleet.now;
    auto registers = cached_registers(run, list_cache, fleet.now, fetched_at);
    // Single flight: concurrent runs that find the list stale elect one fetcher with a file
    // lock; the others wait (within their own budget) and then read what it stored. flock
    // dies with its holder, so a killed fetcher never leaves the others hanging.
    std::optional<CacheLock> fetch_lock;
    if (!registers && run.config.cache_ttl.count() > 0) {
        fetch_lock = dir.lock("registers-" + key + ".lock", run.deadline.remaining());
        if (!fetch_lock)
            throw TimeoutError("timed out waiting for another run fetching the register list");
        registers = cached_registers(run, list_cache, run.clock.now(), fetched_at);
    }
    if (registers) {
        fleet.from_cache = true;
        run.log(1, "register list from cache (" + std::to_string(registers->size()) +
                       " registers, fetched " + format_iso8601(fetched_at) + ")");
    } else {
        registers = fetch_registers(run, dir, key, list_cache, fetched_at, fleet);
    }
    fetch_lock.reset();
    fleet.fetched_at = fetched_at;

    auto first_seen = track_shifts(*registers, dir, key, run.deadline, fetched_at);
    auto tracked = track_history(*registers, dir, key, run, fetched_at, fleet.now);
    fleet.registers.reserve(registers->size());
    for (std::size_t i = 0; i < registers->size(); ++i)
        fleet.registers.push_back(assess(std::move((*registers)[i]), thresholds, fleet.now,
                                         first_seen[i], std::move(tracked[i])));
    return fleet;
}

RegisterStatus load_register(const RunContext& run, const Thresholds& thresholds,
                             std::string_view serial) {
    CacheDir dir(run.config.cache_dir);
    const std::string key = cache_key(run.config.base_url, run.config.login);
    CurlTransport http(http_options(run));
    TokenCache tokens(dir, key);
    AtolClient client(http, client_options(run.config), &tokens, run.clock);
    Register r = client.get_register(serial, run.deadline);
    const TimePoint now = run.clock.now();
    auto first_seen = track_shifts({r}, dir, key, run.deadline, now);
    auto tracked = track_history({r}, dir, key, run, now, now);
    return assess(std::move(r), thresholds, now, first_seen.front(), std::move(tracked.front()));
}

SelectionFilter::SelectionFilter(const Selection& selection)
    : selection_(selection),
      wanted_(selection.serials.begin(), selection.serials.end()),
      excluded_(selection.exclude_serials.begin(), selection.exclude_serials.end()) {}

bool SelectionFilter::asks_for(const Register& r) const {
    return r.serial_number && wanted_.contains(*r.serial_number);
}

bool SelectionFilter::operator()(const Register& r) const {
    if (!wanted_.empty() && !asks_for(r)) return false;
    if (r.serial_number && excluded_.contains(*r.serial_number)) return false;
    if (selection_.group && !in_group(r.group_code, *selection_.group)) return false;
    return !selection_.inn || r.fiscal_storage_inn == selection_.inn;
}

std::vector<const RegisterStatus*> select(const Fleet& fleet, const Selection& selection,
                                          std::vector<std::string>* missing) {
    const SelectionFilter selected(selection);
    std::unordered_set<std::string_view> found;
    std::vector<const RegisterStatus*> picked;
    for (const RegisterStatus& status : fleet.registers) {
        const Register& r = status.reg;
        // A --serial asked for is found even when another filter leaves it out.
        if (selected.asks_for(r)) found.insert(*r.serial_number);
        if (selected(r)) picked.push_back(&status);
    }
    if (missing) {
        for (const std::string& serial : selection.serials)
            if (!found.contains(serial) &&
                std::find(missing->begin(), missing->end(), serial) == missing->end())
                missing->push_back(serial);
    }
    return picked;
}

std::unique_ptr<Clock> make_clock(const EnvLookup& env) {
    if (auto fixed = env("ATOL_KKT_NOW")) {
        auto t = parse_iso8601(*fixed);
        if (!t) throw ConfigError("ATOL_KKT_NOW is not an ISO 8601 date-time: " + *fixed);
        return std::make_unique<FixedClock>(*t);
    }
    return std::make_unique<SystemClock>();
}

}  // namespace kkt
