#pragma once
// Each register's ФН history in the state cache (docs/forecast.md): the samples the forecast
// is fitted to, kept for the current ФН only, at most one per UTC day and for the fit's window,
// so the cache stays bounded (docs/forecast.md, "Size and cost"). When the ФН serial
// changes the history restarts, and the replacement is kept until a run shows it once.
//
// FnHistoryStore is the only code that knows how the histories are kept on disk.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/cache.hpp"
#include "common/clock.hpp"
#include "common/forecast.hpp"
#include "common/register.hpp"

namespace kkt {

struct FnReplacement {
    std::string old_serial;
    std::string new_serial;
    TimePoint seen_at;  // the first observation of the new ФН
};

// The samples stay encoded as text (encode_samples) until used: decoded, 100,000 registers'
// histories would take 2.5 times the memory.
struct FnHistory {
    std::optional<std::string> fn_serial;  // the ФН the samples are of
    std::string samples;                   // encode_samples(), oldest first
    std::optional<FnReplacement> unreported_replacement;
};

// "1796025600 66.5 100000;86400 68.5 103000": per sample its time, fn_usage and
// signed_documents, "-" for an unknown value; the first time in Unix seconds, each later one
// in seconds after the sample before. decode_samples gives nullopt for any other text.
std::string encode_samples(const std::vector<FnSample>& samples);
std::optional<std::vector<FnSample>> decode_samples(std::string_view text);

// The register's observation: its status time (`timestamp`, when the API measured it), else
// `observed_at` (when this program read it).
FnSample observation_of(const Register& r, TimePoint observed_at);

// Records observation `observed` of the register's ФН `fn_serial` (unknown: the same as
// before) in `history`; true when `history` changed and must be stored. A new ФН serial, or
// counters that went down (counters_restarted), restart the samples; only a new serial is a
// replacement to report. The observation is kept when it is the first of its UTC day and
// has a value; a time not later than the newest kept is ignored (a clock gone backwards);
// samples older than forecast_window_days before the newest are dropped.
bool record_observation(FnHistory& history, const std::optional<std::string>& fn_serial,
                        const FnSample& observed);

// What the forecast is fitted to: the history, then the observation when it is newer than
// the newest kept sample (it is that sample when it was just kept).
std::vector<FnSample> forecast_samples(const FnHistory& history, const FnSample& observed);

// "ФН replaced (7380440800123456 → 7380440800999999) on 2026-12-12".
std::string replacement_note(const FnReplacement& replacement);

// Register serial -> history. Histories whose newest sample is older than the fit window at
// `now` are dropped by forget_stale (registers gone from the account, or silent for weeks).
using FnHistories = std::map<std::string, FnHistory, std::less<>>;
bool forget_stale(FnHistories& histories, TimePoint now);

// The histories of one (base URL, login) in the cache dir: "history-KEY.json" with its index
// and recent records (common/register_records.hpp), so that one register's history is read and
// written without the others'; a missing, corrupt or foreign file reads as no history. The
// caller holds the lock lock_name() around a read and the write that follows it.
class FnHistoryStore {
  public:
    FnHistoryStore(const CacheDir& dir, const std::string& key);
    FnHistories load() const;
    void store(const FnHistories& histories) const;
    // Register `serial`'s history alone; nullopt when it cannot be read alone: load() then.
    std::optional<OneRecord<FnHistory>> load_one(std::string_view serial) const;
    // Stores register `serial`'s history alone; false when it cannot: load(), change, store().
    bool store_one(std::string_view serial, const FnHistory& history) const;
    const std::string& lock_name() const { return lock_; }

  private:
    const CacheDir& dir_;
    std::string stem_;
    std::string lock_;
};

}  // namespace kkt
