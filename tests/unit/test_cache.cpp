// The cache dir and its files: ours and private or refused; symlinks never followed; atomic
// replacement; corrupt, stale or foreign content read as absent and then replaced.
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "common/cache.hpp"
#include "common/errors.hpp"
#include "shared/skip.hpp"
#include "shared/temp_dir.hpp"

namespace kkt {
namespace {

using namespace std::chrono_literals;

using TempDir = testing::ScratchDir;

class UmaskScope {
  public:
    explicit UmaskScope(mode_t mask) : old_(::umask(mask)) {}
    ~UmaskScope() { ::umask(old_); }

  private:
    mode_t old_;
};

mode_t mode_of(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return 0;
    return st.st_mode;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_raw(const std::string& path, const std::string& content, mode_t mode = 0600) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    ::chmod(path.c_str(), mode);
}

std::set<std::string> entries(const std::string& dir) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        names.insert(entry.path().filename().string());
    }
    return names;
}

template <typename Action>
std::string config_error(Action action) {
    try {
        action();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "<no ConfigError>";
}

const TimePoint t0 = std::chrono::sys_days{std::chrono::November / 28 / 2026} + 10h;

TEST(CacheDir, CreatesMissingParentsPrivateWhateverTheUmask) {
    TempDir tmp;
    UmaskScope open_umask(0);
    std::string path = tmp.file("a/b/cache");
    CacheDir dir(path);
    EXPECT_EQ(dir.path(), path);
    EXPECT_TRUE(S_ISDIR(mode_of(path)));
    EXPECT_EQ(mode_of(path) & 07777, 0700u);
    EXPECT_EQ(mode_of(tmp.file("a")) & 07777, 0700u);
    EXPECT_EQ(mode_of(tmp.file("a/b")) & 07777, 0700u);
}

TEST(CacheDir, AcceptsAnExistingPrivateDir) {
    TempDir tmp;
    ASSERT_EQ(::mkdir(tmp.file("c").c_str(), 0700), 0);
    CacheDir dir(tmp.file("c/"));
    EXPECT_EQ(dir.path(), tmp.file("c"));
}

TEST(CacheDir, RefusesADirOthersCanReach) {
    TempDir tmp;
    std::string path = tmp.file("c");
    ASSERT_EQ(::mkdir(path.c_str(), 0700), 0);
    ASSERT_EQ(::chmod(path.c_str(), 0755), 0);
    EXPECT_EQ(
        config_error([&] { CacheDir dir(path); }),
        "cache dir " + path + " is accessible by other users (mode 0755); run: chmod 700 " + path);
    ASSERT_EQ(::chmod(path.c_str(), 0710), 0);
    EXPECT_EQ(
        config_error([&] { CacheDir dir(path); }),
        "cache dir " + path + " is accessible by other users (mode 0710); run: chmod 700 " + path);
}

TEST(CacheDir, RefusesADirOfAnotherUser) {
    TempDir tmp;
    std::string path = tmp.file("c");
    ASSERT_EQ(::mkdir(path.c_str(), 0700), 0);
    const uid_t other = ::geteuid() == 65534 ? 65533 : 65534;
    if (::chown(path.c_str(), other, static_cast<gid_t>(-1)) != 0) {
        SKIP_OR_FAIL_IN_CI("cannot chown here (needs root)");
    }
    EXPECT_EQ(config_error([&] { CacheDir dir(path); }),
              "cache dir " + path + " belongs to another user (uid " + std::to_string(other) +
                  "); use a --cache-dir of your own");
}

TEST(CacheDir, RefusesASymlinkedDir) {
    TempDir tmp;
    ASSERT_EQ(::mkdir(tmp.file("real").c_str(), 0700), 0);
    ASSERT_EQ(::symlink(tmp.file("real").c_str(), tmp.file("link").c_str()), 0);
    EXPECT_EQ(config_error([&] { CacheDir dir(tmp.file("link")); }),
              "cache dir " + tmp.file("link") + " is a symlink; refusing to follow it");
}

TEST(CacheDir, RefusesAFile) {
    TempDir tmp;
    write_raw(tmp.file("f"), "x");
    EXPECT_EQ(config_error([&] { CacheDir dir(tmp.file("f")); }),
              "cache dir " + tmp.file("f") + " is not a directory");
}

TEST(CacheDir, WritesPrivateFilesAtomically) {
    TempDir tmp;
    UmaskScope strict_umask(0277);  // would leave 0400 without the explicit chmod
    CacheDir dir(tmp.file("c"));
    dir.write_atomic("data.json", "first");
    dir.write_atomic("data.json", "second, longer");
    EXPECT_EQ(slurp(tmp.file("c/data.json")), "second, longer");
    EXPECT_EQ(mode_of(tmp.file("c/data.json")) & 07777, 0600u);
    EXPECT_EQ(entries(tmp.file("c")), std::set<std::string>{"data.json"});  // no temp left
    EXPECT_EQ(dir.read("data.json"), "second, longer");
    dir.write_atomic_parts("parts", {"a", "", "bc"});
    EXPECT_EQ(dir.read("parts"), "abc");
}

TEST(CacheDir, FailedWriteThrowsAndLeavesNoTemp) {
    TempDir tmp;
    CacheDir dir(tmp.file("c"));
    ASSERT_EQ(::mkdir(tmp.file("c/busy").c_str(), 0700), 0);
    ASSERT_EQ(::mkdir(tmp.file("c/busy/inner").c_str(), 0700), 0);  // non-empty: no rename
    EXPECT_THROW(dir.write_atomic("busy", "x"), Error);
    EXPECT_EQ(entries(tmp.file("c")), std::set<std::string>{"busy"});
}

TEST(CacheDir, SymlinkAtAFileNameIsNeverFollowed) {
    TempDir tmp;
    CacheDir dir(tmp.file("c"));
    std::string target = tmp.file("target");
    write_raw(target, "precious");
    ASSERT_EQ(::symlink(target.c_str(), tmp.file("c/token-x.json").c_str()), 0);

    EXPECT_EQ(dir.read("token-x.json"), std::nullopt);
    dir.write_atomic("token-x.json", "new");
    EXPECT_TRUE(S_ISREG(mode_of(tmp.file("c/token-x.json"))));
    EXPECT_EQ(slurp(tmp.file("c/token-x.json")), "new");
    EXPECT_EQ(slurp(target), "precious");
}

TEST(CacheDir, DirSwappedForASymlinkAfterOpeningIsNotFollowed) {
    TempDir tmp;
    CacheDir dir(tmp.file("c"));
    ASSERT_EQ(::rename(tmp.file("c").c_str(), tmp.file("moved").c_str()), 0);
    ASSERT_EQ(::mkdir(tmp.file("elsewhere").c_str(), 0700), 0);
    ASSERT_EQ(::symlink(tmp.file("elsewhere").c_str(), tmp.file("c").c_str()), 0);
    dir.write_atomic("f", "data");
    EXPECT_EQ(slurp(tmp.file("moved/f")), "data");  // the directory it checked
    EXPECT_TRUE(entries(tmp.file("elsewhere")).empty());
}

TEST(CacheDir, ForeignOrOddFilesReadAsAbsent) {
    TempDir tmp;
    CacheDir dir(tmp.file("c"));
    write_raw(tmp.file("c/shared"), "x", 0644);
    EXPECT_EQ(dir.read("shared"), std::nullopt);
    ASSERT_EQ(::mkdir(tmp.file("c/adir").c_str(), 0700), 0);
    EXPECT_EQ(dir.read("adir"), std::nullopt);
    ASSERT_EQ(::mkfifo(tmp.file("c/fifo").c_str(), 0600), 0);
    EXPECT_EQ(dir.read("fifo"), std::nullopt);  // and does not hang
    EXPECT_EQ(dir.read("missing"), std::nullopt);
    write_raw(tmp.file("c/ok"), "y", 0400);
    EXPECT_EQ(dir.read("ok"), "y");
    if (::chown(tmp.file("c/ok").c_str(), 65534, static_cast<gid_t>(-1)) == 0 &&
        ::geteuid() != 65534) {
        EXPECT_EQ(dir.read("ok"), std::nullopt);
    }
}

TEST(CacheDir, OnlyPlainNames) {
    TempDir tmp;
    CacheDir dir(tmp.file("c"));
    for (const char* name : {"", ".hidden", "../escape", "a/b", ".."}) {
        EXPECT_THROW(dir.read(name), Error) << name;
        EXPECT_THROW(dir.write_atomic(name, "x"), Error) << name;
    }
}

TEST(CacheDir, RemoveIsFineWhenMissing) {
    TempDir tmp;
    CacheDir dir(tmp.file("c"));
    dir.write_atomic("f", "x");
    dir.remove("f");
    dir.remove("f");
    EXPECT_TRUE(entries(tmp.file("c")).empty());
}

TEST(CacheDir, LockElectsOneHolder) {
    TempDir tmp;
    CacheDir dir(tmp.file("c"));
    // flock locks belong to the open file, so two locks of one process exclude each other.
    std::optional<CacheLock> first = dir.lock("registers.lock", 0ms);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(mode_of(tmp.file("c/registers.lock")) & 07777, 0600u);
    EXPECT_FALSE(dir.lock("registers.lock", 0ms).has_value());
    EXPECT_FALSE(dir.lock("registers.lock", 30ms).has_value());
    EXPECT_TRUE(dir.lock("other.lock", 0ms).has_value());
    first.reset();
    EXPECT_TRUE(dir.lock("registers.lock", 0ms).has_value());
}

TEST(CacheDir, LockWaitsForTheHolderToFinish) {
    TempDir tmp;
    CacheDir dir(tmp.file("c"));
    std::optional<CacheLock> held = dir.lock("l", 0ms);
    ASSERT_TRUE(held.has_value());
    std::promise<void> waiting;
    std::thread holder([&] {
        waiting.get_future().wait();  // the main thread is about to wait for the lock
        held.reset();
    });
    waiting.set_value();
    EXPECT_TRUE(dir.lock("l", 10s).has_value());
    holder.join();
}

TEST(CacheKey, StableHexOfUrlAndLogin) {
    EXPECT_EQ(cache_key("https://testonline.atol.ru/api", "v4-online-atol-ru"), "331494e0ea219964");
    EXPECT_EQ(cache_key("", ""), "af63c74c8601c8dd");
    EXPECT_NE(cache_key("https://a/api", "x"), cache_key("https://a/api", "y"));
    EXPECT_NE(cache_key("https://a/api", "x"), cache_key("https://b/api", "x"));
}

TEST(TokenCache, ServesTheTokenUntilItExpires) {
    TempDir tmp;
    CacheDir dir(tmp.file("c"));
    TokenCache tokens(dir, "k");
    EXPECT_EQ(tokens.load(t0), std::nullopt);
    tokens.save("tok-1", t0 + 1h);
    EXPECT_EQ(slurp(tmp.file("c/token-k.json")),
              R"({"token":"tok-1","expires_at":"2026-11-28T11:00:00Z"})");
    EXPECT_EQ(tokens.load(t0), "tok-1");
    EXPECT_EQ(tokens.load(t0 + 1h - 1s), "tok-1");
    EXPECT_EQ(tokens.load(t0 + 1h), std::nullopt);
    tokens.forget();
    EXPECT_EQ(tokens.load(t0), std::nullopt);
    EXPECT_TRUE(entries(tmp.file("c")).empty());
}

TEST(TokenCache, CorruptFileIsIgnoredThenReplaced) {
    TempDir tmp;
    CacheDir dir(tmp.file("c"));
    TokenCache tokens(dir, "k");
    for (const char* corrupt : {"{\"token\":\"t\",\"expires_at\":\"2026-11-28T11:", "[]",
                                "{\"token\":5}", R"({"token":"t","expires_at":"tomorrow"})",
                                R"({"token":"","expires_at":"2027-01-01T00:00:00Z"})"}) {
        write_raw(tmp.file("c/token-k.json"), corrupt);
        EXPECT_EQ(tokens.load(t0), std::nullopt) << corrupt;
    }
    tokens.save("tok-2", t0 + 24h);
    EXPECT_EQ(tokens.load(t0), "tok-2");
}

TEST(RegisterListCache, ServesTheListWithinItsTtl) {
    TempDir tmp;
    CacheDir dir(tmp.file("c"));
    RegisterListCache lists(dir, "k");
    const std::string body = R"([{"serialNumber":"1"},{"serialNumber":"2"}])";
    const std::string generation = lists.store(CachedList{t0, body, 2});
    EXPECT_EQ(generation.size(), 16u);  // random per stored list: what its index is tied to
    EXPECT_EQ(slurp(tmp.file("c/registers-k.json")),
              R"({"version":1,"fetched_at":"2026-11-28T10:00:00Z","count":2,"bytes":)" +
                  std::to_string(body.size()) + R"(,"generation":")" + generation + "\"}\n" + body);
    EXPECT_NE(lists.store(CachedList{t0, body, 2}), generation);

    auto fresh = lists.load(t0 + 59s, 60s);
    ASSERT_TRUE(fresh.has_value());
    EXPECT_EQ(fresh->registers_json, body);
    EXPECT_EQ(fresh->fetched_at, t0);
    EXPECT_EQ(fresh->count, 2u);
    EXPECT_EQ(lists.load(t0 + 60s, 60s), std::nullopt);  // stale
    EXPECT_EQ(lists.load(t0 + 1h, 60s), std::nullopt);
    EXPECT_EQ(lists.load(t0, 0s), std::nullopt);         // ttl 0: off
    EXPECT_TRUE(lists.load(t0 - 60s, 60s).has_value());  // a little clock skew is tolerated
    EXPECT_EQ(lists.load(t0 - 61s, 60s), std::nullopt);  // fetched in the future: distrusted
}

