#pragma once
// The on-disk cache: token per (base URL, login), the fetched register list for --cache-ttl,
// and the shift state. A directory 0700 of ours; files 0600, written atomically (temp file +
// rename); a corrupt or foreign file is ignored and replaced, never trusted.
#include <boost/json/fwd.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/atol_client.hpp"
#include "common/clock.hpp"
#include "common/posix_io.hpp"

namespace kkt {

// An exclusive advisory lock (flock) on a file of the cache dir, held until destroyed: lets
// concurrent runs elect one fetcher of a stale register list.
class CacheLock {
  private:
    friend class CacheDir;
    explicit CacheLock(OwnedFd fd) : fd_(std::move(fd)) {}

  public:
    // The locked file's descriptor: a process that inherits it keeps the lock after this
    // object closes its copy (common/detached.hpp).
    int descriptor() const noexcept { return fd_.get(); }

  private:
    OwnedFd fd_;  // closing it releases the flock
};

// A cache file open for reading, and its size when opened.
struct CacheFile {
    OwnedFd fd;
    std::size_t size = 0;
    // Reads `length` bytes at `offset` into `out`; false when the file has fewer there (it
    // changed: a file is replaced, never rewritten in place, so that is not ours) or on error.
    bool read_at(std::size_t offset, std::size_t length, std::string& out) const;
};

class CacheDir {
  public:
    // Creates the directory (and parents) 0700 when missing. Refuses (ConfigError) a path
    // that is a symlink, not a directory, owned by another user, or accessible by
    // group/others.
    explicit CacheDir(std::string path);
    // Holds the open directory: files are reached relative to it, never through the path
    // again, so a directory swapped for a symlink later is never followed.
    CacheDir(const CacheDir&) = delete;
    CacheDir& operator=(const CacheDir&) = delete;

    const std::string& path() const { return path_; }
    // `name` is a plain file name (no '/', not starting with '.'); else Error.
    // nullopt when missing, not a regular file, a symlink, foreign, group/other-accessible,
    // larger than 256 MiB, or unreadable.
    std::optional<std::string> read(std::string_view name) const;
    // The same file opened instead of read, for reading parts of it (pread); nullopt as read().
    std::optional<CacheFile> open(std::string_view name) const;
    // Writes via a unique temp file in the same dir, fsync, rename; mode 0600. A symlink at
    // `name` is replaced, its target untouched. Throws Error (with the errno text).
    void write_atomic(std::string_view name, std::string_view data) const;
    // The same, the file's content being the concatenation of `parts` (no big joined copy).
    void write_atomic_parts(std::string_view name,
                            std::initializer_list<std::string_view> parts) const;
    void write_atomic_parts(std::string_view name,
                            const std::vector<std::string_view>& parts) const;
    // Missing is fine; throws Error for other failures.
    void remove(std::string_view name) const;
    // Takes the lock file `name` (created 0600 when missing), waiting up to `wait` for
    // another holder; nullopt when it is still held then. Throws Error if it cannot be opened.
    std::optional<CacheLock> lock(std::string_view name, std::chrono::milliseconds wait) const;

  private:
    std::string path_;
    OwnedFd fd_;
};

// A stable short hex key for (base URL, login): file names never show the login.
std::string cache_key(std::string_view base_url, std::string_view login);
// FNV-1a 64 of `text`: stable across runs and builds (std::hash is not).
std::uint64_t fnv1a_64(std::string_view text);

// A time as every cache file writes it (ISO 8601 text); throws std::invalid_argument (or
// Boost.JSON's error for a non-string) for anything else, which makes the file read as absent.
TimePoint time_in_cache_file(const boost::json::value& value);

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
    std::size_t count = 0;       // registers in it (informational: not checked on load)
};

