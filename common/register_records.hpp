#pragma once
// A map register serial -> JSON record in the cache dir that one register can be read from and
// written to without the whole map, at 100 or 100,000 registers: the shift state and the ФН
// histories (common/cache.hpp, common/fn_history.hpp). Three files of one stem:
//
//   STEM.json    {"version":V,"generation":G,"registers":{SERIAL:RECORD,…}}: the whole map,
//                written by runs that see the whole account;
//   STEM.index   its index (common/record_index.hpp): each register's member in STEM.json;
//   STEM.recent  {"generation":G,"registers":{SERIAL:RECORD or null,…}}: the records written
//                one at a time since STEM.json of generation G (null: forgotten), at most
//                max_recent_bytes; the next whole write takes them in and removes the file.
//
// Every file is replaced atomically, never rewritten. A reader opens STEM.recent, then the
// index, then STEM.json, and uses the index and the recent records only with the STEM.json of
// their generation: whatever writes happen meanwhile, it sees the map as it was at one moment
// (a newer STEM.json already holds the recent records of an older one). Writers hold the
// store's lock (the caller's). A missing or damaged index, or a STEM.json of an older format,
// makes load_one and store_one say so (nullopt, false): the caller reads the whole map then.
#include <boost/json/fwd.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>
#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/cache.hpp"

namespace kkt {

class RegisterRecords {
  public:
    // The recent records' bound: a per-register run reads them whole.
    static constexpr std::size_t max_recent_bytes = 64 * 1024;

    // `version`: the format of the records, written in STEM.json and required on reading.
    RegisterRecords(const CacheDir& dir, const std::string& stem, int version);

    // The whole map's text, built a register at a time; the serials are viewed, not copied,
    // and must outlive store_all.
    class Writer {
      public:
        void add(std::string_view serial, const boost::json::value& record);

      private:
        friend class RegisterRecords;
        Writer(std::string generation, std::string prefix);
        std::string generation_;
        std::string text_;
        std::vector<RecordSpan> records_;
    };
    Writer writer() const;
    // Replaces the whole map (and its index) with what `writer` holds; the recent records go.
    void store_all(Writer writer) const;

    // Gives each register's record, the recent ones applied, once to `each` (which may throw
    // to refuse one). False, and possibly some records given, when STEM.json is missing, not
    // of this version, corrupt, or refused.
    bool load_all(
        const std::function<void(std::string_view serial, const boost::json::value&)>& each) const;

    // One register's record through the index and the recent records; nullopt when that cannot
    // answer (no index of this STEM.json, damage, an older format): use load_all then.
    std::optional<OneRecord<boost::json::value>> load_one(std::string_view serial) const;
    // Writes one register's record (nullptr: forgets it) as a recent record; false when that
    // cannot be done (no index of this STEM.json, or the recent records would pass their
    // bound): the caller writes the whole map then.
    bool store_one(std::string_view serial, const boost::json::value* record) const;

    // The typed forms, for a map serial -> T with Boost.JSON conversions (the shift state, the
    // ФН histories): the whole map written a register at a time (a DOM of it would double its
    // memory), and one register's record, a record that does not map being none.
    template <typename Map>
    void store_map(const Map& map) const {
        Writer all = writer();
        for (const auto& [serial, record] : map) all.add(serial, boost::json::value_from(record));
        store_all(std::move(all));
    }
    template <typename T>
    std::optional<OneRecord<T>> load_one_as(std::string_view serial) const {
        auto one = load_one(serial);
        if (!one) return std::nullopt;
        try {
            return OneRecord<T>{
                one->value ? std::optional(boost::json::value_to<T>(*one->value)) : std::nullopt,
                one->bytes_read};
        } catch (const std::exception&) {
            return std::nullopt;  // then the whole map is read, and reads as absent
        }
    }

  private:
    const CacheDir& dir_;
    int version_;
    std::string file_, index_, recent_;
};

}  // namespace kkt
