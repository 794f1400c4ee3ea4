#pragma once
// The on-disk cache: token per (base URL, login), the fetched register list for --cache-ttl,
// and the shift state. A directory 0700 of ours; files 0600, written atomically (temp file +
// rename); a corrupt or foreign file is ignored and replaced, never trusted.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/atol_client.hpp"
#include "common/clock.hpp"

namespace atol {

class CacheDir {
public:
    // Creates the directory (and parents) 0700 when missing. Refuses (ConfigError) a path
    // that is a symlink, not a directory, owned by another user, or accessible by
    // group/others.
    explicit CacheDir(std::string path);

    const std::string& path() const { return path_; }
    // nullopt when missing, not a regular file, a symlink, foreign, or unreadable.
    std::optional<std::string> read(std::string_view name) const;
    // Writes via a unique temp file in the same dir, fsync, rename; mode 0600.
    void write_atomic(std::string_view name, std::string_view data) const;
    void remove(std::string_view name) const;

private:
    std::string path_;
};

// A stable short hex key for (base URL, login): file names never show the login.
std::string cache_key(std::string_view base_url, std::string_view login);

class TokenCache final : public TokenStore {
public:
    TokenCache(const CacheDir& dir, std::string key);
    std::optional<std::string> load(TimePoint now) override;
    void save(const std::string& token, TimePoint expires_at) override;
    void forget() override;

private:
    const CacheDir& dir_;
    std::string file_;
};

struct CachedList {
    TimePoint fetched_at;
    std::string registers_json;  // the raw JSON array as list_registers() gave it
};

class RegisterListCache {
public:
    RegisterListCache(const CacheDir& dir, std::string key);
    // The cached list if fetched within `ttl` of `now` (and not in the future); else nullopt.
    std::optional<CachedList> load(TimePoint now, std::chrono::seconds ttl) const;
    void store(const CachedList& list) const;

private:
    const CacheDir& dir_;
    std::string file_;
};

// When each register's current shift was first seen open: serial -> (shift number, time).
struct ShiftSeen {
    std::optional<std::int64_t> shift_number;
    TimePoint first_seen_open;
};

class ShiftStateCache {
public:
    ShiftStateCache(const CacheDir& dir, std::string key);
    std::map<std::string, ShiftSeen> load() const;
    void store(const std::map<std::string, ShiftSeen>& state) const;

private:
    const CacheDir& dir_;
    std::string file_;
};

}  // namespace atol
