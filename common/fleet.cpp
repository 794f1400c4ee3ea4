#include "common/fleet.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <unordered_set>

#include "common/atol_client.hpp"
#include "common/cache.hpp"
#include "common/detached.hpp"
#include "common/errors.hpp"
#include "common/fetch_record.hpp"
#include "common/fn_history.hpp"
#include "common/format.hpp"
#include "common/http.hpp"
#include "common/list_text.hpp"
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

// A register in the status it is assessed into (assess()).
RegisterStatus unassessed(Register r) {
    RegisterStatus status;
    status.reg = std::move(r);
    return status;
}

// The registers of a list's text (parse_register_list), each in the status it is assessed into:
// a vector of the registers beside the vector of their statuses would take a third more memory.
// `count`, the registers the list says it has, sizes the vector (a damaged count costs memory,
// never a wrong result).
std::vector<RegisterStatus> statuses_of(std::string_view json_text, std::size_t count) {
    std::vector<RegisterStatus> statuses;
    // No more than one register per 16 bytes of text is believed: a damaged count must not
    // reserve gigabytes.
    statuses.reserve(std::min(count, json_text.size() / 16));
    const auto keep = [&statuses](Register&& r) { statuses.push_back(unassessed(std::move(r))); };
    if (for_each_register_element(json_text, keep)) return statuses;
    statuses.clear();
    for (Register& r : parse_register_list(json_text)) keep(std::move(r));
    return statuses;
}

// Registers from a cached list, or nullopt when the cache is missing, stale or corrupt.
std::optional<std::vector<RegisterStatus>> cached_registers(const RunContext& run,
                                                            const RegisterListCache& cache,
                                                            TimePoint now, TimePoint& fetched_at) {
    if (run.config.cache_ttl.count() == 0) return std::nullopt;
    auto cached = cache.load(now, run.config.cache_ttl);
    if (!cached) return std::nullopt;
    try {
        auto registers = statuses_of(cached->registers_json, cached->count);
        fetched_at = cached->fetched_at;
        return registers;
    } catch (const ProtocolError& e) {
        run.log(1, std::string("ignoring corrupt register list cache: ") + e.what());
        return std::nullopt;
    }
}

// The shift rule for one register: updates `seen`, its kept state (nullopt: none; left as it is
// when the shift's state is unknown), and returns when its current shift was first seen open
// (nullopt when closed or unknown).
std::optional<TimePoint> track_shift(const Register& r, std::optional<ShiftSeen>& seen,
                                     TimePoint observed_at) {
    if (!r.is_shift_opened) return std::nullopt;
    if (!*r.is_shift_opened) {
        seen.reset();
        return std::nullopt;
    }
    if (!seen || seen->shift_number != r.shift_number)
        seen = ShiftSeen{r.shift_number, observed_at};
    return seen->first_seen_open;
}

// The registers of not yet assessed statuses, as the trackers read them (one vector of
// statuses, not a second one of registers).
class StatusRegisters {
  public:
    StatusRegisters(const std::vector<RegisterStatus>& statuses) : statuses_(statuses) {}
    std::size_t size() const { return statuses_.size(); }
    const Register& operator[](std::size_t i) const { return statuses_[i].reg; }
    const Register& front() const { return statuses_.front().reg; }

  private:
    const std::vector<RegisterStatus>& statuses_;
};

