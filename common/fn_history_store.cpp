// The ФН histories on disk: per-register records (common/register_records.hpp), register
// serial -> {"fn", "samples", "replaced"}, mapped with tag_invoke. A file that does not map
// (corrupt, truncated, another version) reads as no history and is replaced by the next store,
// as every cache file (cache_stores.cpp).
#include <boost/json.hpp>
#include <exception>
#include <stdexcept>

#include "common/cache.hpp"
#include "common/fn_history.hpp"
#include "common/register_records.hpp"

namespace kkt {

namespace json = boost::json;

namespace {

constexpr int history_format = 1;

}  // namespace

void tag_invoke(json::value_from_tag, json::value& out, const FnReplacement& r) {
    out = {{"old", r.old_serial}, {"new", r.new_serial}, {"seen_at", format_iso8601(r.seen_at)}};
}

FnReplacement tag_invoke(json::value_to_tag<FnReplacement>, const json::value& in) {
    const json::object& o = in.as_object();
    return {json::value_to<std::string>(o.at("old")), json::value_to<std::string>(o.at("new")),
            time_in_cache_file(o.at("seen_at"))};
}

void tag_invoke(json::value_from_tag, json::value& out, const FnHistory& h) {
    json::object o;
    o["fn"] = h.fn_serial ? json::value(*h.fn_serial) : json::value(nullptr);
    o["samples"] = h.samples;
    if (h.unreported_replacement) o["replaced"] = json::value_from(*h.unreported_replacement);
    out = std::move(o);
}

FnHistory tag_invoke(json::value_to_tag<FnHistory>, const json::value& in) {
    const json::object& o = in.as_object();
    FnHistory h;
    if (const json::value& fn = o.at("fn"); !fn.is_null())
        h.fn_serial = json::value_to<std::string>(fn);
    h.samples = json::value_to<std::string>(o.at("samples"));
    if (!decode_samples(h.samples)) throw std::invalid_argument("bad samples");
    if (const json::value* r = o.if_contains("replaced"))
        h.unreported_replacement = json::value_to<FnReplacement>(*r);
    return h;
}

FnHistoryStore::FnHistoryStore(const CacheDir& dir, const std::string& key)
    : dir_(dir), stem_("history-" + key), lock_("history-" + key + ".lock") {}

FnHistories FnHistoryStore::load() const {
    FnHistories histories;
    const bool loaded =
        RegisterRecords(dir_, stem_, history_format)
            .load_all([&histories](std::string_view serial, const json::value& record) {
                // The file is written from the map, in its order: the end is the place.
                histories.insert_or_assign(histories.end(), std::string(serial),
                                           json::value_to<FnHistory>(record));
            });
    if (!loaded) return {};
    return histories;
}

void FnHistoryStore::store(const FnHistories& histories) const {
    RegisterRecords(dir_, stem_, history_format).store_map(histories);
}

std::optional<OneRecord<FnHistory>> FnHistoryStore::load_one(std::string_view serial) const {
    return RegisterRecords(dir_, stem_, history_format).load_one_as<FnHistory>(serial);
}

bool FnHistoryStore::store_one(std::string_view serial, const FnHistory& history) const {
    const json::value record = json::value_from(history);
    return RegisterRecords(dir_, stem_, history_format).store_one(serial, &record);
}

}  // namespace kkt
