#pragma once
// The index beside a cache file of per-register records (the register list, the shift state, the
// ФН histories), to read one record without the whole file: a JSON line
// {"version":1,"generation":G,"bytes":M,"count":N}, then N entries of three native-endian uint64
// (FNV-1a hash of the record's key, offset, length of the record in the indexed file), sorted by
// hash. G is random per stored file and written in both (common/cache.hpp): a reader uses an
// index only with the file of the same G and size M, so it never combines an index of one write
// with the records of another.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/cache.hpp"
#include "common/cache_json.hpp"

namespace kkt {

// A header line is far shorter; a file whose first line is not within this is not ours.
constexpr std::size_t max_header_line = 4096;

// A new random generation: 16 hex digits.
std::string new_generation();

// The first line of `file` parsed as T, and where the rest starts; nullopt when it is not there
// or does not map. `bytes_read` grows by what was read.
template <typename T>
std::optional<std::pair<T, std::size_t>> header_of(const CacheFile& file, std::size_t& bytes_read) {
    std::string head;
    if (!file.read_at(0, std::min(file.size, max_header_line), head)) return std::nullopt;
    bytes_read += head.size();
    const auto end = head.find('\n');
    if (end == std::string::npos) return std::nullopt;
    auto header = cache_json::parse_as<T>(std::string_view(head).substr(0, end));
    if (!header) return std::nullopt;
    return std::pair(std::move(*header), end + 1);
}

// Writes index `name` of the file stored with `generation`, `bytes` long, holding `records`.
void store_record_index(const CacheDir& dir, std::string_view name, const std::string& generation,
                        std::uint64_t bytes, const std::vector<RecordSpan>& records);

// An index file opened and its header checked; its entries are read one at a time.
class RecordIndex {
  public:
    // nullopt when missing, not ours, or of a size its header does not account for.
    static std::optional<RecordIndex> open(const CacheDir& dir, std::string_view name);

    const std::string& generation() const { return generation_; }
    std::uint64_t bytes() const { return bytes_; }  // of the indexed file
    std::uint64_t count() const { return count_; }

    struct Lookup {
        enum { found, absent, unreadable } outcome = unreadable;
        std::uint64_t offset = 0, length = 0;  // when found
    };
    // The first record whose key hashes as `key` does, by binary search (about log2(N) entry
    // reads). Another key of the same hash is told apart by the caller, who reads the record.
    // unreadable: the file changed or is damaged.
    Lookup find(std::string_view key);
    std::size_t bytes_read() const { return bytes_read_; }  // of this file, so far

  private:
    explicit RecordIndex(CacheFile file) : file_(std::move(file)) {}
    CacheFile file_;
    std::string generation_;
    std::uint64_t bytes_ = 0, count_ = 0;
    std::size_t entries_start_ = 0;
    std::size_t bytes_read_ = 0;
};

}  // namespace kkt
