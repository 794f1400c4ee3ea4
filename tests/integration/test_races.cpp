// Races on one cache dir: 200 runs of the real binary (list --json, the check, and list without
// the list cache) in waves of 50 at once, 40 % SIGKILLed at a random moment (mid-fetch,
// mid-parse, mid-write), while tokens expire (token refresh), the list goes stale each wave
// (list refresh) and shifts open, close and change between waves (shift state updates).
// Every run that was not killed must print exactly what a lone run prints with a cache that
// saw the same history: no corrupt cache is ever read, no wrong state ever reported.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "integration/support/cache_check.hpp"
#include "integration/support/emulator.hpp"
#include "integration/support/emulator_control.hpp"
#include "integration/support/fault_matrix.hpp"
#include "integration/support/report.hpp"
#include "integration/support/spawner.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int wave_count = 4;
constexpr int runs_per_wave = 50;
constexpr unsigned kill_schedule_seed = 20261128;  // the kill schedule: the same every time

enum class Kind { list, check, uncached_list };
constexpr Kind run_kinds[] = {Kind::list, Kind::check, Kind::uncached_list};

const char* name_of(Kind kind) {
    switch (kind) {
        case Kind::list:
            return "list --json";
        case Kind::check:
            return "check_atol_kkt";
        case Kind::uncached_list:
            return "list --json --cache-ttl 0";
    }
    return "?";
}

// The fleet with its shifts moved on: open ones closed or renumbered, closed ones opened.
json::array shifts_moved_on(const json::array& fleet) {
    json::array moved = fleet;
    for (std::size_t i = 0; i < moved.size(); ++i) {
        json::object& r = moved[i].as_object();
        // Read both values before writing: writing through the object may move its storage.
        const json::value* open = r.if_contains("isShiftOpened");
        const json::value* number = r.if_contains("shiftNumber");
        if (!open || !open->is_bool() || !number || !number->is_int64()) continue;
        const bool was_open = open->get_bool();
        const std::int64_t shift = number->get_int64();
        if (was_open && i % 2 == 0) {
            r["shiftNumber"] = shift + 1;  // closed and reopened between waves
        } else {
            r["isShiftOpened"] = !was_open;
            if (!was_open) r["shiftNumber"] = shift + 1;  // a closed shift opens as the next one
        }
    }
    return moved;
}

// Kills writers mid-write: the cache writes a temp file ".NAME.PID.RANDOM", then renames it.
// Watching the directory for those files, it SIGKILLs the writer named in every other one the
// moment it appears (before its rename, unless the writer wins the race), if that writer is one
// of the runs under test.
class MidWriteKiller {
  public:
    explicit MidWriteKiller(const std::string& dir) : fd_(inotify_init1(IN_CLOEXEC)) {
        if (fd_ < 0 || inotify_add_watch(fd_, dir.c_str(), IN_CREATE) < 0)
            throw std::runtime_error("inotify on " + dir + " failed");
        thread_ = std::thread([this] { watch(); });
    }
    ~MidWriteKiller() {
        stop_ = true;
        thread_.join();
        close(fd_);
    }
    void allow(int pid) {
        std::lock_guard lock(mutex_);
        ours_.insert(pid);
    }
    bool killed(int pid) const {
        std::lock_guard lock(mutex_);
        return killed_.contains(pid);
    }
    std::size_t kills() const {
        std::lock_guard lock(mutex_);
        return killed_.size();
    }

  private:
    void watch() {
        alignas(inotify_event) char buffer[16384];
        std::size_t seen = 0;
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (poll(&p, 1, 20) <= 0) continue;
            const ssize_t n = read(fd_, buffer, sizeof buffer);
            for (ssize_t at = 0; at < n;) {
                const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
                at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
                if (event->len == 0 || event->name[0] != '.') continue;
                if (seen++ % 2 == 1) continue;
                const std::string name = event->name;  // ".registers-KEY.json.PID.HEX"
                const auto end = name.rfind('.');
                const auto begin = name.rfind('.', end - 1);
                if (begin == std::string::npos || end == std::string::npos) continue;
                const int pid = std::atoi(name.substr(begin + 1, end - begin - 1).c_str());
                std::lock_guard lock(mutex_);
                if (!ours_.contains(pid) || killed_.contains(pid)) continue;
                kill(pid, SIGKILL);
                killed_.insert(pid);
            }
        }
    }

    int fd_;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::set<int> ours_, killed_;
    std::thread thread_;
};

struct Expected {
    RunResult list, check, uncached_list;
    const RunResult& of(Kind kind) const {
        return kind == Kind::list ? list : kind == Kind::check ? check : uncached_list;
    }
};

