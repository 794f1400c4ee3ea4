// Per-register records (common/register_records.hpp) of the shift state and the ФН histories:
// one register is read in a bounded number of bytes whatever the fleet's size, and written
// without rewriting the others; an index or recent records are only ever used with the file of
// their own write; and a run that needs one register (load_fleet with only_serial) goes that way.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>

#include "common/cache.hpp"
#include "common/fleet.hpp"
#include "common/fn_history.hpp"
#include "common/register_records.hpp"
#include "shared/temp_dir.hpp"
#include "unit/numbered_serials.hpp"

namespace kkt {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
namespace fs = std::filesystem;
using TempDir = testing::ScratchDir;
using testing::numbered_serial;

const TimePoint t0 = std::chrono::sys_days{std::chrono::November / 28 / 2026} + 10h;

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_raw(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    ::chmod(path.c_str(), 0600);
}

// Register i's shift state and ФН history: a week of daily samples, 40 % full, +1 %/day.
ShiftSeen shift_of(std::size_t i) {
    return {static_cast<std::int64_t>(400 + i % 7), t0 - std::chrono::hours(1 + i % 5)};
}
FnHistory history_of(std::size_t i) {
    FnHistory h;
    for (int day = 7; day >= 1; --day)
        record_observation(h, "738044080" + std::to_string(1000000 + i),
                           {t0 - std::chrono::days(day), 40.0 - day, 1000 + 100 * (7 - day)});
    return h;
}

std::map<std::string, ShiftSeen> shifts_of(std::size_t registers) {
    std::map<std::string, ShiftSeen> state;
    for (std::size_t i = 0; i < registers; ++i) state.emplace(numbered_serial(i), shift_of(i));
    return state;
}
FnHistories histories_of(std::size_t registers) {
    FnHistories all;
    for (std::size_t i = 0; i < registers; ++i) all.emplace(numbered_serial(i), history_of(i));
    return all;
}

// The bytes of one register's read: the recent records (none here), the index's header probe
// (at most 4 KiB), about log2(N) entries of 24 bytes, the file's prefix and the one record.
constexpr std::size_t one_read_bound = 4096 + 24 * 20 + 64 + 1024;

TEST(RegisterRecords, OneRegistersShiftStateAndHistoryReadABoundedFewBytesOfASmallAndALargeFleet) {
    for (const std::size_t size : {100u, 50'000u}) {
        TempDir tmp;
        const CacheDir dir(tmp.file("c"));
        const ShiftStateCache shifts(dir, "k");
        const FnHistoryStore histories(dir, "k");
        shifts.store(shifts_of(size));
        histories.store(histories_of(size));
        for (const std::size_t i : {std::size_t{0}, size / 2, size - 1}) {
            const auto shift = shifts.load_one(numbered_serial(i));
            ASSERT_TRUE(shift.has_value()) << size;
            EXPECT_EQ(shift->value, shift_of(i));
            EXPECT_LE(shift->bytes_read, one_read_bound) << size;
            const auto history = histories.load_one(numbered_serial(i));
            ASSERT_TRUE(history.has_value()) << size;
            ASSERT_TRUE(history->value.has_value());
            EXPECT_EQ(history->value->samples, history_of(i).samples);
            EXPECT_EQ(history->value->fn_serial, history_of(i).fn_serial);
            EXPECT_LE(history->bytes_read, one_read_bound) << size;
        }
        // A register with none kept: said so, from the index alone.
        const auto absent = histories.load_one("99999999999999");
        ASSERT_TRUE(absent.has_value());
        EXPECT_FALSE(absent->value.has_value());
        EXPECT_LE(absent->bytes_read, 4096u + 24 * 20 + 64);
        if (size == 50'000) {  // the bound is a sliver of what the whole read would take
            EXPECT_GT(fs::file_size(tmp.file("c/shifts-k.json")), 100 * one_read_bound);
            EXPECT_GT(fs::file_size(tmp.file("c/history-k.json")), 500 * one_read_bound);
        }
    }
}

TEST(RegisterRecords, OneRegisterIsWrittenAsARecentRecordWithoutRewritingTheOthers) {
    TempDir tmp;
    const CacheDir dir(tmp.file("c"));
    const ShiftStateCache shifts(dir, "k");
    shifts.store(shifts_of(1000));
    const std::string whole = slurp(tmp.file("c/shifts-k.json"));
    const std::string index = slurp(tmp.file("c/shifts-k.index"));

    ASSERT_TRUE(shifts.store_one(numbered_serial(3), ShiftSeen{999, t0}));
    ASSERT_TRUE(shifts.store_one(numbered_serial(4), std::nullopt));  // forgotten
    ASSERT_TRUE(shifts.store_one("new", ShiftSeen{1, t0 + 1h}));      // not in the whole map
    EXPECT_EQ(slurp(tmp.file("c/shifts-k.json")), whole);
    EXPECT_EQ(slurp(tmp.file("c/shifts-k.index")), index);
    EXPECT_LT(fs::file_size(tmp.file("c/shifts-k.recent")), 400u);
    struct stat st {};
    ASSERT_EQ(::stat(tmp.file("c/shifts-k.recent").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    EXPECT_EQ(shifts.load_one(numbered_serial(3))->value, (ShiftSeen{999, t0}));
    EXPECT_EQ(shifts.load_one(numbered_serial(4))->value, std::nullopt);
    EXPECT_EQ(shifts.load_one("new")->value, (ShiftSeen{1, t0 + 1h}));
    EXPECT_EQ(shifts.load_one(numbered_serial(5))->value, shift_of(5));
    // The whole map sees them too; its next whole write takes them in and drops the file.
    auto state = shifts.load();
    EXPECT_EQ(state.size(), 1000u);
    EXPECT_EQ(state.at(numbered_serial(3)), (ShiftSeen{999, t0}));
    EXPECT_FALSE(state.contains(numbered_serial(4)));
    EXPECT_EQ(state.at("new"), (ShiftSeen{1, t0 + 1h}));
    shifts.store(state);
    EXPECT_FALSE(fs::exists(tmp.file("c/shifts-k.recent")));
    EXPECT_EQ(shifts.load(), state);
    EXPECT_EQ(shifts.load_one(numbered_serial(3))->value, (ShiftSeen{999, t0}));
}

TEST(RegisterRecords, TheRecentRecordsAreBoundedAndPastTheBoundTheWholeMapIsWritten) {
    TempDir tmp;
    const CacheDir dir(tmp.file("c"));
    const FnHistoryStore histories(dir, "k");
    // Nothing stored yet: no index to write one register beside.
    EXPECT_FALSE(histories.store_one(numbered_serial(0), history_of(0)));

    // Records of 4 KiB, so that the bound comes after a few writes.
    const RegisterRecords records(dir, "big-k", 1);
    RegisterRecords::Writer writer = records.writer();
    const std::vector<std::string> serials = {numbered_serial(0), numbered_serial(1)};
    for (const std::string& serial : serials) writer.add(serial, json::value(1));
    records.store_all(std::move(writer));
    const json::value big(std::string(4096, 'x'));
    std::size_t written = 0;
    while (records.store_one(numbered_serial(100 + written), &big)) ++written;
    EXPECT_EQ(written, RegisterRecords::max_recent_bytes / 4096 - 1);
    EXPECT_LE(fs::file_size(tmp.file("c/big-k.recent")), RegisterRecords::max_recent_bytes);
    // Each read stays bounded by the recent records' bound.
    const auto one = records.load_one(numbered_serial(1));
    ASSERT_TRUE(one && one->value);
    EXPECT_EQ(*one->value, json::value(1));
    EXPECT_LE(one->bytes_read, RegisterRecords::max_recent_bytes + one_read_bound);
    std::size_t loaded = 0;
    EXPECT_TRUE(records.load_all([&](std::string_view, const json::value&) { ++loaded; }));
    EXPECT_EQ(loaded, 2 + written);
}

TEST(RegisterRecords, AnIndexOrRecentRecordsOfAnotherWriteAreNeverUsed) {
    TempDir tmp;
    const CacheDir dir(tmp.file("c"));
    const ShiftStateCache shifts(dir, "k");
    shifts.store(shifts_of(20));
    const std::string old_index = slurp(tmp.file("c/shifts-k.index"));
    ASSERT_TRUE(shifts.store_one(numbered_serial(1), ShiftSeen{407, t0}));
    const std::string old_recent = slurp(tmp.file("c/shifts-k.recent"));

    // A newer whole map of the same size, its index not yet written (the old one still there),
    // and the recent records of the old map left behind: neither is used with it.
    auto state = shifts_of(20);
    state.at(numbered_serial(1)) = ShiftSeen{408, t0};
    shifts.store(state);
    write_raw(tmp.file("c/shifts-k.index"), old_index);
    write_raw(tmp.file("c/shifts-k.recent"), old_recent);
    EXPECT_EQ(shifts.load_one(numbered_serial(1)), std::nullopt);  // the whole map, then
    EXPECT_FALSE(shifts.store_one(numbered_serial(1), ShiftSeen{409, t0}));
    EXPECT_EQ(shifts.load().at(numbered_serial(1)), (ShiftSeen{408, t0}));
    // With its own index, the old recent records are still not applied.
    shifts.store(state);
    write_raw(tmp.file("c/shifts-k.recent"), old_recent);
    EXPECT_EQ(shifts.load_one(numbered_serial(1))->value, (ShiftSeen{408, t0}));
    EXPECT_EQ(shifts.load().at(numbered_serial(1)), (ShiftSeen{408, t0}));
}

TEST(RegisterRecords, DamageFallsBackToTheWholeMapNeverToAWrongAnswer) {
    TempDir tmp;
    const CacheDir dir(tmp.file("c"));
    const FnHistoryStore histories(dir, "k");
    const std::string index_path = tmp.file("c/history-k.index");
    const std::string file_path = tmp.file("c/history-k.json");
    const auto damaged = [&](const std::function<void()>& damage) {
        histories.store(histories_of(30));
        damage();
        return histories.load_one(numbered_serial(2));
    };
    EXPECT_EQ(damaged([&] { fs::remove(index_path); }), std::nullopt);
    EXPECT_EQ(damaged([&] { fs::resize_file(index_path, fs::file_size(index_path) - 1); }),
              std::nullopt);
    EXPECT_EQ(damaged([&] { fs::resize_file(file_path, fs::file_size(file_path) - 1); }),
              std::nullopt);
    EXPECT_EQ(damaged([&] { ::chmod(index_path.c_str(), 0644); }), std::nullopt);
    // The same size, another content: its prefix (the generation) is not the index's.
    EXPECT_EQ(damaged([&] {
                  std::string text = slurp(file_path);
                  text[30] = text[30] == 'a' ? 'b' : 'a';
                  write_raw(file_path, text);
              }),
              std::nullopt);
    // A record moved under the index: another serial's record is not taken for this one.
    EXPECT_EQ(damaged([&] {
                  std::string text = slurp(file_path);
                  const std::string a = "\"" + numbered_serial(2) + "\"",
                                    b = "\"" + numbered_serial(9) + "\"";
                  const auto pa = text.find(a), pb = text.find(b);
                  text.replace(pa, a.size(), b);
                  text.replace(pb, b.size(), a);
                  write_raw(file_path, text);
              }),
              std::nullopt);
    // A file written before the records had an index (version 1, no generation): read whole.
    write_raw(file_path, R"({"version":1,"registers":{")" + numbered_serial(2) +
                             R"(":{"fn":"F","samples":"1796025600 66.5 100000"}}})");
    fs::remove(index_path);
    EXPECT_EQ(histories.load_one(numbered_serial(2)), std::nullopt);
    EXPECT_EQ(histories.load().at(numbered_serial(2)).samples, "1796025600 66.5 100000");
}

// The whole map is read record by record when it has the shape the store writes (common/
// register_records.cpp); any other valid shape is read whole, and damage anywhere is no map at
// all, never part of one.
TEST(RegisterRecords, TheWholeMapReadsTheSameInAnyShapeAndNotAtAllWhenDamaged) {
    TempDir tmp;
    const CacheDir dir(tmp.file("c"));
    const FnHistoryStore histories(dir, "k");
    const std::string file_path = tmp.file("c/history-k.json");
    const FnHistories expected = histories_of(40);
    const auto as_text = [](const FnHistories& map) {
        std::string text;
        for (const auto& [serial, h] : map)
            text += serial + " " + h.fn_serial.value_or("-") + " " + h.samples + ";";
        return text;
    };
    histories.store(expected);
    const std::string written = slurp(file_path);
    EXPECT_EQ(as_text(histories.load()), as_text(expected));

    const json::object file = json::parse(written).as_object();
    const std::string registers = json::serialize(file.at("registers"));
    const std::string generation = json::serialize(file.at("generation"));
    const std::vector<std::string> other_shapes = {
        R"({"registers":)" + registers + R"(,"generation":)" + generation + R"(,"version":1})",
        "{ \"version\" : 1 ,\n \"generation\" : " + generation +
            ",\n\t\"registers\" : " + registers + " }\n",
    };
    for (const std::string& text : other_shapes) {
        write_raw(file_path, text);
        EXPECT_EQ(as_text(histories.load()), as_text(expected)) << text.substr(0, 80);
    }
    // Damage after the first records: nothing, rather than the records before it.
    const std::size_t middle = written.find(numbered_serial(20));
    ASSERT_NE(middle, std::string::npos);
    for (const std::string& text :
         {written.substr(0, middle + 30), written.substr(0, middle) + "}}",
          written.substr(0, middle) + "\"x\":[1,}}", written + "x",
          std::regex_replace(written, std::regex(R"("version":1)"), R"("version":2)")}) {
        write_raw(file_path, text);
        EXPECT_TRUE(histories.load().empty()) << text.substr(0, 80);
    }
}

// A cache as a run that fetched the list leaves it: the list and its index, and the shift
// state and ФН histories of its registers.
void prepare_cache(const CacheDir& dir, const std::string& key, std::size_t registers) {
    std::string text = "[";
    for (std::size_t i = 0; i < registers; ++i) {
        if (i > 0) text += ",";
        text += R"({"serialNumber":")" + numbered_serial(i) +
                R"(","isShiftOpened":true,"shiftNumber":)" + std::to_string(400 + i % 7) +
                R"(,"fiscalStorageSerialNumber":"738044080)" + std::to_string(1000000 + i) +
                R"(","fiscalStoragePercentageUse":40,"signedDocuments":1700})";
    }
    const CachedList list{t0, text + "]", registers};
    const RegisterListCache lists(dir, key);
    const std::string generation = lists.store(list);
    std::vector<TextSpan> spans;
    const auto parsed = parse_register_list(list.registers_json, &spans);
    std::vector<ListElement> elements;
    for (std::size_t i = 0; i < parsed.size(); ++i)
        elements.push_back({*parsed[i].serial_number, spans[i].offset, spans[i].length});
    lists.store_index(generation, list.registers_json.size(), elements);
    ShiftStateCache(dir, key).store(shifts_of(registers));
    FnHistoryStore(dir, key).store(histories_of(registers));
}