TEST(RegisterListCache, CorruptFilesAreIgnoredThenReplaced) {
    TempDir tmp;
    CacheDir dir(tmp.file("c"));
    RegisterListCache lists(dir, "k");
    const std::string header_start =
        R"({"version":1,"fetched_at":"2026-11-28T10:00:00Z","count":0,)";
    for (const std::string& corrupt :
         {std::string("[]"), std::string("garbage\n[]"),
          header_start + R"("bytes":2})" + "\n[]]",   // wrong byte count
          header_start + R"("bytes":3})" + "\n[]]x",  // wrong size too
          header_start + R"("bytes":4})" + "\n[1,2",  // truncated array
          header_start + R"("bytes":2})" + "\n{}",    // not an array
          std::string(R"({"version":2,"fetched_at":"2026-11-28T10:00:00Z","count":0,"bytes":2})") +
              "\n[]",                         // unknown format
          header_start + R"("bytes":2})"}) {  // no body at all
        write_raw(tmp.file("c/registers-k.json"), corrupt);
        EXPECT_EQ(lists.load(t0, 60s), std::nullopt) << corrupt;
    }
    write_raw(tmp.file("c/registers-k.json"), header_start + R"("bytes":2})" + "\n[]");
    EXPECT_TRUE(lists.load(t0, 60s).has_value());  // the control: that one is well formed
    lists.store(CachedList{t0, "[1]", 1});
    EXPECT_EQ(lists.load(t0, 60s)->registers_json, "[1]");
}