// Updates the remembered "first seen open" time of each register's current shift and
// returns it per register (nullopt when closed or unknown). `one_register`: the run needs only
// the one register it holds, read and written alone (common/register_records.hpp) when the
// store can.
std::vector<std::optional<TimePoint>> track_shifts(const StatusRegisters& registers,
                                                   const CacheDir& dir, const std::string& key,
                                                   const Deadline& deadline, TimePoint observed_at,
                                                   bool one_register) {
    // Read-modify-write under a lock so concurrent runs do not lose each other's updates;
    // a run that cannot get it in time still reports, it just does not record.
    const auto wait =
        std::min<std::chrono::milliseconds>(deadline.remaining(), std::chrono::seconds(2));
    ShiftStateCache cache(dir, key);
    auto lock = dir.lock(cache.lock_name(), wait);
    if (one_register && registers.size() == 1 && registers.front().serial_number) {
        const std::string& serial = *registers.front().serial_number;
        if (auto kept = cache.load_one(serial)) {
            std::optional<ShiftSeen> seen = kept->value;
            auto first_seen = track_shift(registers.front(), seen, observed_at);
            if (seen == kept->value || !lock || cache.store_one(serial, seen)) return {first_seen};
        }
    }
    auto state = cache.load();
    bool changed = false;
    std::vector<std::optional<TimePoint>> first_seen(registers.size());
    for (std::size_t i = 0; i < registers.size(); ++i) {
        const Register& r = registers[i];
        if (!r.serial_number) continue;
        const auto it = state.find(*r.serial_number);
        const auto kept = it == state.end() ? std::nullopt : std::optional(it->second);
        std::optional<ShiftSeen> seen = kept;
        first_seen[i] = track_shift(r, seen, observed_at);
        if (seen == kept) continue;
        changed = true;
        if (!seen)
            state.erase(it);
        else if (it == state.end())
            state.emplace(*r.serial_number, *seen);
        else
            it->second = *seen;
    }
    if (changed && lock) cache.store(state);
    return first_seen;
}

// A register's forecast from its ФН history, and its note when one is due.
struct Tracked {
    FnForecast forecast;
    std::optional<std::string> note;
};

// Whether an observation is worth starting a history with.
bool has_value(const FnSample& observed) {
    return observed.fn_usage || observed.signed_documents;
}

// One register's part of track_history: records `observed` in its `history`, forecasts from
// it, and takes its note when `may_note`; true when `history` changed.
bool track_fn(const Register& r, FnHistory& history, const FnSample& observed, bool may_note,
              TimePoint now, Tracked& tracked) {
    bool changed = record_observation(history, r.fiscal_storage_serial_number, observed);
    tracked.forecast = forecast_fn(forecast_samples(history, observed), now);
    if (may_note && history.unreported_replacement) {
        tracked.note = replacement_note(*history.unreported_replacement);
        history.unreported_replacement.reset();
        changed = true;
    }
    return changed;
}

