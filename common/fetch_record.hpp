#pragma once
// How the last reads of the register list went, per (base URL, login): when a list was last
// fetched and why the attempts since then failed. Written by every fetch, read by runs that
// answer from an older list (a detached refresh did the fetch) and by status outputs, so a
// monitoring system sees the API failing even while it is served the last good list.
#include <optional>
#include <string>
#include <string_view>

#include "common/cache.hpp"
#include "common/clock.hpp"

namespace kkt {

struct FetchRecord {
    std::optional<TimePoint> fetched_at;  // the last list fetched (and cached when caching is on)
    std::optional<TimePoint> failed_at;   // the last failed attempt after it
    std::string error;  // why that attempt failed (no secrets); empty once a fetch succeeds
};

// File fetch-KEY.json of the cache dir, JSON mapped with tag_invoke; a missing or corrupt file
// reads as an empty record.
class FetchRecordFile {
  public:
    FetchRecordFile(const CacheDir& dir, std::string key);
    FetchRecord load() const;
    void record_success(TimePoint fetched_at) const;
    // Keeps the time of the last success.
    void record_failure(TimePoint at, std::string_view error) const;

  private:
    const CacheDir& dir_;
    std::string file_;
};

}  // namespace kkt
