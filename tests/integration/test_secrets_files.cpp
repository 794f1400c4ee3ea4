// Files that guard secrets: config and password files readable by others are refused (as ssh
// does), 0600 and 0400 accepted; a cache dir of another user, open to others or planted as a
// symlink is refused; symlinks, FIFOs and foreign files planted at cache file paths are never
// followed nor trusted: their targets stay untouched.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/cache.hpp"
#include "common/config.hpp"
#include "integration/support/cache_check.hpp"
#include "integration/support/emulator.hpp"
#include "integration/support/report.hpp"
#include "shared/skip.hpp"

namespace kkt::testing {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class SecretFiles : public ::testing::Test {
  protected:
    SecretFiles() : emulator({"--registers", "20"}) {}

    // Refused by `list` (exit 2) and the check (UNKNOWN) with exactly `message`, nothing sent.
    // `check_suffix`: the check's mode notes, there once the options were read (" [test mode]").
    void expect_refused(const std::string& what, const std::vector<std::string>& args,
                        const std::string& message, const std::string& check_suffix = "",
                        bool report = true) {
        const Env env;
        std::vector<std::string> list_args{"list"};
        list_args.insert(list_args.end(), args.begin(), args.end());
        const RunResult list = atol_kkt(emulator, home, list_args, env);
        EXPECT_EQ(list.exit_code, 2) << what;
        EXPECT_EQ(list.err, "atol-kkt: " + message + "\n") << what;
        EXPECT_EQ(list.out, "");
        const RunResult check = check_atol_kkt(emulator, home, args, env);
        EXPECT_EQ(check.exit_code, 3) << what;
        EXPECT_EQ(check.out, "ATOL KKT UNKNOWN - " + message + check_suffix + "\n") << what;
        EXPECT_EQ(check.err, "");
        EXPECT_EQ(emulator.stats().at("requests").as_int64(), 0) << what;
        if (report) {
            report_row({table_cell(what), "exit 2: " + table_cell(message, home.path(), "$DIR"),
                        "UNKNOWN (3), the same message", HasFailure() ? "FAILED" : "nothing sent"});
        }
    }

    RunResult list(const std::vector<std::string>& args = {}, const Env& env = {}) {
        std::vector<std::string> all{"list", "--json"};
        all.insert(all.end(), args.begin(), args.end());
        return atol_kkt(emulator, home, all, env);
    }

    std::string cache() const { return home.path() + "/cache"; }
    std::string key() const { return cache_key(emulator.url(), demo_login); }

    Emulator emulator;
    TempDir home, elsewhere;
};

TEST_F(SecretFiles, ConfigAndPasswordFilesOpenToOthersAreRefused) {
    for (unsigned mode : {0644u, 0640u, 0604u}) {
        char octal[8];
        std::snprintf(octal, sizeof octal, "%04o", mode);
        const std::string config = home.write("open.conf", "password = x\n", mode);
        const bool first = mode == 0644u;  // one report row for the three modes
        expect_refused(std::string("config file mode ") + octal + " (also 0640, 0604)",
                       {"--config", config},
                       "config file " + config + " is accessible by other users (mode " + octal +
                           "); run: chmod 600 " + config,
                       "", first);
        const std::string password = home.write("open-password", "x\n", mode);
        expect_refused(std::string("password file mode ") + octal + " (also 0640, 0604)",
                       {"--password-file", password},
                       "password file " + password + " is accessible by other users (mode " +
                           octal + "); run: chmod 600 " + password,
                       "", first);
    }
}

TEST_F(SecretFiles, PrivateConfigAndPasswordFilesAreAccepted) {
    for (unsigned mode : {0600u, 0400u}) {
        const std::string config = home.write("private.conf", "verbose = 0\n", mode);
        const std::string password = home.write("private-password", "iGFFuihss\n", mode);
        const RunResult r = list({"--config", config, "--password-file", password});
        EXPECT_EQ(r.exit_code, 0) << mode << ": " << r.err;
    }
}

TEST_F(SecretFiles, CacheDirOpenToOthersIsRefused) {
    fs::create_directories(cache());
    chmod(cache().c_str(), 0755);
    expect_refused("cache dir mode 0755", {},
                   "cache dir " + cache() +
                       " is accessible by other users (mode 0755); run: "
                       "chmod 700 " +
                       cache(),
                   " [test mode]");
}

TEST_F(SecretFiles, CacheDirOfAnotherUserIsRefused) {
    if (geteuid() != 0) SKIP_OR_FAIL_IN_CI("needs root to give a directory to another user");
    fs::create_directories(cache());
    chmod(cache().c_str(), 0700);
    ASSERT_EQ(chown(cache().c_str(), 65534, 65534), 0);
    expect_refused("cache dir owned by another user", {},
                   "cache dir " + cache() +
                       " belongs to another user (uid 65534); use a --cache-dir of your own",
                   " [test mode]");
}

TEST_F(SecretFiles, SymlinkAtTheCacheDirPathIsNotFollowed) {
    fs::create_directory_symlink(elsewhere.path(), cache());
    expect_refused("symlink planted at the cache dir path", {},
                   "cache dir " + cache() + " is a symlink; refusing to follow it", " [test mode]");
    EXPECT_TRUE(fs::is_empty(elsewhere.path()));
}

// Planted symlinks at the token, register list, shift state and ФН history paths: the run works,
// the links are replaced by files of our own, the targets are untouched.
TEST_F(SecretFiles, SymlinksAtCacheFilePathsAreReplacedNotFollowed) {
    fs::create_directories(cache());
    chmod(cache().c_str(), 0700);
    std::vector<std::pair<std::string, std::string>> planted;  // link, target
    for (const char* kind : {"token-", "registers-", "shifts-", "history-"}) {
        const std::string target = elsewhere.write(std::string(kind) + "victim", "precious\n");
        const std::string link = cache() + "/" + kind + key() + ".json";
        fs::create_symlink(target, link);
        planted.emplace_back(link, target);
    }
    const RunResult r = list();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& [link, target] : planted) {
        EXPECT_EQ(read_file(target), "precious\n") << target;
        EXPECT_FALSE(fs::is_symlink(link)) << link;
    }
    const CacheInspection inspection = inspect_cache(cache());
    EXPECT_TRUE(inspection.consistent()) << inspection.summary();
    // 20 generated registers: some have a shift open, so the shift state is written too.
    EXPECT_EQ(inspection.token_files + inspection.list_files + inspection.shift_files, 3u);
    EXPECT_EQ(inspection.history_files, 1u);
    report_row({"symlinks planted at the token, list, shift state and ФН history file paths",
                "exit 0: the links replaced by 0600 files, the targets untouched", "-",
                HasFailure() ? "FAILED" : "consistent"});
}

