// The ФН histories on disk: one JSON object, register serial -> {"fn", "samples", "replaced"},
// mapped with tag_invoke. A file that does not map (corrupt, truncated, another version) reads
// as no history and is replaced by the next store, as every cache file (cache_stores.cpp).
#include <boost/json.hpp>
#include <stdexcept>

#include "common/cache.hpp"
#include "common/fn_history.hpp"

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
    : dir_(dir), file_("history-" + key + ".json"), lock_("history-" + key + ".lock") {}

FnHistories FnHistoryStore::load() const {
    auto content = dir_.read(file_);
    if (!content) return {};
    // An arena: 100,000 histories are 100,000 small values, freed at once.
    json::monotonic_resource arena;
    boost::system::error_code error;
    const json::value value = json::parse(*content, error, &arena);
    content.reset();
    if (error) return {};
    try {
        const json::object& file = value.as_object();
        if (json::value_to<int>(file.at("version")) != history_format) return {};
        FnHistories histories;
        for (const auto& [serial, history] : file.at("registers").as_object())
            histories.emplace(std::string(serial), json::value_to<FnHistory>(history));
        return histories;
    } catch (const std::exception&) {
        return {};
    }
}

void FnHistoryStore::store(const FnHistories& histories) const {
    // Written a register at a time: a DOM of the whole file would double its memory.
    std::string text = "{\"version\":" + std::to_string(history_format) + ",\"registers\":{";
    bool first = true;
    for (const auto& [serial, history] : histories) {
        if (!first) text += ',';
        first = false;
        text += json::serialize(json::string(serial));
        text += ':';
        text += json::serialize(json::value_from(history));
    }
    text += "}}";
    dir_.write_atomic(file_, text);
}

}  // namespace kkt
