// What is kept in the cache dir: the token and the shift state (the register list:
// register_list_cache.cpp). Each file is JSON mapped with tag_invoke; anything that does not map
// (corrupt, truncated, from another version) reads as absent and is replaced by the next store.
#include <boost/json.hpp>
#include <exception>

#include "common/cache.hpp"
#include "common/cache_json.hpp"
#include "common/register_records.hpp"

namespace kkt {

namespace json = boost::json;
using cache_json::parse_as;

namespace {

constexpr int shift_state_format = 1;

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

ShiftStateCache::ShiftStateCache(const CacheDir& dir, const std::string& key)
    : dir_(dir), stem_("shifts-" + key), lock_("shifts-" + key + ".lock") {}

std::map<std::string, ShiftSeen> ShiftStateCache::load() const {
    std::map<std::string, ShiftSeen> state;
    const bool loaded = RegisterRecords(dir_, stem_, shift_state_format)
                            .load_all([&state](std::string_view serial, const json::value& record) {
                                // The file is written from the map, in its order: the end is the
                                // place.
                                state.insert_or_assign(state.end(), std::string(serial),
                                                       json::value_to<ShiftSeen>(record));
                            });
    if (loaded) return state;
    // The map alone, as written before the records had an index: read once, then replaced.
    auto content = dir_.read(stem_ + ".json");
    if (!content) return {};
    return parse_as<std::map<std::string, ShiftSeen>>(*content).value_or(
        std::map<std::string, ShiftSeen>{});
}

void ShiftStateCache::store(const std::map<std::string, ShiftSeen>& state) const {
    RegisterRecords(dir_, stem_, shift_state_format).store_map(state);
}

std::optional<OneRecord<ShiftSeen>> ShiftStateCache::load_one(std::string_view serial) const {
    return RegisterRecords(dir_, stem_, shift_state_format).load_one_as<ShiftSeen>(serial);
}

bool ShiftStateCache::store_one(std::string_view serial,
                                const std::optional<ShiftSeen>& seen) const {
    const RegisterRecords records(dir_, stem_, shift_state_format);
    if (!seen) return records.store_one(serial, nullptr);
    const json::value record = json::value_from(*seen);
    return records.store_one(serial, &record);
}

TimePoint time_in_cache_file(const json::value& value) {
    auto parsed = parse_iso8601(value.as_string());
    if (!parsed) throw std::invalid_argument("not an ISO 8601 time");
    return *parsed;
}

}  // namespace kkt
