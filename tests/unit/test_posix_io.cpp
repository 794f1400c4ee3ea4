// The POSIX helpers: an owned descriptor closes once; read_all/write_all move every byte
// through short transfers and signals; replace_file leaves the old file or the new one, never a
// temporary file, and never follows a symlink.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/errors.hpp"
#include "common/posix_io.hpp"
#include "shared/temp_dir.hpp"

namespace kkt {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ScratchDir = testing::ScratchDir;

bool is_open(int fd) {
    return ::fcntl(fd, F_GETFD) != -1;
}

struct Pipe {
    Pipe() {
        int ends[2];
        if (::pipe2(ends, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        read_end = OwnedFd(ends[0]);
        write_end = OwnedFd(ends[1]);
    }
    OwnedFd read_end, write_end;
};

// A text whose every byte depends on its position: a lost, doubled or reordered chunk shows.
std::string numbered(std::size_t size) {
    std::string text(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        text[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
    return text;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::set<std::string> entries(const std::string& dir) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        names.insert(entry.path().filename().string());
    return names;
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 ? st.st_mode : 0;
}

class UmaskScope {
  public:
    explicit UmaskScope(mode_t mask) : old_(::umask(mask)) {}
    ~UmaskScope() { ::umask(old_); }

  private:
    mode_t old_;
};

// SIGUSR1 with a handler installed without SA_RESTART, so a blocked read or write it hits
// returns early: EINTR, or the bytes moved so far (a short transfer).
std::atomic<int> interruptions{0};

class InterruptingSignal {
  public:
    InterruptingSignal() {
        struct sigaction action {};
        action.sa_handler = [](int) { ++interruptions; };
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0;
        ::sigaction(SIGUSR1, &action, &old_);
    }
    ~InterruptingSignal() { ::sigaction(SIGUSR1, &old_, nullptr); }

    // Signals `worker` every 100 µs until `done`.
    static void pester(std::thread& worker, const std::atomic<bool>& done) {
        while (!done) {
            ::pthread_kill(worker.native_handle(), SIGUSR1);
            std::this_thread::sleep_for(100us);
        }
    }

  private:
    struct sigaction old_ {};
};

// --- OwnedFd ----------------------------------------------------------------------------------

TEST(OwnedFd, ClosesWhenDestroyed) {
    int fd = -1;
    {
        const OwnedFd owned(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        fd = owned.get();
        ASSERT_TRUE(owned.valid());
        EXPECT_TRUE(is_open(fd));
    }
    EXPECT_FALSE(is_open(fd));
}

TEST(OwnedFd, MovingHandsOverOwnership) {
    OwnedFd first(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    const int fd = first.get();
    OwnedFd second(std::move(first));
    EXPECT_FALSE(first.valid());  // NOLINT(bugprone-use-after-move): moved-from is empty
    EXPECT_EQ(second.get(), fd);
    EXPECT_TRUE(is_open(fd));

    OwnedFd third(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    const int replaced = third.get();
    third = std::move(second);
    EXPECT_FALSE(is_open(replaced));  // the descriptor it held is closed
    EXPECT_EQ(third.get(), fd);
    EXPECT_TRUE(is_open(fd));
}

TEST(OwnedFd, ReleaseKeepsItOpenAndCloseReportsTheResult) {
    OwnedFd owned(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    const int fd = owned.release();
    EXPECT_FALSE(owned.valid());
    EXPECT_TRUE(is_open(fd));

    OwnedFd again(fd);
    EXPECT_EQ(again.close(), 0);
    EXPECT_FALSE(again.valid());
    EXPECT_FALSE(is_open(fd));
    EXPECT_EQ(again.close(), 0);  // nothing left to close
}

// --- read_all / write_all ---------------------------------------------------------------------

TEST(ReadAll, CollectsShortReadsUntilTheEnd) {
    Pipe pipe;
    const std::string text = numbered(200'000);
    std::thread writer([&] {
        // Small pieces with pauses: the reader sees many short reads.
        for (std::size_t at = 0; at < text.size(); at += 1000) {
            EXPECT_TRUE(write_all(pipe.write_end.get(), std::string_view(text).substr(at, 1000)));
            if (at % 50'000 == 0) std::this_thread::sleep_for(2ms);
        }
        pipe.write_end.close();
    });
    std::string got;
    EXPECT_TRUE(read_all(pipe.read_end.get(), got, 1'000'000));
    writer.join();
    EXPECT_EQ(got, text);
}

TEST(ReadAll, StopsOneByteAfterTheLimit) {
    ScratchDir tmp;
    const std::string path = tmp.file("f");
    std::ofstream(path, std::ios::binary) << numbered(5000);
    const std::vector<std::pair<std::size_t, std::size_t>> limits_and_sizes{
        {5000, 5000}, {4999, 5000}, {100, 101}, {0, 1}};
    for (const auto& [limit, expected] : limits_and_sizes) {
        SCOPED_TRACE(limit);
        const OwnedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        std::string got = "old content";
        ASSERT_TRUE(read_all(fd.get(), got, limit));
        EXPECT_EQ(got, numbered(5000).substr(0, expected));
    }
}

TEST(ReadAll, UsesReservedRoomAndReadsEmptyFiles) {
    ScratchDir tmp;
    std::ofstream(tmp.file("empty"));
    const OwnedFd empty(::open(tmp.file("empty").c_str(), O_RDONLY | O_CLOEXEC));
    std::string got = "x";
    ASSERT_TRUE(read_all(empty.get(), got, 10));
    EXPECT_EQ(got, "");

    const std::string text = numbered(300'000);
    std::ofstream(tmp.file("big"), std::ios::binary) << text;
    const OwnedFd big(::open(tmp.file("big").c_str(), O_RDONLY | O_CLOEXEC));
    std::string content;
    content.reserve(text.size() + 1);
    const char* buffer = content.data();
    ASSERT_TRUE(read_all(big.get(), content, text.size()));
    EXPECT_EQ(content, text);
    EXPECT_EQ(content.data(), buffer);  // no reallocation
}

TEST(ReadAll, AFailedReadIsFalseWithErrno) {
    const OwnedFd fd(::open("/dev/null", O_WRONLY | O_CLOEXEC));
    std::string got;
    errno = 0;
    EXPECT_FALSE(read_all(fd.get(), got, 10));
    EXPECT_EQ(errno, EBADF);
}

TEST(ReadAll, SurvivesSignalsWhileWaiting) {
    const InterruptingSignal signal;
    Pipe pipe;
    const std::string text = numbered(100'000);
    std::string got;
    std::atomic<bool> done{false};
    bool ok = false;
    std::thread reader([&] {
        ok = read_all(pipe.read_end.get(), got, text.size());
        done = true;
    });
    std::thread writer([&] {
        for (std::size_t at = 0; at < text.size(); at += 10'000) {
            std::this_thread::sleep_for(5ms);  // the reader blocks, and is interrupted
            EXPECT_TRUE(write_all(pipe.write_end.get(), std::string_view(text).substr(at, 10'000)));
        }
        pipe.write_end.close();
    });
    const int before = interruptions;
    InterruptingSignal::pester(reader, done);
    reader.join();
    writer.join();
    EXPECT_TRUE(ok);
    EXPECT_EQ(got, text);
    EXPECT_GT(interruptions - before, 0);
}

TEST(WriteAll, SurvivesSignalsAndShortWritesIntoAFullPipe) {
    const InterruptingSignal signal;
    Pipe pipe;  // 64 KiB of buffer: a 4 MiB write blocks, and each signal cuts it short
    const std::string text = numbered(4 * 1024 * 1024);
    std::atomic<bool> done{false};
    bool ok = false;
    std::thread writer([&] {
        ok = write_all(pipe.write_end.get(), text);
        pipe.write_end.close();
        done = true;
    });
    std::string got;
    std::thread reader([&] {
        char buffer[4096];
        for (;;) {
            const ssize_t n = ::read(pipe.read_end.get(), buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got.append(buffer, static_cast<std::size_t>(n));
            if (got.size() % (256 * 1024) < sizeof buffer) std::this_thread::sleep_for(1ms);
        }
    });
    const int before = interruptions;
    InterruptingSignal::pester(writer, done);
    writer.join();
    reader.join();
    EXPECT_TRUE(ok);
    EXPECT_EQ(got.size(), text.size());
    EXPECT_TRUE(got == text);
    EXPECT_GT(interruptions - before, 0);
}

TEST(WriteAll, AFailedWriteIsFalseWithErrno) {
    const OwnedFd fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    errno = 0;
    EXPECT_FALSE(write_all(fd.get(), "x"));
    EXPECT_EQ(errno, EBADF);
    EXPECT_TRUE(write_all(fd.get(), ""));  // nothing to write: nothing fails
}

// --- replace_file -----------------------------------------------------------------------------

class ReplaceFile : public ::testing::Test {
  protected:
    ReplaceFile() : dir(::open(tmp.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {}
    ScratchDir tmp;
    OwnedFd dir;
};

TEST_F(ReplaceFile, WritesThePartsWithTheModeAndLeavesNoTemporaryFile) {
    const UmaskScope strict(0277);  // would leave 0400 without the explicit chmod
    replace_file(dir.get(), "data", {"one ", "", "two"}, 0600, "the data");
    EXPECT_EQ(slurp(tmp.file("data")), "one two");
    EXPECT_EQ(mode_of(tmp.file("data")) & 07777, 0600u);
    replace_file(dir.get(), "data", {"three"}, 0644, "the data");
    EXPECT_EQ(slurp(tmp.file("data")), "three");
    EXPECT_EQ(mode_of(tmp.file("data")) & 07777, 0644u);
    EXPECT_EQ(entries(tmp.path()), std::set<std::string>{"data"});
}

TEST_F(ReplaceFile, AReaderOfTheOldFileKeepsItWhole) {
    replace_file(dir.get(), "data", {"old\n"}, 0600, "the data");
    const OwnedFd reader(::open(tmp.file("data").c_str(), O_RDONLY | O_CLOEXEC));
    replace_file(dir.get(), "data", {"new\n"}, 0600, "the data");
    std::string old;
    ASSERT_TRUE(read_all(reader.get(), old, 100));
    EXPECT_EQ(old, "old\n");
    EXPECT_EQ(slurp(tmp.file("data")), "new\n");
}

TEST_F(ReplaceFile, ASymlinkAtTheNameIsReplacedNeverFollowed) {
    const std::string target = tmp.file("precious");
    std::ofstream(target) << "keep me";
    ASSERT_EQ(::symlink(target.c_str(), tmp.file("data").c_str()), 0);
    replace_file(dir.get(), "data", {"new"}, 0600, "the data");
    EXPECT_TRUE(S_ISREG(mode_of(tmp.file("data"))));
    EXPECT_EQ(slurp(tmp.file("data")), "new");
    EXPECT_EQ(slurp(target), "keep me");
}

TEST_F(ReplaceFile, AFailedRenameThrowsAndRemovesTheTemporaryFile) {
    ASSERT_EQ(::mkdir(tmp.file("busy").c_str(), 0700), 0);
    ASSERT_EQ(::mkdir(tmp.file("busy/inner").c_str(), 0700), 0);  // non-empty: no rename
    try {
        replace_file(dir.get(), "busy", {"x"}, 0600, "the busy file");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("cannot write the busy file (rename): "));
    }
    EXPECT_EQ(entries(tmp.path()), std::set<std::string>{"busy"});
}

TEST_F(ReplaceFile, ByPathOpensTheDirectoryAndNamesThePathInErrors) {
    replace_file(tmp.file("out.prom"), "up 1\n", 0644);
    EXPECT_EQ(slurp(tmp.file("out.prom")), "up 1\n");
    EXPECT_EQ(entries(tmp.path()), std::set<std::string>{"out.prom"});

    const std::string missing = tmp.file("no-such-dir/out.prom");
    try {
        replace_file(missing, "x", 0644);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("cannot write " + missing));
        EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
    }
    EXPECT_THROW(replace_file(tmp.path() + "/", "x", 0644), Error);  // no file name
}

TEST_F(ReplaceFile, ByPathFollowsASymlinkedDirectoryButNotASymlinkedFile) {
    ASSERT_EQ(::mkdir(tmp.file("real").c_str(), 0700), 0);
    ASSERT_EQ(::symlink(tmp.file("real").c_str(), tmp.file("linked").c_str()), 0);
    replace_file(tmp.file("linked/out.prom"), "up 1\n", 0644);
    EXPECT_EQ(slurp(tmp.file("real/out.prom")), "up 1\n");

    std::ofstream(tmp.file("precious")) << "keep me";
    ASSERT_EQ(::symlink(tmp.file("precious").c_str(), tmp.file("real/link.prom").c_str()), 0);
    replace_file(tmp.file("real/link.prom"), "up 0\n", 0644);
    EXPECT_TRUE(S_ISREG(mode_of(tmp.file("real/link.prom"))));
    EXPECT_EQ(slurp(tmp.file("precious")), "keep me");
}

TEST(RemoveStaleTemps, RemovesOnlyOldTempsOfDeadWriters) {
    ScratchDir tmp;
    const OwnedFd dir(::open(tmp.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    // 9999999 is above Linux's largest pid_max (4194304): no process has it.
    const std::string dead = ".data.9999999.00112233445566ff";
    const std::string live = ".data." + std::to_string(::getpid()) + ".00112233445566ff";
    for (const std::string& name : {dead, live, std::string("data")}) {
        std::ofstream(tmp.file(name)) << "half";
        const timespec old_time[2] = {{::time(nullptr) - 120, 0}, {::time(nullptr) - 120, 0}};
        ASSERT_EQ(::utimensat(AT_FDCWD, tmp.file(name).c_str(), old_time, 0), 0);
    }
    remove_stale_temps(dir.get());
    EXPECT_EQ(entries(tmp.path()), (std::set<std::string>{live, "data"}));
}

}  // namespace
}  // namespace kkt
