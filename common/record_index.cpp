// The index of a cache file's records (the format: common/record_index.hpp).
#include "common/record_index.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <cstring>
#include <random>

namespace kkt {

namespace json = boost::json;

namespace {

constexpr int record_index_format = 1;

struct IndexHeader {
    int version = record_index_format;
    std::string generation;
    std::uint64_t bytes = 0;
    std::uint64_t count = 0;
};

void tag_invoke(json::value_from_tag, json::value& out, const IndexHeader& header) {
    out = {{"version", header.version},
           {"generation", header.generation},
           {"bytes", header.bytes},
           {"count", header.count}};
}

IndexHeader tag_invoke(json::value_to_tag<IndexHeader>, const json::value& in) {
    const json::object& object = in.as_object();
    return {json::value_to<int>(object.at("version")),
            json::value_to<std::string>(object.at("generation")),
            json::value_to<std::uint64_t>(object.at("bytes")),
            json::value_to<std::uint64_t>(object.at("count"))};
}

// One index entry, as stored.
struct IndexEntry {
    std::uint64_t key_hash = 0;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};
constexpr std::size_t index_entry_size = sizeof(IndexEntry);
static_assert(index_entry_size == 24);

}  // namespace

std::string new_generation() {
    std::random_device random;
    const std::uint64_t value = (std::uint64_t{random()} << 32) ^ random();
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(value));
    return hex;
}

void store_record_index(const CacheDir& dir, std::string_view name, const std::string& generation,
                        std::uint64_t bytes, const std::vector<RecordSpan>& records) {
    std::vector<IndexEntry> entries;
    entries.reserve(records.size());
    for (const RecordSpan& r : records) entries.push_back({fnv1a_64(r.key), r.offset, r.length});
    std::sort(entries.begin(), entries.end(),
              [](const IndexEntry& a, const IndexEntry& b) { return a.key_hash < b.key_hash; });
    const IndexHeader header{record_index_format, generation, bytes, entries.size()};
    const std::string header_line = json::serialize(json::value_from(header)) + "\n";
    const std::string_view body(reinterpret_cast<const char*>(entries.data()),
                                entries.size() * index_entry_size);
    dir.write_atomic_parts(name, {header_line, body});
}

std::optional<RecordIndex> RecordIndex::open(const CacheDir& dir, std::string_view name) {
    auto file = dir.open(name);
    if (!file) return std::nullopt;
    RecordIndex index(std::move(*file));
    const auto header = header_of<IndexHeader>(index.file_, index.bytes_read_);
    if (!header) return std::nullopt;
    // Named, not a structured binding: clang 14 (scripts/sanitize.sh) cannot capture one.
    const IndexHeader& h = header->first;
    const std::size_t entries_start = header->second;
    if (h.version != record_index_format || h.generation.empty() ||
        index.file_.size - entries_start != h.count * index_entry_size)
        return std::nullopt;
    index.generation_ = h.generation;
    index.bytes_ = h.bytes;
    index.count_ = h.count;
    index.entries_start_ = entries_start;
    return index;
}

RecordIndex::Lookup RecordIndex::find(std::string_view key) {
    const std::uint64_t hash = fnv1a_64(key);
    std::string raw;
    IndexEntry entry;
    const auto entry_at = [&](std::uint64_t i) {
        if (!file_.read_at(entries_start_ + i * index_entry_size, index_entry_size, raw))
            return false;
        bytes_read_ += raw.size();
        std::memcpy(&entry, raw.data(), index_entry_size);
        return true;
    };
    // The first entry whose hash is not below the key's.
    std::uint64_t low = 0, high = count_;
    while (low < high) {
        const std::uint64_t mid = low + (high - low) / 2;
        if (!entry_at(mid)) return {};
        if (entry.key_hash < hash)
            low = mid + 1;
        else
            high = mid;
    }
    if (low == count_) return {Lookup::absent};
    if (!entry_at(low)) return {};
    if (entry.key_hash != hash) return {Lookup::absent};
    return {Lookup::found, entry.offset, entry.length};
}

}  // namespace kkt
