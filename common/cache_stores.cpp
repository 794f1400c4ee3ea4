// What is kept in the cache dir: the token, the register list, the shift state. Each file is
// JSON mapped with tag_invoke; anything that does not map (corrupt, truncated, from another
// version) reads as absent and is replaced by the next store.
#include <boost/json.hpp>
#include <stdexcept>

#include "common/cache.hpp"

namespace kkt {

namespace json = boost::json;

namespace {

constexpr int register_list_format = 1;
constexpr auto allowed_clock_skew = std::chrono::seconds(60);

struct TokenFile {
    std::string token;
    TimePoint expires_at;
};

void tag_invoke(json::value_from_tag, json::value& out, const TokenFile& file) {
    out = {{"token", file.token}, {"expires_at", format_iso8601(file.expires_at)}};
}

TokenFile tag_invoke(json::value_to_tag<TokenFile>, const json::value& in) {
    const json::object& object = in.as_object();
    return {json::value_to<std::string>(object.at("token")),
            time_in_cache_file(object.at("expires_at"))};
}

struct ListHeader {
    int version = register_list_format;
    TimePoint fetched_at;
    std::uint64_t count = 0;
    std::uint64_t bytes = 0;
};

void tag_invoke(json::value_from_tag, json::value& out, const ListHeader& header) {
    out = {{"version", header.version},
           {"fetched_at", format_iso8601(header.fetched_at)},
           {"count", header.count},
           {"bytes", header.bytes}};
}

ListHeader tag_invoke(json::value_to_tag<ListHeader>, const json::value& in) {
    const json::object& object = in.as_object();
    return {json::value_to<int>(object.at("version")), time_in_cache_file(object.at("fetched_at")),
            json::value_to<std::uint64_t>(object.at("count")),
            json::value_to<std::uint64_t>(object.at("bytes"))};
}

// Parses `text` as T; nullopt for bad JSON or a shape that does not map.
template <typename T>
std::optional<T> parse_as(std::string_view text) {
    // An arena: the shift state of 100,000 registers is a few MB of small values, freed at once.
    json::monotonic_resource arena;
    boost::system::error_code error;
    json::value value = json::parse(text, error, &arena);
    if (error) return std::nullopt;
    try {
        return json::value_to<T>(value);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

void tag_invoke(json::value_from_tag, json::value& out, const ShiftSeen& seen) {
    json::object object;
    object["shift"] = seen.shift_number ? json::value(*seen.shift_number) : json::value(nullptr);
    object["first_seen_open"] = format_iso8601(seen.first_seen_open);
    out = std::move(object);
}

ShiftSeen tag_invoke(json::value_to_tag<ShiftSeen>, const json::value& in) {
    const json::object& object = in.as_object();
    const json::value& shift = object.at("shift");
    return {shift.is_null() ? std::nullopt : std::optional(json::value_to<std::int64_t>(shift)),
            time_in_cache_file(object.at("first_seen_open"))};
}

TokenCache::TokenCache(const CacheDir& dir, std::string key)
    : dir_(dir), file_("token-" + key + ".json") {}

std::optional<std::string> TokenCache::load(TimePoint now) {
    auto content = dir_.read(file_);
    if (!content) return std::nullopt;
    auto file = parse_as<TokenFile>(*content);
    if (!file || file->token.empty() || file->expires_at <= now) return std::nullopt;
    return file->token;
}

void TokenCache::save(const std::string& token, TimePoint expires_at) {
    dir_.write_atomic(file_, json::serialize(json::value_from(TokenFile{token, expires_at})));
}

void TokenCache::forget() {
    dir_.remove(file_);
}

RegisterListCache::RegisterListCache(const CacheDir& dir, std::string key)
    : dir_(dir), file_("registers-" + key + ".json") {}

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
    if (header->fetched_at > now + allowed_clock_skew) return std::nullopt;
    if (now - header->fetched_at >= ttl) return std::nullopt;
    content->erase(0, header_end + 1);  // in place: the body may be 100 MB
    return CachedList{header->fetched_at, std::move(*content),
                      static_cast<std::size_t>(header->count)};
}

void RegisterListCache::store(const CachedList& list) const {
    ListHeader header{register_list_format, list.fetched_at, list.count,
                      list.registers_json.size()};
    std::string header_line = json::serialize(json::value_from(header)) + "\n";
    dir_.write_atomic_parts(file_, {header_line, list.registers_json});
}

ShiftStateCache::ShiftStateCache(const CacheDir& dir, std::string key)
    : dir_(dir), file_("shifts-" + key + ".json") {}

std::map<std::string, ShiftSeen> ShiftStateCache::load() const {
    auto content = dir_.read(file_);
    if (!content) return {};
    return parse_as<std::map<std::string, ShiftSeen>>(*content).value_or(
        std::map<std::string, ShiftSeen>{});
}

void ShiftStateCache::store(const std::map<std::string, ShiftSeen>& state) const {
    dir_.write_atomic(file_, json::serialize(json::value_from(state)));
}

TimePoint time_in_cache_file(const json::value& value) {
    auto parsed = parse_iso8601(value.as_string());
    if (!parsed) throw std::invalid_argument("not an ISO 8601 time");
    return *parsed;
}

}  // namespace kkt
