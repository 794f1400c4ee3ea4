// CacheDir removes the temp files of writers that died before their rename: only those of a
// PID that is gone, over a minute old, regular files of ours; never anything else.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/cache.hpp"

namespace kkt {
namespace {

namespace fs = std::filesystem;

// The PID of a process that has ended and been reaped.
pid_t dead_pid() {
    pid_t pid = 0;
    char arg0[] = "/bin/true";
    char* argv[] = {arg0, nullptr};
    char* envp[] = {nullptr};
    EXPECT_EQ(posix_spawn(&pid, "/bin/true", nullptr, nullptr, argv, envp), 0);
    int status = 0;
    waitpid(pid, &status, 0);
    return pid;
}

class StaleTemps : public ::testing::Test {
  protected:
    StaleTemps() {
        char pattern[] = "/tmp/atol-kkt-stale-XXXXXX";
        root = mkdtemp(pattern);
        dir = root + "/cache";
    }
    ~StaleTemps() override { fs::remove_all(root); }

    // A file in the cache dir, its modification time `age_seconds` ago.
    std::string plant(const std::string& name, long age_seconds) {
        const std::string path = dir + "/" + name;
        std::ofstream(path) << "half a register list";
        chmod(path.c_str(), 0600);
        timespec times[2];
        times[0].tv_sec = times[1].tv_sec = time(nullptr) - age_seconds;
        times[0].tv_nsec = times[1].tv_nsec = 0;
        utimensat(AT_FDCWD, path.c_str(), times, 0);
        return path;
    }

    std::string temp_of(pid_t pid) const {
        return ".registers-0123456789abcdef.json." + std::to_string(pid) + ".00112233445566ff";
    }

    std::string root, dir;
};

TEST_F(StaleTemps, AWriteRemovesOldTempsOfDeadWriters) {
    CacheDir cache(dir);
    const std::string stale = plant(temp_of(dead_pid()), 120);
    const std::string stale_token =
        plant(".token-0123456789abcdef.json.999999.0123456789abcdef", 3600);
    cache.write_atomic("shifts-0123456789abcdef.json", "{}");
    EXPECT_FALSE(fs::exists(stale));
    EXPECT_FALSE(fs::exists(stale_token));
    EXPECT_EQ(*cache.read("shifts-0123456789abcdef.json"), "{}");
}

TEST_F(StaleTemps, KeepsTempsOfLiveWritersRecentOnesAndOtherFiles) {
    CacheDir cache(dir);
    const std::vector<std::string> kept{
        plant(temp_of(getpid()), 3600),  // a live writer, however old
        plant(temp_of(dead_pid()), 10),  // recent: maybe a writer in another PID namespace
        plant(".hidden", 3600),          // not a temp name
        plant(".x.123.short", 3600),     // not a temp name
        plant("registers-0123456789abcdef.json", 3600),  // a cache file
    };
    const std::string link = dir + "/" + temp_of(dead_pid());
    fs::create_symlink(root + "/elsewhere", link);
    cache.write_atomic("token-0123456789abcdef.json", "{}");
    for (const auto& path : kept) EXPECT_TRUE(fs::exists(path)) << path;
    EXPECT_TRUE(fs::is_symlink(link));
}

}  // namespace
}  // namespace kkt
