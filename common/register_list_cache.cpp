// The cached register list and its index (the format: common/cache.hpp, RegisterListCache).
// A check of one register reads the index's header, about log2(N) of its entries, the list's
// header line and that register's element: the same few kilobytes at 100 or 100,000 registers.
#include <boost/json.hpp>

#include "common/cache.hpp"
#include "common/cache_json.hpp"
#include "common/record_index.hpp"

namespace kkt {

namespace json = boost::json;
using cache_json::parse_as;

namespace {

constexpr int register_list_format = 1;
constexpr auto allowed_clock_skew = std::chrono::seconds(60);

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
    return store(list.fetched_at, list.count, {list.registers_json});
}

std::string RegisterListCache::store(TimePoint fetched_at, std::size_t count,
                                     const std::vector<std::string_view>& text) const {
    std::size_t bytes = 0;
    for (std::string_view part : text) bytes += part.size();
    ListHeader header{register_list_format, fetched_at, count, bytes, new_generation()};
    const std::string header_line = json::serialize(json::value_from(header)) + "\n";
    std::vector<std::string_view> parts{header_line};
    parts.insert(parts.end(), text.begin(), text.end());
    dir_.write_atomic_parts(file_, parts);
    return header.generation;
}

void RegisterListCache::store_index(const std::string& generation, std::size_t list_bytes,
                                    const std::vector<ListElement>& elements) const {
    store_record_index(dir_, index_file_, generation, list_bytes, elements);
}

std::optional<CachedRegister> RegisterListCache::load_one(TimePoint now, std::chrono::seconds ttl,
                                                          std::string_view serial) const {
    if (ttl <= std::chrono::seconds(0)) return std::nullopt;
    auto index = RecordIndex::open(dir_, index_file_);
    const auto list = dir_.open(file_);
    if (!index || !list) return std::nullopt;

    CachedRegister found;
    const auto list_header = header_of<ListHeader>(*list, found.list_bytes_read);
    if (!list_header) return std::nullopt;
    const auto& [lh, body_start] = *list_header;
    // The index of this very list: same generation and size, and the list whole.
    if (lh.version != register_list_format || lh.generation != index->generation() ||
        lh.bytes != index->bytes() || list->size - body_start != lh.bytes ||
        lh.count < index->count() || !fresh(lh.fetched_at, now, ttl))
        return std::nullopt;
    found.fetched_at = lh.fetched_at;
    found.count = static_cast<std::size_t>(lh.count);

    const RecordIndex::Lookup entry = index->find(serial);
    if (entry.outcome == RecordIndex::Lookup::unreadable) return std::nullopt;
    if (entry.outcome == RecordIndex::Lookup::absent) return found;  // not in the list
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
