// The cached register list and its index (the format: common/cache.hpp, RegisterListCache).
// A check of one register reads the index's header, about log2(N) of its entries, the list's
// header line and that register's element: the same few kilobytes at 100 or 100,000 registers.
#include <algorithm>
#include <boost/json.hpp>
#include <cstring>
#include <random>

#include "common/cache.hpp"
#include "common/cache_json.hpp"

namespace kkt {

namespace json = boost::json;
using cache_json::parse_as;

namespace {

constexpr int register_list_format = 1;
constexpr int register_index_format = 1;
constexpr auto allowed_clock_skew = std::chrono::seconds(60);
// A header line is far shorter; a file whose first line is not within this is not ours.
constexpr std::size_t max_header_line = 4096;

struct ListHeader {
    int version = register_list_format;
    TimePoint fetched_at;
    std::uint64_t count = 0;
    std::uint64_t bytes = 0;
    std::string generation;  // empty in a list stored without an index
};

void tag_invoke(json::value_from_tag, json::value& out, const ListHeader& header) {
    out = {{"version", header.version},
           {"fetched_at", format_iso8601(header.fetched_at)},
           {"count", header.count},
           {"bytes", header.bytes},
           {"generation", header.generation}};
}

ListHeader tag_invoke(json::value_to_tag<ListHeader>, const json::value& in) {
    const json::object& object = in.as_object();
    const json::value* generation = object.if_contains("generation");
    return {json::value_to<int>(object.at("version")), time_in_cache_file(object.at("fetched_at")),
            json::value_to<std::uint64_t>(object.at("count")),
            json::value_to<std::uint64_t>(object.at("bytes")),
            generation ? json::value_to<std::string>(*generation) : std::string()};
}

struct IndexHeader {
    int version = register_index_format;
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
    std::uint64_t serial_hash = 0;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};
constexpr std::size_t index_entry_size = sizeof(IndexEntry);
static_assert(index_entry_size == 24);

std::string new_generation() {
    std::random_device random;
    const std::uint64_t value = (std::uint64_t{random()} << 32) ^ random();
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(value));
    return hex;
}

// The first line of `file` parsed as T, and where the rest starts; nullopt when it is not
// there or does not map. `bytes_read` grows by what was read.
template <typename T>
std::optional<std::pair<T, std::size_t>> header_of(const CacheFile& file, std::size_t& bytes_read) {
    std::string head;
    if (!file.read_at(0, std::min(file.size, max_header_line), head)) return std::nullopt;
    bytes_read += head.size();
    const auto end = head.find('\n');
    if (end == std::string::npos) return std::nullopt;
    auto header = parse_as<T>(std::string_view(head).substr(0, end));
    if (!header) return std::nullopt;
    return std::pair(std::move(*header), end + 1);
}

bool fresh(TimePoint fetched_at, TimePoint now, std::chrono::seconds ttl) {
    return fetched_at <= now + allowed_clock_skew && now - fetched_at < ttl;
}

}  // namespace

RegisterListCache::RegisterListCache(const CacheDir& dir, std::string key)
    : dir_(dir), file_("registers-" + key + ".json"), index_file_("registers-" + key + ".index") {}

std::optional<CachedList> RegisterListCache::load(TimePoint now, std::chrono::seconds ttl) const {
    if (ttl <= std::chrono::seconds(0)) return std::nullopt;
    auto content = dir_.read(file_);
    if (!content) return std::nullopt;
    auto header_end = content->find('\n');
    if (header_end == std::string::npos) return std::nullopt;
    auto header = parse_as<ListHeader>(std::string_view(*content).substr(0, header_end));
    std::size_t body_size = content->size() - header_end - 1;
    if (!header || header->version != register_list_format || header->bytes != body_size ||
        body_size < 2 || (*content)[header_end + 1] != '[' || content->back() != ']') {
        return std::nullopt;
    }
    if (!fresh(header->fetched_at, now, ttl)) return std::nullopt;
    content->erase(0, header_end + 1);  // in place: the body may be 100 MB
    return CachedList{header->fetched_at, std::move(*content),
                      static_cast<std::size_t>(header->count)};
}

