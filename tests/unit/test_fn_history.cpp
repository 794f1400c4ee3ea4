// Each register's ФН history (common/fn_history.hpp): what is kept (one sample a UTC day, the
// current ФН only, the fit window), the replacement note, and the file: round trip, and a
// corrupt, truncated or foreign file read as no history, never a crash.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "common/cache.hpp"
#include "common/fn_history.hpp"
#include "shared/temp_dir.hpp"

namespace kkt {
namespace {

using namespace std::chrono;

// 2026-12-01 10:00 UTC.
const TimePoint day0 = TimePoint{sys_days{year{2026} / 12 / 1}} + hours{10};

TimePoint at(int day, int hour = 0) {
    return day0 + days{day} + hours{hour};
}

FnSample observation(TimePoint t, std::optional<double> usage,
                     std::optional<std::int64_t> documents = 1000) {
    return {t, usage, documents};
}

std::vector<FnSample> samples_of(const FnHistory& h) {
    auto decoded = decode_samples(h.samples);
    EXPECT_TRUE(decoded) << h.samples;
    return decoded.value_or(std::vector<FnSample>{});
}

void write_raw(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    ::chmod(path.c_str(), 0600);
}

TEST(FnSamples, EncodeAndDecodeRoundTrip) {
    const std::vector<FnSample> samples = {
        {TimePoint{seconds{1'796'025'600}}, 66.5, 100'000},
        {TimePoint{seconds{1'796'112'000}}, 68.5, 103'000},
        {TimePoint{seconds{1'796'198'400}}, std::nullopt, std::nullopt}};
    const std::string text = encode_samples(samples);
    EXPECT_EQ(text, "1796025600 66.5 100000;86400 68.5 103000;86400 - -");
    const auto back = decode_samples(text);
    ASSERT_TRUE(back);
    ASSERT_EQ(back->size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ((*back)[i].at, samples[i].at);
        EXPECT_EQ((*back)[i].fn_usage, samples[i].fn_usage);
        EXPECT_EQ((*back)[i].signed_documents, samples[i].signed_documents);
    }
    EXPECT_EQ(decode_samples("")->size(), 0u);
}

TEST(FnSamples, AnyOtherTextIsRefused) {
    for (const char* bad : {"x", "1 2", "1 2 3 4", "1 2 3;", ";1 2 3", "1 2 3;;4 5 6", "- 2 3",
                            "1 nan 3", "1 inf 3", "1 2 3.5", "1 2 3x", " 1 2 3", "1  2 3",
                            "1 2 99999999999999999999", "99999999999999999999 2 3", "1 2,5 3"})
        EXPECT_FALSE(decode_samples(bad)) << bad;
}

TEST(FnHistoryRecord, OneSampleAUtcDayAtMost) {
    FnHistory h;
    EXPECT_TRUE(record_observation(h, "FN1", observation(at(0), 10)));
    // Later the same UTC day (10:00 + 13 h = 23:00): nothing new.
    EXPECT_FALSE(record_observation(h, "FN1", observation(at(0, 13), 10.5)));
    // The next UTC day (00:00 + 1 h).
    EXPECT_TRUE(record_observation(h, "FN1", observation(at(0, 15), 11)));
    const auto kept = samples_of(h);
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(kept[0].at, at(0));
    EXPECT_EQ(kept[1].at, at(0, 15));
    EXPECT_EQ(h.fn_serial, "FN1");
    EXPECT_FALSE(h.unreported_replacement);
}

TEST(FnHistoryRecord, AnObservationWithoutValuesIsNotKept) {
    FnHistory h;
    EXPECT_FALSE(
        record_observation(h, std::nullopt, observation(at(0), std::nullopt, std::nullopt)));
    EXPECT_TRUE(samples_of(h).empty());
}

TEST(FnHistoryRecord, ANewFnSerialRestartsTheHistoryAndIsReportedOnce) {
    FnHistory h;
    for (int d = 0; d < 5; ++d) record_observation(h, "FN-OLD", observation(at(d), 80 + 2 * d));
    EXPECT_EQ(samples_of(h).size(), 5u);
    EXPECT_TRUE(record_observation(h, "FN-NEW", observation(at(5, 3), 0.5, 10)));
    const auto kept = samples_of(h);
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(kept[0].fn_usage, 0.5);
    EXPECT_EQ(h.fn_serial, "FN-NEW");
    ASSERT_TRUE(h.unreported_replacement);
    EXPECT_EQ(h.unreported_replacement->old_serial, "FN-OLD");
    EXPECT_EQ(h.unreported_replacement->new_serial, "FN-NEW");
    EXPECT_EQ(replacement_note(*h.unreported_replacement),
              "ФН replaced (FN-OLD → FN-NEW) on 2026-12-06");
}

TEST(FnHistoryRecord, AnUnknownSerialIsTheSameFn) {
    FnHistory h;
    record_observation(h, "FN1", observation(at(0), 10));
    record_observation(h, std::nullopt, observation(at(1), 11));
    EXPECT_EQ(h.fn_serial, "FN1");
    EXPECT_EQ(samples_of(h).size(), 2u);
    EXPECT_FALSE(h.unreported_replacement);
}

TEST(FnHistoryRecord, FallingCountersRestartWithoutAReplacementNote) {
    // The serial stayed (or the API did not give it) but the counters start again.
    FnHistory h;
    for (int d = 0; d < 3; ++d) record_observation(h, "FN1", observation(at(d), 50 + d, 5000));
    EXPECT_TRUE(record_observation(h, "FN1", observation(at(3), 1, 20)));
    ASSERT_EQ(samples_of(h).size(), 1u);
    EXPECT_FALSE(h.unreported_replacement);
}

TEST(FnHistoryRecord, AClockGoneBackwardsChangesNothing) {
    FnHistory h;
    for (int d = 0; d < 4; ++d) record_observation(h, "FN1", observation(at(d), 50 + 2 * d));
    const std::string before = h.samples;
    // A status two days older, lower as it was then: not a new ФН, not a sample.
    EXPECT_FALSE(record_observation(h, "FN1", observation(at(1, 1), 52.1)));
    EXPECT_FALSE(record_observation(h, "FN1", observation(at(3), 56)));
    EXPECT_EQ(h.samples, before);
}

TEST(FnHistoryRecord, SamplesOlderThanTheWindowAreDropped) {
    FnHistory h;
    for (int d = 0; d <= 40; ++d) record_observation(h, "FN1", observation(at(d), 10 + d * 0.5));
    const auto kept = samples_of(h);
    ASSERT_EQ(kept.size(), static_cast<std::size_t>(forecast_window_days) + 1);
    EXPECT_EQ(kept.front().at, at(40 - static_cast<int>(forecast_window_days)));
    EXPECT_EQ(kept.back().at, at(40));
}

TEST(FnHistoryRecord, UnreadableSamplesStartAgain) {
    FnHistory h;
    h.fn_serial = "FN1";
    h.samples = "garbage";
    EXPECT_TRUE(record_observation(h, "FN1", observation(at(0, 1), 10)));
    ASSERT_EQ(samples_of(h).size(), 1u);
}

TEST(FnHistoryForecastSamples, TheObservationIsAddedWhenNewer) {
    FnHistory h;
    for (int d = 0; d < 4; ++d) record_observation(h, "FN1", observation(at(d), 60 + 2 * d));
    // Later the same day: not kept, but the forecast uses it.
    const FnSample now = observation(at(3, 12), 67);
    EXPECT_FALSE(record_observation(h, "FN1", now));
    const auto samples = forecast_samples(h, now);
    ASSERT_EQ(samples.size(), 5u);
    EXPECT_EQ(samples.back().at, at(3, 12));
    // Not newer: the history alone.
    EXPECT_EQ(forecast_samples(h, observation(at(3), 66)).size(), 4u);
}

TEST(FnHistoryForgetStale, HistoriesSilentLongerThanTheWindowGo) {
    FnHistories all;
    record_observation(all["recent"], "A", observation(at(0), 10));
    record_observation(all["silent"], "B", observation(at(-30), 10));
    all["empty"] = FnHistory{};
    FnHistory& replaced = all["replaced-silent"];
    record_observation(replaced, "C", observation(at(-40), 10));
    record_observation(replaced, "D", observation(at(-35), 1));
    EXPECT_TRUE(forget_stale(all, at(1)));
    // The unreported replacement stays until a run shows it.
    EXPECT_EQ(all.size(), 2u);
    EXPECT_TRUE(all.contains("recent"));
    EXPECT_TRUE(all.contains("replaced-silent"));
    EXPECT_FALSE(forget_stale(all, at(1)));
}

class FnHistoryStoreTest : public ::testing::Test {
  protected:
    testing::ScratchDir tmp;
    CacheDir dir{tmp.file("c")};
    FnHistoryStore store{dir, "k"};
    std::string file() const { return tmp.file("c/history-k.json"); }

    FnHistories two() const {
        FnHistories all;
        for (int d = 0; d < 3; ++d)
            record_observation(all["001"], "7380440800123456", observation(at(d), 10 + d, 100 * d));
        record_observation(all["002"], "OLD", observation(at(0), 90));
        record_observation(all["002"], "NEW", observation(at(1), 0.25, std::nullopt));
        return all;
    }
};

TEST_F(FnHistoryStoreTest, RoundTrip) {
    EXPECT_TRUE(store.load().empty());
    store.store(two());
    struct stat st {};
    ASSERT_EQ(::stat(file().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const FnHistories loaded = store.load();
    ASSERT_EQ(loaded.size(), 2u);
    EXPECT_EQ(loaded.at("001").fn_serial, "7380440800123456");
    EXPECT_EQ(loaded.at("001").samples, two().at("001").samples);
    EXPECT_FALSE(loaded.at("001").unreported_replacement);
    const FnHistory& replaced = loaded.at("002");
    EXPECT_EQ(replaced.samples, two().at("002").samples);
    ASSERT_TRUE(replaced.unreported_replacement);
    EXPECT_EQ(replaced.unreported_replacement->old_serial, "OLD");
    EXPECT_EQ(replaced.unreported_replacement->new_serial, "NEW");
    EXPECT_EQ(replaced.unreported_replacement->seen_at, at(1));
}

TEST_F(FnHistoryStoreTest, CorruptOrForeignFilesReadAsNoHistoryThenAreReplaced) {
    store.store(two());
    for (const char* corrupt :
         {"", "{", "[]", "null", R"({"version":2,"registers":{}})", R"({"version":1})",
          R"({"version":1,"registers":[]})", R"({"version":"1","registers":{}})",
          R"({"version":1,"registers":{"001":{"fn":null,"samples":"x"}}})",
          R"({"version":1,"registers":{"001":{"fn":5,"samples":""}}})",
          R"({"version":1,"registers":{"001":{"samples":""}}})",
          R"({"version":1,"registers":{"001":{"fn":null,"samples":"1 nan 2"}}})",
          R"({"version":1,"registers":{"001":{"fn":null,"samples":"","replaced":{"old":"a"}}}})",
          R"({"version":1,"registers":{"001":{"fn":null,"samples":"",)"
          R"("replaced":{"old":"a","new":"b","seen_at":"yesterday"}}}})",
          "\xff\xfe garbage"}) {
        write_raw(file(), corrupt);
        EXPECT_TRUE(store.load().empty()) << corrupt;
    }
    store.store(two());
    EXPECT_EQ(store.load().size(), 2u);
}

TEST_F(FnHistoryStoreTest, EveryTruncationReadsAsNoHistory) {
    store.store(two());
    std::ifstream in(file(), std::ios::binary);
    const std::string full(std::istreambuf_iterator<char>(in), {});
    ASSERT_GT(full.size(), 50u);
    for (std::size_t length = 0; length < full.size(); ++length) {
        write_raw(file(), full.substr(0, length));
        EXPECT_TRUE(store.load().empty()) << length;
    }
}

TEST_F(FnHistoryStoreTest, AFileOfAnotherUserOrOpenToOthersIsNotTrusted) {
    store.store(two());
    ::chmod(file().c_str(), 0644);
    EXPECT_TRUE(store.load().empty());
}

}  // namespace
}  // namespace kkt