// Records each register's observation in its ФН history (docs/forecast.md) and forecasts
// from it. Read-modify-write under a lock, as the shift state; a run that cannot get the lock
// in time forecasts from what it read and records nothing, nor says a note it could not mark
// as said. `one_register`: as for track_shifts.
std::vector<Tracked> track_history(const StatusRegisters& registers, const CacheDir& dir,
                                   const std::string& key, const RunContext& run,
                                   TimePoint observed_at, TimePoint now, bool one_register) {
    const auto wait =
        std::min<std::chrono::milliseconds>(run.deadline.remaining(), std::chrono::seconds(2));
    FnHistoryStore store(dir, key);
    auto lock = dir.lock(store.lock_name(), wait);
    const SelectionFilter selected(run.config.selection);
    const auto may_note = [&](const Register& r) { return lock && run.shows_notes && selected(r); };
    if (one_register && registers.size() == 1 && registers.front().serial_number) {
        const Register& r = registers.front();
        if (auto kept = store.load_one(*r.serial_number)) {
            const FnSample observed = observation_of(r, observed_at);
            if (!kept->value && !has_value(observed)) return {Tracked{}};
            FnHistory history = kept->value.value_or(FnHistory{});
            Tracked tracked;
            const bool changed = track_fn(r, history, observed, may_note(r), now, tracked);
            if (!changed || !lock || store.store_one(*r.serial_number, history)) return {tracked};
        }
    }
    FnHistories histories = store.load();
    bool changed = false;
    std::vector<Tracked> tracked(registers.size());
    for (std::size_t i = 0; i < registers.size(); ++i) {
        const Register& r = registers[i];
        if (!r.serial_number) continue;
        const FnSample observed = observation_of(r, observed_at);
        auto it = histories.find(*r.serial_number);
        if (it == histories.end()) {
            if (!has_value(observed)) continue;
            it = histories.emplace(*r.serial_number, FnHistory{}).first;
        }
        changed |= track_fn(r, it->second, observed, may_note(r), now, tracked[i]);
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

// Fills in the status of `status.reg`.
void assess(RegisterStatus& status, const Thresholds& thresholds, TimePoint now,
            std::optional<TimePoint> shift_first_seen, Tracked tracked) {
    const Register& r = status.reg;
    status.metrics = compute_metrics(r, now, shift_first_seen, tracked.forecast);
    status.evaluation = evaluate(r, status.metrics, thresholds, now, tracked.forecast);
    status.forecast = tracked.forecast;
    if (tracked.note) status.notes.push_back(std::move(*tracked.note));
}

// Writes the index of the list just stored (common/cache.hpp), best effort: without it,
// later runs parse the whole list, as they did before there was one.
void store_index(const RunContext& run, const RegisterListCache& cache,
                 const std::string& generation, std::size_t list_bytes,
                 const std::vector<ListElement>& elements) {
    try {
        cache.store_index(generation, list_bytes, elements);
    } catch (const Error& e) {
        run.log(1, std::string("cannot write the register list index: ") + e.what());
    }
}

// The registers themselves, when no cache keeps the list.
class UnassessedRegisters final : public RegisterSink {
  public:
    void add(const boost::json::value& element, std::string_view) override {
        registers.push_back(unassessed(boost::json::value_to<Register>(element)));
    }
    std::vector<RegisterStatus> registers;
};

// Fetches the list from the API (storing it for later runs when caching is on).
std::vector<RegisterStatus> fetch_registers(const RunContext& run, const CacheDir& dir,
                                            const std::string& key, const RegisterListCache& cache,
                                            TimePoint fetched_at, Fleet& fleet) {
    CurlTransport http(http_options(run));
    TokenCache tokens(dir, key);
    AtolClient client(http, client_options(run.config), &tokens, run.clock);
    const auto fetched = [&](std::size_t count) {
        fleet.upstream_requests = client.stats().requests;
        run.log(1, "fetched " + std::to_string(count) + " registers in " +
                       std::to_string(client.stats().list_pages) + " page(s) from " +
                       run.config.base_url);
    };
    if (run.config.cache_ttl.count() == 0) {
        UnassessedRegisters registers;
        client.list_registers(run.deadline, registers);
        fetched(registers.registers.size());
        return std::move(registers.registers);
    }
    // The registers are read from the cache text, as every later run reads them (and with
    // their count known, into a vector of the right size).
    ListText text;
    client.list_registers(run.deadline, text);
    const std::size_t count = text.count();
    fetched(count);
    const std::string generation = cache.store(fetched_at, count, text.parts());
    std::vector<RegisterStatus> registers;
    registers.reserve(count);
    std::vector<ListElement> elements;
    elements.reserve(count);
    const std::size_t list_bytes = text.bytes();
    std::move(text).take_registers([&](Register&& r, TextSpan span) {
        registers.push_back(unassessed(std::move(r)));  // reserved: never moves the serials
        if (const auto& serial = registers.back().reg.serial_number)
            elements.push_back({*serial, span.offset, span.length});
    });
    store_index(run, cache, generation, list_bytes, elements);
    return registers;
}

// fetch_registers(), and how it went in the fetch record (common/fetch_record.hpp), for the
// runs answering within a budget (load_fleet_within) that come after. Writing the record is
// best effort: it must neither fail a good fetch nor hide why one failed.
std::vector<RegisterStatus> fetch_and_record(const RunContext& run, const CacheDir& dir,
                                             const std::string& key, const RegisterListCache& cache,
                                             TimePoint fetched_at, Fleet& fleet) {
    const FetchRecordFile record(dir, key);
    const auto quietly = [&run](auto&& write) {
        try {
            write();
        } catch (const Error& e) {
            run.log(1, std::string("cannot write the fetch record: ") + e.what());
        }
    };
    try {
        auto registers = fetch_registers(run, dir, key, cache, fetched_at, fleet);
        quietly([&] { record.record_success(fetched_at); });
        return registers;
    } catch (const Error& e) {
        quietly([&] { record.record_failure(run.clock.now(), e.what()); });
        throw;
    }
}

// Tracks the shifts of `registers` (fetched at fleet.fetched_at) and assesses them into `fleet`.
void assess_all(const RunContext& run, const Thresholds& thresholds, const CacheDir& dir,
                const std::string& key, std::vector<RegisterStatus> registers, Fleet& fleet) {
    const bool one_register = fleet.narrowed_from.has_value();
    auto first_seen =
        track_shifts(registers, dir, key, run.deadline, *fleet.fetched_at, one_register);
    auto tracked =
        track_history(registers, dir, key, run, *fleet.fetched_at, fleet.now, one_register);
    for (std::size_t i = 0; i < registers.size(); ++i)
        assess(registers[i], thresholds, fleet.now, first_seen[i], std::move(tracked[i]));
    fleet.registers = std::move(registers);
}

// A register list and when it was fetched.
struct FetchedList {
    std::vector<RegisterStatus> registers;  // not assessed yet
    TimePoint fetched_at;
    std::size_t upstream_requests = 0;         // sent by this run to get it (0: from the cache)
    std::optional<std::size_t> narrowed_from;  // as Fleet::narrowed_from
};

// Register run.only_serial alone (none when the list lacks it) from the fresh cached list,
// through its index; nullopt when that cannot answer (not asked, no fresh list, no index of it,
// or an element of another serial with the same hash): the whole list is read then.
std::optional<FetchedList> cached_one(const RunContext& run, const RegisterListCache& cache,
                                      TimePoint now) {
    if (run.only_serial.empty() || run.config.cache_ttl.count() == 0) return std::nullopt;
    auto one = cache.load_one(now, run.config.cache_ttl, run.only_serial);
    if (!one) return std::nullopt;
    FetchedList list{{}, one->fetched_at, 0, one->count};
    if (one->register_json) {
        try {
            Register r = parse_register_element(*one->register_json);
            if (r.serial_number != run.only_serial) return std::nullopt;
            list.registers.push_back(unassessed(std::move(r)));
        } catch (const ProtocolError& e) {
            run.log(1, std::string("ignoring corrupt register list cache: ") + e.what());
            return std::nullopt;
        }
    }
    run.log(1, "register " + std::string(run.only_serial) + " from the cached list's index (" +
                   std::to_string(one->count) + " registers, fetched " +
                   format_iso8601(one->fetched_at) + ")");
    return list;
}

// Fills `fleet` from `list`, a list from the cache, and assesses it.
void assess_cached(const RunContext& run, const Thresholds& thresholds, const CacheDir& dir,
                   const std::string& key, FetchedList list, Fleet& fleet) {
    fleet.from_cache = true;
    fleet.fetched_at = list.fetched_at;
    fleet.narrowed_from = list.narrowed_from;
    assess_all(run, thresholds, dir, key, std::move(list.registers), fleet);
}

// The cached list whatever its age (the last good one), or nullopt when there is none or it is
// corrupt.
std::optional<FetchedList> last_good_list(const RunContext& run, const RegisterListCache& cache,
                                          TimePoint now) {
    constexpr auto any_age = std::chrono::seconds(std::chrono::hours(24 * 365 * 100));
    auto cached = cache.load(now, any_age);
    if (!cached) return std::nullopt;
    try {
        return FetchedList{statuses_of(cached->registers_json, cached->count), cached->fetched_at,
                           0, std::nullopt};
    } catch (const ProtocolError& e) {
        run.log(1, std::string("ignoring corrupt register list cache: ") + e.what());
        return std::nullopt;
    }
}

bool is_fresh(const FetchedList& list, const Config& config, TimePoint now) {
    return now - list.fetched_at < config.cache_ttl;
}

std::string lock_name(const std::string& key) {
    return "registers-" + key + ".lock";
}

// In the detached process: the fetch with the run's full --timeout, stored and recorded for
// the runs that come after; nobody reads its output.
void refresh_detached(const Config& config, const Clock& clock) {
    const Deadline deadline(config.timeout);
    const Log silent;
    const RunContext background{config, clock, deadline, silent};
    const CacheDir dir(config.cache_dir);
    const std::string key = cache_key(config.base_url, config.login);
    const RegisterListCache list_cache(dir, key);
    Fleet unused;
    fetch_and_record(background, dir, key, list_cache, clock.now(), unused);
}

// The list to answer from when the cached one is stale or missing (`last_good`): a refresh is
// started unless one is running (single flight: the lock passes to the detached process that
// fetches) and waited for until `answer` runs out. Then the newest list there is; without
// one, the refresh's error, or TimeoutError while it still runs.
FetchedList refresh_within(const RunContext& run, const Deadline& answer, const CacheDir& dir,
                           const std::string& key, const RegisterListCache& list_cache,
                           std::optional<FetchedList> last_good) {
    if (auto lock = dir.lock(lock_name(key), std::chrono::milliseconds(0))) {
        // Another run may have refreshed it between our read and the lock.
        if (auto list = last_good_list(run, list_cache, run.clock.now());
            list && is_fresh(*list, run.config, run.clock.now()))
            return std::move(*list);
        const bool started =
            run_detached(lock->descriptor(), [&run] { refresh_detached(run.config, run.clock); });
        if (!started) {
            run.log(1, "cannot start a background refresh: fetching within the answer budget");
            const RunContext quick{run.config, run.clock, answer, run.log, run.shows_notes};
            Fleet counted;
            const TimePoint fetched_at = run.clock.now();
            try {
                auto registers = fetch_and_record(quick, dir, key, list_cache, fetched_at, counted);
                return FetchedList{std::move(registers), fetched_at, counted.upstream_requests,
                                   std::nullopt};
            } catch (const Error&) {
                if (last_good) return std::move(*last_good);
                throw;
            }
        }
        run.log(1, "refreshing the register list in the background (up to " +
                       format_seconds(run.config.timeout) + " s)");
    }  // our copy of the lock closes: the detached process holds it until its fetch ends
    // The lock comes free when the refresh has ended, however it ended.
    const bool refresh_ended = dir.lock(lock_name(key), answer.remaining()).has_value();
    auto list = last_good_list(run, list_cache, run.clock.now());
    if (list && (!last_good || list->fetched_at >= last_good->fetched_at)) return std::move(*list);
    if (last_good) return std::move(*last_good);
    if (!refresh_ended)
        throw TimeoutError(
            "the ATOL API has not given the register list within the answer "
            "budget of " +
            format_seconds(answer.budget()) +
            " s; it is still being fetched in the background (up to " +
            format_seconds(run.config.timeout) + " s)");
    const FetchRecord record = FetchRecordFile(dir, key).load();
    throw Error(record.error.empty() ? "the register list could not be fetched" : record.error);
}

// Throws the recorded error when the last attempt to fetch failed after `list` was fetched:
// an old list must not hide that the API is failing.
void throw_if_failed_since(const CacheDir& dir, const std::string& key, const FetchedList& list) {
    const FetchRecord record = FetchRecordFile(dir, key).load();
    if (record.failed_at && *record.failed_at >= list.fetched_at && !record.error.empty())
        throw Error(record.error + " (the last register list was fetched " +
                    format_iso8601(list.fetched_at) + ")");
}

}  // namespace

Fleet load_fleet(const RunContext& run, const Thresholds& thresholds) {
    CacheDir dir(run.config.cache_dir);
    const std::string key = cache_key(run.config.base_url, run.config.login);
    RegisterListCache list_cache(dir, key);

    Fleet fleet;
    fleet.now = run.clock.now();
    if (auto one = cached_one(run, list_cache, fleet.now)) {
        assess_cached(run, thresholds, dir, key, std::move(*one), fleet);
        return fleet;
    }
    TimePoint fetched_at = fleet.now;
    auto registers = cached_registers(run, list_cache, fleet.now, fetched_at);
    // Single flight: concurrent runs that find the list stale elect one fetcher with a file
    // lock; the others wait (within their own budget) and then read what it stored. flock
    // dies with its holder, so a killed fetcher never leaves the others hanging.
    std::optional<CacheLock> fetch_lock;
    if (!registers && run.config.cache_ttl.count() > 0) {
        fetch_lock = dir.lock(lock_name(key), run.deadline.remaining());
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
    assess_all(run, thresholds, dir, key, std::move(*registers), fleet);
    return fleet;
}

Fleet load_fleet_within(const RunContext& run, const Thresholds& thresholds,
                        std::chrono::milliseconds budget) {
    const Deadline answer(std::min(budget, run.deadline.remaining()));
    const RunContext quick{run.config, run.clock,       answer,
                           run.log,    run.shows_notes, run.only_serial};
    // Without a cache there is no older list to answer from: the fetch itself gets the budget.
    if (run.config.cache_ttl.count() == 0) return load_fleet(quick, thresholds);

    CacheDir dir(run.config.cache_dir);
    const std::string key = cache_key(run.config.base_url, run.config.login);
    const RegisterListCache list_cache(dir, key);
    Fleet fleet;
    fleet.now = run.clock.now();
    if (auto one = cached_one(run, list_cache, fleet.now)) {
        assess_cached(quick, thresholds, dir, key, std::move(*one), fleet);
        return fleet;
    }
    auto list = last_good_list(run, list_cache, fleet.now);
    if (!list || !is_fresh(*list, run.config, fleet.now)) {
        list = refresh_within(run, answer, dir, key, list_cache, std::move(list));
        fleet.upstream_requests = list->upstream_requests;
        if (!is_fresh(*list, run.config, run.clock.now())) throw_if_failed_since(dir, key, *list);
    }
    fleet.from_cache = list->upstream_requests == 0;
    fleet.stale = !is_fresh(*list, run.config, fleet.now);
    fleet.fetched_at = list->fetched_at;
    run.log(1, std::string(fleet.stale ? "stale " : "") + "register list fetched " +
                   format_iso8601(list->fetched_at) + " (" +
                   std::to_string(list->registers.size()) + " registers)");
    assess_all(quick, thresholds, dir, key, std::move(list->registers), fleet);
    return fleet;
}

RegisterStatus load_register(const RunContext& run, const Thresholds& thresholds,
                             std::string_view serial) {
    CacheDir dir(run.config.cache_dir);
    const std::string key = cache_key(run.config.base_url, run.config.login);
    CurlTransport http(http_options(run));
    TokenCache tokens(dir, key);
    AtolClient client(http, client_options(run.config), &tokens, run.clock);
    std::vector<RegisterStatus> one{unassessed(client.get_register(serial, run.deadline))};
    const TimePoint now = run.clock.now();
    auto first_seen = track_shifts(one, dir, key, run.deadline, now, true);
    auto tracked = track_history(one, dir, key, run, now, now, true);
    assess(one.front(), thresholds, now, first_seen.front(), std::move(tracked.front()));
    return std::move(one.front());
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