std::string RegisterListCache::store(const CachedList& list) const {
    ListHeader header{register_list_format, list.fetched_at, list.count, list.registers_json.size(),
                      new_generation()};
    std::string header_line = json::serialize(json::value_from(header)) + "\n";
    dir_.write_atomic_parts(file_, {header_line, list.registers_json});
    return header.generation;
}

void RegisterListCache::store_index(const std::string& generation, const CachedList& list,
                                    const std::vector<ListElement>& elements) const {
    std::vector<IndexEntry> entries;
    entries.reserve(elements.size());
    for (const ListElement& e : elements)
        entries.push_back({fnv1a_64(e.serial), e.offset, e.length});
    std::sort(entries.begin(), entries.end(), [](const IndexEntry& a, const IndexEntry& b) {
        return a.serial_hash < b.serial_hash;
    });
    const IndexHeader header{register_index_format, generation, list.registers_json.size(),
                             entries.size()};
    const std::string header_line = json::serialize(json::value_from(header)) + "\n";
    const std::string_view body(reinterpret_cast<const char*>(entries.data()),
                                entries.size() * index_entry_size);
    dir_.write_atomic_parts(index_file_, {header_line, body});
}

std::optional<CachedRegister> RegisterListCache::load_one(TimePoint now, std::chrono::seconds ttl,
                                                          std::string_view serial) const {
    if (ttl <= std::chrono::seconds(0)) return std::nullopt;
    const auto index = dir_.open(index_file_);
    const auto list = dir_.open(file_);
    if (!index || !list) return std::nullopt;

    std::size_t index_bytes_read = 0;
    const auto index_header = header_of<IndexHeader>(*index, index_bytes_read);
    if (!index_header) return std::nullopt;
    // Named, not a structured binding: clang 14 (scripts/sanitize.sh) cannot capture one.
    const IndexHeader& ih = index_header->first;
    const std::size_t entries_start = index_header->second;
    if (ih.version != register_index_format || ih.generation.empty() ||
        index->size - entries_start != ih.count * index_entry_size)
        return std::nullopt;

    CachedRegister found;
    const auto list_header = header_of<ListHeader>(*list, found.list_bytes_read);
    if (!list_header) return std::nullopt;
    const auto& [lh, body_start] = *list_header;
    // The index of this very list: same generation and size, and the list whole.
    if (lh.version != register_list_format || lh.generation != ih.generation ||
        lh.bytes != ih.bytes || list->size - body_start != lh.bytes || lh.count < ih.count ||
        !fresh(lh.fetched_at, now, ttl))
        return std::nullopt;
    found.fetched_at = lh.fetched_at;
    found.count = static_cast<std::size_t>(lh.count);

    // The first entry whose hash is not below the serial's.
    const std::uint64_t hash = fnv1a_64(serial);
    std::string raw;
    IndexEntry entry;
    const auto entry_at = [&](std::uint64_t i) {
        if (!index->read_at(entries_start + i * index_entry_size, index_entry_size, raw))
            return false;
        std::memcpy(&entry, raw.data(), index_entry_size);
        return true;
    };
    std::uint64_t low = 0, high = ih.count;
    while (low < high) {
        const std::uint64_t mid = low + (high - low) / 2;
        if (!entry_at(mid)) return std::nullopt;
        if (entry.serial_hash < hash)
            low = mid + 1;
        else
            high = mid;
    }
    if (low == ih.count) return found;  // not in the list
    if (!entry_at(low)) return std::nullopt;
    if (entry.serial_hash != hash) return found;
    // Another serial of the same hash is told apart by the caller, who parses the element.
    if (entry.offset > lh.bytes || entry.length > lh.bytes - entry.offset ||
        entry.length > max_header_line * 64)
        return std::nullopt;
    std::string element;
    if (!list->read_at(body_start + entry.offset, entry.length, element)) return std::nullopt;
    found.list_bytes_read += element.size();
    found.register_json = std::move(element);
    return found;
}

}  // namespace kkt