// A symlink at a lock file path cannot be opened without following it: the run stops, with the
// reason, and the target is untouched.
TEST_F(SecretFiles, SymlinkAtALockFilePathIsNotFollowed) {
    fs::create_directories(cache());
    chmod(cache().c_str(), 0700);
    const std::string target = elsewhere.write("lock-victim", "precious\n");
    const std::string link = cache() + "/registers-" + key() + ".lock";
    fs::create_symlink(target, link);
    const RunResult r = list();
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err,
              "atol-kkt: cannot open lock file " + link + ": Too many levels of symbolic links\n");
    EXPECT_EQ(read_file(target), "precious\n");
    const RunResult check = check_atol_kkt(emulator, home, {});
    EXPECT_EQ(check.exit_code, 3);
    EXPECT_EQ(check.out, "ATOL KKT UNKNOWN - cannot open lock file " + link +
                             ": Too many levels of symbolic links [test mode]\n");
    EXPECT_EQ(read_file(target), "precious\n");
    report_row({"symlink planted at the list lock file path",
                "exit 1: " + table_cell(r.err.substr(10), home.path(), "$DIR"),
                "UNKNOWN (3), the same message", HasFailure() ? "FAILED" : "target untouched"});
}

// A token file that is not 0600 (or a FIFO) is not trusted: the run authenticates instead of
// sending the planted token, and does not hang on the FIFO.
TEST_F(SecretFiles, ForeignOrOddTokenFilesAreNotTrusted) {
    fs::create_directories(cache());
    chmod(cache().c_str(), 0700);
    const std::string token_file = cache() + "/token-" + key() + ".json";
    const std::string planted =
        R"({"token":"planted-token-0123456789","expires_at":"2099-01-01T00:00:00Z"})";
    {
        std::ofstream out(token_file);
        out << planted;
    }
    chmod(token_file.c_str(), 0644);
    RunResult r = list({"--cache-ttl", "0"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(emulator.stats().at("errors").as_int64(), 0) << "the planted token was sent";
    EXPECT_EQ(emulator.stats().at("auth").as_int64(), 1);
    EXPECT_NE(cached_token(cache()), "planted-token-0123456789");

    fs::remove(token_file);
    ASSERT_EQ(mkfifo(token_file.c_str(), 0600), 0);
    r = list({"--cache-ttl", "0"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(r.timed_out);
    EXPECT_TRUE(fs::is_regular_file(token_file));  // the FIFO replaced by a real token file
    report_row({"token file planted 0644, then as a FIFO",
                "exit 0: not trusted, authenticated anew, replaced; no hang", "-",
                HasFailure() ? "FAILED" : "consistent"});
}

}  // namespace
}  // namespace kkt::testing
