// The fetch record (common/fetch_record.hpp): success and failure times per account key, the
// failure's text, a missing or corrupt file read as an empty record.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/cache.hpp"
#include "common/fetch_record.hpp"
#include "shared/temp_dir.hpp"

namespace kkt {
namespace {

using TempDir = testing::ScratchDir;

TimePoint at(const char* iso) {
    return *parse_iso8601(iso);
}

TEST(FetchRecord, MissingFileIsAnEmptyRecord) {
    TempDir home;
    const CacheDir dir(home.file("cache"));
    const FetchRecord record = FetchRecordFile(dir, "k1").load();
    EXPECT_FALSE(record.fetched_at);
    EXPECT_FALSE(record.failed_at);
    EXPECT_EQ(record.error, "");
}

TEST(FetchRecord, FailureKeepsTheLastSuccessAndSuccessClearsTheFailure) {
    TempDir home;
    const CacheDir dir(home.file("cache"));
    const FetchRecordFile file(dir, "k1");
    file.record_success(at("2026-11-28T12:00:00Z"));
    file.record_failure(at("2026-11-28T12:01:00Z"), "request timed out");
    FetchRecord record = file.load();
    EXPECT_EQ(record.fetched_at, at("2026-11-28T12:00:00Z"));
    EXPECT_EQ(record.failed_at, at("2026-11-28T12:01:00Z"));
    EXPECT_EQ(record.error, "request timed out");

    file.record_failure(at("2026-11-28T12:02:00Z"), "HTTP 503");
    record = file.load();
    EXPECT_EQ(record.fetched_at, at("2026-11-28T12:00:00Z"));
    EXPECT_EQ(record.failed_at, at("2026-11-28T12:02:00Z"));
    EXPECT_EQ(record.error, "HTTP 503");

    file.record_success(at("2026-11-28T12:03:00Z"));
    record = file.load();
    EXPECT_EQ(record.fetched_at, at("2026-11-28T12:03:00Z"));
    EXPECT_FALSE(record.failed_at);
    EXPECT_EQ(record.error, "");
}

TEST(FetchRecord, AccountsHaveTheirOwnRecords) {
    TempDir home;
    const CacheDir dir(home.file("cache"));
    FetchRecordFile(dir, "k1").record_failure(at("2026-11-28T12:01:00Z"), "down");
    EXPECT_EQ(FetchRecordFile(dir, "k1").load().error, "down");
    EXPECT_EQ(FetchRecordFile(dir, "k2").load().error, "");
}

TEST(FetchRecord, CorruptOrForeignContentReadsAsEmptyAndIsReplaced) {
    for (const char* content :
         {"", "not json", "[]", R"({"fetched_at":1,"failed_at":null,"error":""})",
          R"({"fetched_at":"yesterday","failed_at":null,"error":""})",
          R"({"fetched_at":null,"failed_at":null})"}) {
        TempDir home;
        const CacheDir dir(home.file("cache"));
        {
            std::ofstream out(home.file("cache/fetch-k1.json"));
            out << content;
        }
        // Ours and private, as the cache dir wants its files: only the content is wrong.
        std::filesystem::permissions(
            home.file("cache/fetch-k1.json"),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
        const FetchRecordFile file(dir, "k1");
        const FetchRecord record = file.load();
        EXPECT_FALSE(record.fetched_at) << content;
        EXPECT_FALSE(record.failed_at) << content;
        EXPECT_EQ(record.error, "") << content;
        file.record_failure(at("2026-11-28T12:01:00Z"), "down");
        EXPECT_EQ(file.load().error, "down") << content;
    }
}

}  // namespace
}  // namespace kkt