// Where one record lies in a file with an index (common/record_index.hpp): a register's element
// in a cached list's array text (offset from its '['), a register's member in the shift state
// or ФН history file (offset from the file's start).
struct RecordSpan {
    std::string_view key;  // the register's serial
    std::size_t offset = 0;
    std::size_t length = 0;
};
using ListElement = RecordSpan;

// One register of the cached list, read through the list's index (RegisterListCache::load_one).
struct CachedRegister {
    TimePoint fetched_at;
    std::size_t count = 0;                     // registers in the list
    std::optional<std::string> register_json;  // its element; nullopt: not in the list
    std::size_t list_bytes_read = 0;           // of the list file: bounded, whatever its size
};

// File: a first line of JSON {"version":1,"fetched_at":…,"count":N,"bytes":M,"generation":G},
// then the raw array text. The body is only checked for its size and its brackets (it may be
// 100 MB): the consumer parses it and treats a parse error as a miss.
//
// Beside it, "registers-KEY.index" (common/record_index.hpp) finds one register without reading
// the list: each serial's element in the array text. Its G is written in the list's header too:
// a reader uses an index only with the list of the same G and size, so it never combines an
// index of one list with the records of another (each file is replaced atomically; the list is
// written first, and until its index follows, the two disagree and readers parse the whole list).
class RegisterListCache {
  public:
    RegisterListCache(const CacheDir& dir, std::string key);
    // The cached list if fetched within `ttl` of `now` (age < ttl) and not more than 60 s in
    // the future; else nullopt. ttl 0: always nullopt.
    std::optional<CachedList> load(TimePoint now, std::chrono::seconds ttl) const;
    // Stores the list; returns its generation, for store_index.
    std::string store(const CachedList& list) const;
    // The same, the list's text given as consecutive parts (common/list_text.hpp), `count`
    // registers fetched at `fetched_at`.
    std::string store(TimePoint fetched_at, std::size_t count,
                      const std::vector<std::string_view>& text) const;
    // Writes the index of the list stored with `generation` (`list_bytes` its text's size,
    // `elements` the registers in it that have a serial).
    void store_index(const std::string& generation, std::size_t list_bytes,
                     const std::vector<ListElement>& elements) const;
    // Register `serial` of the list load() would give, read through the index: its header, a
    // binary search of its entries, the list's header line and the one element. nullopt when
    // that list is missing or not fresh, or has no index of its own: parse it whole then.
    std::optional<CachedRegister> load_one(TimePoint now, std::chrono::seconds ttl,
                                           std::string_view serial) const;

  private:
    const CacheDir& dir_;
    std::string file_;
    std::string index_file_;
};

// One register's record, read without the others.
template <typename T>
struct OneRecord {
    std::optional<T> value;      // nullopt: none kept for the register
    std::size_t bytes_read = 0;  // of the store's files: bounded, whatever their size
};

// When each register's current shift was first seen open: serial -> (shift number, time).
struct ShiftSeen {
    std::optional<std::int64_t> shift_number;
    TimePoint first_seen_open;
    bool operator==(const ShiftSeen&) const = default;
};

// "shifts-KEY.json" with its index and recent records (common/register_records.hpp): one
// register's state is read and written without the others'. The caller holds lock_name()
// around a read and the write that follows it.
class ShiftStateCache {
  public:
    ShiftStateCache(const CacheDir& dir, const std::string& key);
    std::map<std::string, ShiftSeen> load() const;
    void store(const std::map<std::string, ShiftSeen>& state) const;
    // Register `serial`'s state alone; nullopt when it cannot be read alone: load() then.
    std::optional<OneRecord<ShiftSeen>> load_one(std::string_view serial) const;
    // Stores register `serial`'s state (nullopt: forgets it) alone; false when it cannot:
    // load(), change, store() then.
    bool store_one(std::string_view serial, const std::optional<ShiftSeen>& seen) const;
    const std::string& lock_name() const { return lock_; }

  private:
    const CacheDir& dir_;
    std::string stem_;
    std::string lock_;
};

}  // namespace kkt