TEST(ShiftStateCache, RoundTrip) {
    TempDir tmp;
    CacheDir dir(tmp.file("c"));
    ShiftStateCache shifts(dir, "k");
    EXPECT_TRUE(shifts.load().empty());
    std::map<std::string, ShiftSeen> state{{"001", ShiftSeen{412, t0}},
                                           {"002", ShiftSeen{std::nullopt, t0 - 2h}}};
    shifts.store(state);
    // Per-register records (common/register_records.hpp): a random generation ties the file
    // to its index.
    const std::string text = slurp(tmp.file("c/shifts-k.json"));
    const std::string head = R"({"version":1,"generation":")";
    ASSERT_EQ(text.substr(0, head.size()), head);
    EXPECT_EQ(text.substr(head.size() + 16),
              R"(","registers":{"001":{"shift":412,"first_seen_open":"2026-11-28T10:00:00Z"},)"
              R"("002":{"shift":null,"first_seen_open":"2026-11-28T08:00:00Z"}}})");
    auto loaded = shifts.load();
    ASSERT_EQ(loaded.size(), 2u);
    EXPECT_EQ(loaded["001"].shift_number, 412);
    EXPECT_EQ(loaded["001"].first_seen_open, t0);
    EXPECT_EQ(loaded["002"].shift_number, std::nullopt);
    EXPECT_EQ(loaded["002"].first_seen_open, t0 - 2h);
}

