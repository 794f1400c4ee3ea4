#include "common/fetch_record.hpp"

#include <boost/json.hpp>
#include <stdexcept>

namespace kkt {

namespace json = boost::json;

namespace {

json::value time_value(const std::optional<TimePoint>& t) {
    return t ? json::value(format_iso8601(*t)) : json::value(nullptr);
}

std::optional<TimePoint> time_of(const json::value& value) {
    if (value.is_null()) return std::nullopt;
    return time_in_cache_file(value);
}

}  // namespace

void tag_invoke(json::value_from_tag, json::value& out, const FetchRecord& record) {
    out = {{"fetched_at", time_value(record.fetched_at)},
           {"failed_at", time_value(record.failed_at)},
           {"error", record.error}};
}

FetchRecord tag_invoke(json::value_to_tag<FetchRecord>, const json::value& in) {
    const json::object& object = in.as_object();
    return {time_of(object.at("fetched_at")), time_of(object.at("failed_at")),
            json::value_to<std::string>(object.at("error"))};
}

FetchRecordFile::FetchRecordFile(const CacheDir& dir, std::string key)
    : dir_(dir), file_("fetch-" + key + ".json") {}

FetchRecord FetchRecordFile::load() const {
    auto content = dir_.read(file_);
    if (!content) return {};
    boost::system::error_code error;
    const json::value value = json::parse(*content, error);
    if (error) return {};
    try {
        return json::value_to<FetchRecord>(value);
    } catch (const std::exception&) {
        return {};
    }
}

void FetchRecordFile::record_success(TimePoint fetched_at) const {
    dir_.write_atomic(file_, json::serialize(json::value_from(FetchRecord{fetched_at, {}, {}})));
}

void FetchRecordFile::record_failure(TimePoint at, std::string_view error) const {
    FetchRecord record = load();
    record.failed_at = at;
    record.error = error;
    dir_.write_atomic(file_, json::serialize(json::value_from(record)));
}

}  // namespace kkt
