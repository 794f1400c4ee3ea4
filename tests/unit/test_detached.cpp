// run_detached (common/detached.hpp): the work runs on after the call returns, holds none of
// the starter's descriptors but the one it keeps (so a reader of the starter's stdout gets
// EOF at once), and a work that throws ends its process quietly.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/detached.hpp"
#include "shared/temp_dir.hpp"

namespace kkt {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

struct Pipe {
    int read_end = -1;
    int write_end = -1;
    Pipe() {
        int fds[2];
        if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
        read_end = fds[0];
        write_end = fds[1];
    }
    ~Pipe() {
        if (read_end >= 0) ::close(read_end);
        close_write_end();
    }
    void close_write_end() {
        if (write_end >= 0) ::close(write_end);
        write_end = -1;
    }
    // What arrives until EOF or `limit`; `eof` tells which.
    std::string read_all(std::chrono::milliseconds limit, bool& eof) const {
        std::string out;
        const auto end = Steady::now() + limit;
        eof = false;
        while (Steady::now() < end) {
            pollfd p{read_end, POLLIN, 0};
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(end - Steady::now());
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
            char buffer[64];
            const ssize_t n = ::read(read_end, buffer, sizeof buffer);
            if (n <= 0) {
                eof = n == 0;
                break;
            }
            out.append(buffer, static_cast<std::size_t>(n));
        }
        return out;
    }
};

TEST(Detached, ReturnsAtOnceWhileTheWorkRunsOn) {
    testing::ScratchDir home;
    const std::string done = home.file("done");
    const auto started = Steady::now();
    ASSERT_TRUE(run_detached(-1, [&done] {
        std::this_thread::sleep_for(300ms);
        std::ofstream(done) << "finished";
    }));
    EXPECT_LT(Steady::now() - started, 250ms);
    EXPECT_FALSE(std::filesystem::exists(done));
    const auto end = Steady::now() + 10s;
    while (!std::filesystem::exists(done) && Steady::now() < end) std::this_thread::sleep_for(10ms);
    EXPECT_TRUE(std::filesystem::exists(done));
}

TEST(Detached, TheWorkHoldsNoneOfTheStartersDescriptors) {
    Pipe output;  // like the agent's pipe on our stdout
    ASSERT_TRUE(run_detached(-1, [] { std::this_thread::sleep_for(2s); }));
    output.close_write_end();
    bool eof = false;
    const auto started = Steady::now();
    output.read_all(1500ms, eof);
    EXPECT_TRUE(eof);
    EXPECT_LT(Steady::now() - started, 1s);
}

TEST(Detached, TheKeptDescriptorStaysOpenForTheWork) {
    Pipe kept;
    ASSERT_TRUE(run_detached(kept.write_end, [fd = kept.write_end] {
        const char text[] = "from the work";
        if (::write(fd, text, sizeof text - 1) < 0) _exit(1);
    }));
    kept.close_write_end();
    bool eof = false;
    EXPECT_EQ(kept.read_all(10s, eof), "from the work");
    EXPECT_TRUE(eof);  // and closed when the work's process ended
}

TEST(Detached, AWorkThatThrowsEndsQuietly) {
    Pipe kept;
    ASSERT_TRUE(run_detached(kept.write_end, [] { throw std::runtime_error("boom"); }));
    kept.close_write_end();
    bool eof = false;
    EXPECT_EQ(kept.read_all(10s, eof), "");
    EXPECT_TRUE(eof);
}

}  // namespace
}  // namespace kkt