TEST(ShiftStateCache, TheMapAloneAsWrittenBeforeTheIndexIsStillRead) {
    TempDir tmp;
    CacheDir dir(tmp.file("c"));
    ShiftStateCache shifts(dir, "k");
    write_raw(tmp.file("c/shifts-k.json"),
              R"({"001":{"shift":412,"first_seen_open":"2026-11-28T10:00:00Z"}})");
    EXPECT_EQ(shifts.load().at("001"), (ShiftSeen{412, t0}));
    // Without an index, one register is not read alone, nor written alone.
    EXPECT_EQ(shifts.load_one("001"), std::nullopt);
    EXPECT_FALSE(shifts.store_one("001", ShiftSeen{413, t0}));
}

TEST(ShiftStateCache, CorruptFileIsIgnoredThenReplaced) {
    TempDir tmp;
    CacheDir dir(tmp.file("c"));
    ShiftStateCache shifts(dir, "k");
    for (const char* corrupt :
         {"{", "[]", R"({"001":{"shift":"x","first_seen_open":"2026-11-28T10:00:00Z"}})",
          R"({"001":{"shift":1}})"}) {
        write_raw(tmp.file("c/shifts-k.json"), corrupt);
        EXPECT_TRUE(shifts.load().empty()) << corrupt;
    }
    shifts.store({{"003", ShiftSeen{7, t0}}});
    EXPECT_EQ(shifts.load().at("003").shift_number, 7);
}

}  // namespace
}  // namespace kkt