// Overwrites register `i`'s member of a whole-map file with garbage of the same size.
void damage_member(const std::string& path, std::size_t i) {
    std::string text = slurp(path);
    const auto at = text.find("\"" + numbered_serial(i) + "\"");
    ASSERT_NE(at, std::string::npos);
    text.replace(at + 20, 8, "########");
    write_raw(path, text);
}

TEST(RegisterRecords, ARunNeedingOneRegisterReadsAndWritesItsRecordsAlone) {
    TempDir tmp;
    Config config;
    config.base_url = "https://atol.invalid/api";  // never asked: the cache answers
    config.login = "login";
    config.cache_dir = tmp.file("c");
    config.cache_ttl = 3600s;
    const std::string key = cache_key(config.base_url, config.login);
    const CacheDir dir(config.cache_dir);
    prepare_cache(dir, key, 50);
    // The other registers' records garbled: read whole, either file would read as empty.
    damage_member(tmp.file("c/shifts-" + key + ".json"), 1);
    damage_member(tmp.file("c/history-" + key + ".json"), 1);
    ASSERT_TRUE(ShiftStateCache(dir, key).load().empty());
    ASSERT_TRUE(FnHistoryStore(dir, key).load().empty());
    const std::string history_before = slurp(tmp.file("c/history-" + key + ".json"));

    const FixedClock clock(t0 + 10min);
    const Deadline deadline(10s);
    const Log log;
    const std::string serial = numbered_serial(7);
    const RunContext run{config, clock, deadline, log, true, serial};
    const Fleet fleet = load_fleet(run, Thresholds::defaults());
    ASSERT_EQ(fleet.registers.size(), 1u);
    EXPECT_EQ(fleet.narrowed_from, 50u);
    const RegisterStatus& status = fleet.registers.front();
    // The shift first seen as its record says (shift 400 + 7 % 7, 1 + 7 % 5 hours before t0).
    EXPECT_EQ(status.reg.shift_number, 400);
    EXPECT_DOUBLE_EQ(*status.metrics.get(Metric::shift_open_hours), 3 + 10.0 / 60);
    // The forecast from its week of history: 40 % full at +1 %/day.
    ASSERT_TRUE(status.forecast.fn_full_days_left.has_value());
    EXPECT_NEAR(*status.forecast.fn_full_days_left, 60, 1);

    // Its new observation (a new day's sample: the list is of t0, the history's newest of t0 - 1
    // day) is written as a recent record; the whole map is not rewritten.
    EXPECT_EQ(slurp(tmp.file("c/history-" + key + ".json")), history_before);
    const auto kept = FnHistoryStore(dir, key).load_one(serial);
    ASSERT_TRUE(kept && kept->value);
    EXPECT_EQ(decode_samples(kept->value->samples)->back().at, t0);
    EXPECT_TRUE(fs::exists(tmp.file("c/history-" + key + ".recent")));
}

}  // namespace
}  // namespace kkt