class Races : public ::testing::Test {
  protected:
    Races()
        : emulator({"--registers", "300", "--seed", "7", "--now", fleet_now, "--token-ttl", "5",
                    "--threads", "4"}) {
        check_link = race_home.path() + "/check_atol_kkt";
        fs::create_symlink(ATOL_KKT_BIN, check_link);
    }

    // A budget no run needs (a wave takes about a second), so that a slow machine or a
    // sanitizer build makes the test slower, not wrong.
    std::vector<std::string> args_of(Kind kind) const {
        std::vector<std::string> args{"--page-size", "25", "-t", "60"};
        if (kind != Kind::check) args.insert(args.begin(), {"list", "--json"});
        if (kind == Kind::uncached_list) args.insert(args.end(), {"--cache-ttl", "0"});
        return args;
    }

    Env env_at(const TempDir& home, int wave) const {
        return {{"HOME", home.path()},
                {"ATOL_KKT_BASE_URL", emulator.url()},
                {"ATOL_KKT_CACHE_DIR", home.path() + "/cache"},
                {"ATOL_KKT_NOW", fleet_time(2 * wave)},
                {"LC_ALL", "C.UTF-8"}};
    }

    // What a lone run prints in this wave, with a cache of its own that saw the same waves.
    Expected reference_wave(int wave) {
        Expected e;
        const Env env{{"ATOL_KKT_NOW", fleet_time(2 * wave)}};
        e.list = atol_kkt(emulator, reference, args_of(Kind::list), env);
        e.check = check_atol_kkt(emulator, reference, args_of(Kind::check), env);
        e.uncached_list = atol_kkt(emulator, reference, args_of(Kind::uncached_list), env);
        EXPECT_EQ(e.list.exit_code, 0) << e.list.err;
        EXPECT_EQ(e.list.out, e.uncached_list.out);
        return e;
    }

    Emulator emulator;
    TempDir race_home, reference;
    std::string check_link;
};

