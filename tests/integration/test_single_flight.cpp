// Single flight of the register list fetch (README.md, "Cache"), through the
// real check_atol_kkt and the emulator's request counters: many cold runs at once cost one
// upstream fetch; a fetcher killed mid-fetch does not leave the others hanging; a run that
// waits for a fetcher still ends within its own timeout.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/clock.hpp"
#include "integration/support/emulator.hpp"

namespace kkt::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Polls `condition` until it holds or `limit` passes: the processes under test give no other
// signal of where they are, so the test watches what they can be seen doing.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = 20s) {
    const auto end = Clock::now() + limit;
    while (!condition()) {
        if (Clock::now() >= end) return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

// A check_atol_kkt started in the background, its stdout in a file.
class Background {
  public:
    Background(const std::string& program, const std::vector<std::string>& args, const Env& env,
               const std::string& out_file)
        : out_file_(out_file), started_(Clock::now()) {
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        std::vector<std::string> argv_strings{program};
        argv_strings.insert(argv_strings.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_strings) argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<std::string> env_strings;
        for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
        std::vector<char*> envp;
        for (auto& e : env_strings) envp.push_back(e.data());
        envp.push_back(nullptr);
        const int rc =
            posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::system_error(rc, std::generic_category(), "posix_spawn");
    }
    ~Background() {
        if (!finished_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    bool running() {
        if (finished_) return false;
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == 0) return true;
        record(status);
        return false;
    }
    // Waits for the end (killing the run after `limit`); true when it ended by itself.
    bool wait(std::chrono::milliseconds limit = 60s) {
        if (!eventually([this] { return !running(); }, limit)) {
            kill(pid_, SIGKILL);
            int status = 0;
            waitpid(pid_, &status, 0);
            record(status);
            return false;
        }
        return true;
    }
    void kill_now() {
        kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
        record(status);
    }
    // The cache's register-list lock file is open in the process: it is fetching (holding the
    // lock) or waiting for the run that is.
    bool has_fetch_lock_open() const {
        const std::string dir = "/proc/" + std::to_string(pid_) + "/fd";
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
            const auto target = std::filesystem::read_symlink(entry.path(), ec).filename().string();
            if (!ec && target.rfind("registers-", 0) == 0 && target.ends_with(".lock")) return true;
        }
        return false;
    }

    int exit_code() const { return exit_code_; }  // -1 when killed by a signal
    int signal() const { return signal_; }
    std::chrono::milliseconds elapsed() const { return elapsed_; }
    std::string out() const {
        std::ifstream in(out_file_);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

  private:
    void record(int status) {
        finished_ = true;
        elapsed_ = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_);
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        signal_ = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    std::string out_file_;
    Clock::time_point started_;
    pid_t pid_ = -1;
    bool finished_ = false;
    int exit_code_ = -1;
    int signal_ = 0;
    std::chrono::milliseconds elapsed_{0};
};

std::int64_t counter(const Emulator& emulator, const char* name) {
    return emulator.stats().at(name).as_int64();
}

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

class SingleFlight : public ::testing::Test {
  protected:
    void SetUp() override {
        check_ = home_.path() + "/check_atol_kkt";
        std::filesystem::create_symlink(ATOL_KKT_BIN, check_);
    }

    Env env() const {
        return {{"HOME", home_.path()},
                {"PATH", "/usr/bin:/bin"},
                {"ATOL_KKT_BASE_URL", emulator_.url()},
                {"ATOL_KKT_CACHE_DIR", home_.path() + "/cache"},
                {"LC_ALL", "C.UTF-8"},
                {"ATOL_KKT_NOW", now_}};
    }
    std::unique_ptr<Background> start(const std::vector<std::string>& args) {
        const std::string out = home_.path() + "/run-" + std::to_string(runs_++) + ".out";
        return std::make_unique<Background>(check_, args, env(), out);
    }
    // A token in the cache and no register list: the next run's only requests are list pages.
    void cache_token_only() {
        auto primer = start({"--cache-ttl", "0"});
        ASSERT_TRUE(primer->wait());
        ASSERT_LE(primer->exit_code(), 2) << primer->out();
        emulator_.reset_stats();
    }

    Emulator emulator_{{"--registers", "50", "--seed", "3"}};
    TempDir home_;
    std::string check_;
    // One instant for every run, so runs that read the same list print the same output.
    std::string now_ = format_iso8601(SystemClock().now());
    int runs_ = 0;
};

TEST_F(SingleFlight, TwoHundredConcurrentColdChecksFetchTheListOnce) {
    // 300 registers in pages of 100: one fetch is 4 list pages (3 full, then the empty one).
    // The latency keeps the fetch going while the other runs start and find the list stale.
    emulator_.set_fleet(run_program(ATOL_KKT_EMULATOR_BIN,
                                    {"--registers", "300", "--seed", "3", "--dump-fleet"}, {})
                            .out);
    emulator_.set_faults({{"latency_ms", 300}});
    constexpr int count = 200;
    std::vector<std::unique_ptr<Background>> runs;
    for (int i = 0; i < count; ++i) runs.push_back(start({"--page-size", "100", "-t", "60"}));
    for (auto& run : runs) ASSERT_TRUE(run->wait(120s)) << "a check did not end";

    const auto stats = emulator_.stats();
    EXPECT_EQ(stats.at("list_fetches").as_int64(), 1);
    EXPECT_EQ(stats.at("list_pages").as_int64(), 4);
    EXPECT_EQ(stats.at("list_requests").as_int64(), 4);
    EXPECT_EQ(stats.at("auth").as_int64(), 1);

    const std::string expected = first_line(runs.front()->out());
    EXPECT_NE(expected.find(" of 300 registers"), std::string::npos) << expected;
    for (auto& run : runs) {
        EXPECT_EQ(run->exit_code(), runs.front()->exit_code());
        EXPECT_EQ(first_line(run->out()), expected);
    }
    EXPECT_GE(runs.front()->exit_code(), 0);
    EXPECT_LE(runs.front()->exit_code(), 2);
}

TEST_F(SingleFlight, AFetcherKilledMidFetchDoesNotLeaveTheOthersHanging) {
    cache_token_only();
    // Every answer takes 4 s: the fetcher is caught inside its first list page.
    emulator_.set_faults({{"latency_ms", 4000}});
    auto fetcher = start({"-t", "60"});
    ASSERT_TRUE(eventually([&] { return counter(emulator_, "list_requests") >= 1; }));
    ASSERT_TRUE(fetcher->has_fetch_lock_open());

    auto waiter1 = start({"-t", "30"});
    auto waiter2 = start({"-t", "30"});
    ASSERT_TRUE(eventually([&] { return waiter1->has_fetch_lock_open(); }));
    ASSERT_TRUE(eventually([&] { return waiter2->has_fetch_lock_open(); }));
    ASSERT_TRUE(fetcher->running());
    ASSERT_EQ(counter(emulator_, "list_requests"), 1);  // still inside its first page

    fetcher->kill_now();
    EXPECT_EQ(fetcher->signal(), SIGKILL);

    // One of the waiters takes over the fetch (2 pages at 4 s each), the other uses its result.
    ASSERT_TRUE(waiter1->wait(40s));
    ASSERT_TRUE(waiter2->wait(40s));
    EXPECT_EQ(counter(emulator_, "list_fetches"), 2);   // the killed one and the new one
    EXPECT_EQ(counter(emulator_, "list_requests"), 3);  // 1 + one complete fetch of 2 pages
    for (const Background* waiter : {waiter1.get(), waiter2.get()}) {
        EXPECT_GE(waiter->exit_code(), 0);
        EXPECT_LE(waiter->exit_code(), 2) << waiter->out();
        EXPECT_NE(first_line(waiter->out()).find(" of 50 registers"), std::string::npos)
            << waiter->out();
        EXPECT_LT(waiter->elapsed(), 30s);
    }
    EXPECT_EQ(first_line(waiter1->out()), first_line(waiter2->out()));
}

TEST_F(SingleFlight, AWaiterEndsWithinItsOwnTimeout) {
    cache_token_only();
    emulator_.set_faults({{"latency_ms", 4000}});
    auto fetcher = start({"-t", "60"});
    ASSERT_TRUE(eventually([&] { return counter(emulator_, "list_requests") >= 1; }));

    auto waiter = start({"-t", "1", "-v"});
    ASSERT_TRUE(waiter->wait(10s));
    EXPECT_EQ(waiter->exit_code(), 3);
    const std::string out = waiter->out();
    EXPECT_EQ(first_line(out), "ATOL KKT UNKNOWN - timed out after 1 s [test mode]");
    EXPECT_NE(out.find("timed out waiting for another run fetching the register list"),
              std::string::npos)
        << out;
    // Its own budget, not the fetcher's 8 s: ended while the fetcher still runs. The bound
    // leaves room for a loaded machine (the budget is 1 s, the watchdog's grace 0.3 s).
    EXPECT_LT(waiter->elapsed(), 4s);
    EXPECT_TRUE(fetcher->running());

    ASSERT_TRUE(fetcher->wait(30s));
    EXPECT_LE(fetcher->exit_code(), 2) << fetcher->out();
    EXPECT_EQ(counter(emulator_, "list_fetches"), 1);
}

}  // namespace
}  // namespace kkt::testing