TEST_F(Races, TwoHundredRunsWithRandomKillsNeverReadACorruptCacheNorReportAWrongState) {
    const json::array fleet = emulator_fleet(emulator);
    const json::array moved = shifts_moved_on(fleet);
    std::mt19937 random(kill_schedule_seed);
    std::bernoulli_distribution killed(0.4);
    // 50 runs at once on 2 cores take 0.1-1 s: kills land anywhere from start-up to the writes.
    std::uniform_int_distribution<int> kill_ms(1, 1000);

    std::map<std::string, int> outcomes;  // what each run came to
    std::string last_wave_list;           // what a lone list prints in the last wave
    std::size_t runs = 0, kills_sent = 0, kills_landed = 0, exact = 0, write_kills_landed = 0;
    const std::string cache_dir = race_home.path() + "/cache";
    ASSERT_EQ(mkdir(cache_dir.c_str(), 0700), 0);
    MidWriteKiller write_killer(cache_dir);
    const auto start = std::chrono::steady_clock::now();
    for (int wave = 0; wave < wave_count; ++wave) {
        emulator.set_fleet(json::serialize(wave % 2 == 0 ? fleet : moved));
        emulator.expire_tokens();  // every wave starts with a token refresh race
        const Expected expected = reference_wave(wave);
        last_wave_list = expected.list.out;

        std::vector<Launch> launches;
        std::vector<Kind> kinds;
        for (int i = 0; i < runs_per_wave; ++i) {
            const Kind kind = run_kinds[i % 4 == 3 ? 1 : i % 4 == 2 ? 2 : 0];  // 2 list : 1 : 1
            Launch launch{kind == Kind::check ? check_link : std::string(ATOL_KKT_BIN),
                          args_of(kind), env_at(race_home, wave), std::nullopt};
            if (killed(random)) launch.kill_after = std::chrono::milliseconds(kill_ms(random));
            kills_sent += launch.kill_after.has_value();
            launches.push_back(std::move(launch));
            kinds.push_back(kind);
        }
        std::vector<int> pids(launches.size());
        const auto results =
            run_concurrently(launches, runs_per_wave, 120s, [&](std::size_t i, int pid) {
                pids[i] = pid;
                write_killer.allow(pid);
            });
        for (std::size_t i = 0; i < results.size(); ++i) {
            ++runs;
            const LaunchResult& r = results[i];
            const RunResult& want = expected.of(kinds[i]);
            const std::string label = "wave " + std::to_string(wave) + " run " + std::to_string(i) +
                                      " " + name_of(kinds[i]);
            if (r.term_signal == SIGKILL && write_killer.killed(pids[i])) {
                ++write_kills_landed;
                ++outcomes["killed (SIGKILL) while writing a cache file"];
                continue;
            }
            if (r.killed_by_us) {
                ++kills_landed;
                ++outcomes["killed (SIGKILL) at its random moment"];
                continue;
            }
            EXPECT_FALSE(r.run.timed_out) << label;
            EXPECT_EQ(r.run.exit_code, want.exit_code) << label << ": " << r.run.err;
            EXPECT_EQ(r.run.out, want.out) << label;
            EXPECT_EQ(r.run.err, want.err) << label;
            if (r.run.exit_code == want.exit_code && r.run.out == want.out &&
                r.run.err == want.err) {
                ++exact;
                ++outcomes[std::string("exact reference output, ") + name_of(kinds[i])];
            } else {
                ++outcomes["DIFFERENT output"];
            }
        }
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);

    // The cache after it all: every file whole and well-formed; only killed writers' temp
    // files may be extra.
    const CacheInspection cache = inspect_cache(race_home.path() + "/cache");
    EXPECT_TRUE(cache.consistent()) << cache.summary();
    EXPECT_EQ(cache.list_files, 1u);
    EXPECT_EQ(cache.shift_files, 1u);
    EXPECT_EQ(cache.history_files, 1u);
    // And a healthy run after it reads it: the last wave's list, from the cache.
    const auto fetches = emulator.stats().at("list_fetches").as_int64();
    const RunResult after = atol_kkt(emulator, race_home, args_of(Kind::list),
                                     {{"ATOL_KKT_NOW", fleet_time(2 * (wave_count - 1))}});
    EXPECT_EQ(after.out, last_wave_list);
    EXPECT_EQ(emulator.stats().at("list_fetches").as_int64(), fetches)
        << "the run after the races did not read the cached list";

    // The temp files of writers killed mid-write are garbage: the first write after they are a
    // minute old removes them (aged here rather than waited for).
    for (const auto& entry : fs::directory_iterator(cache_dir)) {
        if (entry.path().filename().string().front() != '.') continue;
        fs::last_write_time(entry.path(), fs::file_time_type::clock::now() - 2min);
    }
    const RunResult cleaner = atol_kkt(emulator, race_home, args_of(Kind::list),
                                       {{"ATOL_KKT_NOW", fleet_time(2 * wave_count)}});
    EXPECT_EQ(cleaner.exit_code, 0) << cleaner.err;
    const CacheInspection cleaned = inspect_cache(cache_dir);
    EXPECT_TRUE(cleaned.consistent()) << cleaned.summary();
    EXPECT_EQ(cleaned.temp_leftovers, 0u);

    const json::object stats = emulator.stats();
    std::string outcome_text;
    for (const auto& [what, count] : outcomes)
        outcome_text += (outcome_text.empty() ? "" : "; ") + std::to_string(count) + " " + what;
    std::cout << "races: " << runs << " runs in " << wave_count << " waves of " << runs_per_wave
              << ", " << kills_sent << " kills scheduled, " << kills_landed << " landed, "
              << write_kills_landed << " killed mid-write, " << exact << " exact, "
              << cache.temp_leftovers << " temp files of killed writers, "
              << stats.at("tokens_issued").as_int64() << " tokens issued, "
              << stats.at("list_fetches").as_int64() << " list fetches, " << elapsed.count()
              << " ms\n"
              << outcome_text << "\n";
    report_row({std::to_string(runs) + " runs on one cache dir, " + std::to_string(wave_count) +
                    " waves of " + std::to_string(runs_per_wave) +
                    " at once (list, check, uncached list); tokens expired each wave and after "
                    "5 s, list stale each wave, shifts changed between waves",
                std::to_string(kills_sent) + " SIGKILLs at random 1-1000 ms, " +
                    std::to_string(kills_landed) + " landed before the run ended; " +
                    std::to_string(write_kills_landed) +
                    " runs SIGKILLed the moment their cache temp file appeared; " +
                    std::to_string(cache.temp_leftovers) +
                    " temp files left by killed writers (removed by the next write once a "
                    "minute old)",
                table_cell(outcome_text),
                HasFailure()
                    ? "FAILED"
                    : "no corrupt cache read, no wrong state; cache consistent; " +
                          std::to_string(stats.at("tokens_issued").as_int64()) + " tokens, " +
                          std::to_string(stats.at("list_fetches").as_int64()) + " list fetches; " +
                          std::to_string(elapsed.count() / 1000) + " s"});
}

}  // namespace
}  // namespace kkt::testing
