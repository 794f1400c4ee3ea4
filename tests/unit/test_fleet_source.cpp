// FleetSource: one read at a time however many ask, a read only once the data is older than the
// TTL (counted from when the list was fetched), the last good fleet kept with the error when a
// read fails, retries no later than max_retry_interval, and every waiter called back.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include "common/errors.hpp"
#include "common/fleet_source.hpp"

namespace kkt {
namespace {

using namespace std::chrono_literals;
using SteadyTime = std::chrono::steady_clock::time_point;

// A loader whose answers the test scripts, and a settable steady clock.
struct Script {
    std::mutex mutex;
    std::atomic<int> calls{0};
    std::function<Fleet()> next = [] { return Fleet{}; };
    std::promise<void> release;  // when set up, each read waits for it
    bool hold = false;
    SteadyTime steady{};

    Fleet load(const Deadline&) {
        ++calls;
        if (hold) release_future.wait();
        std::lock_guard lock(mutex);
        return next();
    }
    std::shared_future<void> release_future = release.get_future().share();
};

Fleet fleet_fetched(TimePoint now, std::chrono::seconds age, std::size_t registers = 2) {
    Fleet f;
    f.now = now;
    f.fetched_at = now - age;
    f.registers.resize(registers);
    return f;
}

const TimePoint t0 = TimePoint{} + std::chrono::hours(24 * 365 * 56);

class FleetSourceTest : public ::testing::Test {
  protected:
    Script script;
    Log log;
    std::unique_ptr<FleetSource> source;

    void make(std::chrono::seconds ttl, FleetSource::WhileReading while_reading = {}) {
        source = std::make_unique<FleetSource>(
            [this](const Deadline& d) { return script.load(d); },
            FleetSource::Settings{.ttl = ttl,
                                  .timeout = 5s,
                                  .steady_now =
                                      [this] {
                                          std::lock_guard lock(script.mutex);
                                          return script.steady;
                                      },
                                  .while_reading = std::move(while_reading)},
            log);
    }
    // Starts a read if due and waits for it; false when none was due.
    bool read() {
        std::promise<SnapshotPtr> done;
        auto got = done.get_future();
        if (!source->refresh([&](const SnapshotPtr& s) { done.set_value(s); })) return false;
        got.wait();
        return true;
    }
    void advance(std::chrono::milliseconds d) {
        std::lock_guard lock(script.mutex);
        script.steady += d;
    }
};

TEST_F(FleetSourceTest, ReadsOnceThenOnlyWhenOlderThanTheTtl) {
    make(60s);
    EXPECT_FALSE(source->snapshot()->fleet);
    script.next = [] { return fleet_fetched(t0, 0s); };
    ASSERT_TRUE(read());
    EXPECT_EQ(script.calls, 1);
    const SnapshotPtr first = source->snapshot();
    EXPECT_TRUE(first->up());
    EXPECT_EQ(first->reads_of(ReadOutcome::success), 1u);
    EXPECT_EQ(first->generation, 1u);
    advance(59s);
    EXPECT_FALSE(read());
    advance(1s);
    EXPECT_TRUE(read());
    EXPECT_EQ(script.calls, 2);
    EXPECT_EQ(source->snapshot()->generation, 2u);
}

TEST_F(FleetSourceTest, AListFromAnotherProcessesCacheIsDueWhenItsOwnTtlEnds) {
    make(60s);
    script.next = [] {
        Fleet f = fleet_fetched(t0, 45s);
        f.from_cache = true;
        return f;
    };
    ASSERT_TRUE(read());
    EXPECT_EQ(source->snapshot()->reads_of(ReadOutcome::cache), 1u);
    EXPECT_EQ(source->snapshot()->reads_of(ReadOutcome::success), 0u);
    advance(14s);
    EXPECT_FALSE(read());
    advance(1s);
    EXPECT_TRUE(read());
}

TEST_F(FleetSourceTest, AFailedReadKeepsTheLastFleetAndRetriesSooner) {
    make(600s);
    script.next = [] { return fleet_fetched(t0, 0s, 3); };
    ASSERT_TRUE(read());
    advance(600s);
    script.next = []() -> Fleet { throw TransportError("connection refused"); };
    ASSERT_TRUE(read());
    const SnapshotPtr failed = source->snapshot();
    EXPECT_FALSE(failed->up());
    ASSERT_TRUE(failed->fleet);
    EXPECT_EQ(failed->fleet->registers.size(), 3u);
    EXPECT_EQ(*failed->error, "connection refused");
    EXPECT_EQ(failed->reads_of(ReadOutcome::transport_error), 1u);
    EXPECT_EQ(failed->generation, 1u);  // the same fleet
    advance(FleetSource::max_retry_interval - 1s);
    EXPECT_FALSE(read());
    advance(1s);
    script.next = [] { return fleet_fetched(t0, 0s, 4); };
    ASSERT_TRUE(read());
    EXPECT_TRUE(source->snapshot()->up());
    EXPECT_EQ(source->snapshot()->fleet->registers.size(), 4u);
}

// What the exporter relies on to hold one fleet at a time: from the start of a read, the fleet
// the hook gives stands in for the last good one, which nothing in the source holds any more; it
// stays after a failed read; a good read replaces it.
TEST_F(FleetSourceTest, WhatStandsInForTheLastFleetDuringAReadIsTheHooks) {
    std::vector<std::uint64_t> generations_seen;
    make(60s, [&generations_seen](const FleetSnapshot& replaced) {
        generations_seen.push_back(replaced.generation);
        auto light = std::make_shared<Fleet>(*replaced.fleet);
        light->registers.clear();
        return std::shared_ptr<const Fleet>(std::move(light));
    });
    script.next = [] { return fleet_fetched(t0, 0s, 3); };
    ASSERT_TRUE(read());
    EXPECT_TRUE(generations_seen.empty());  // nothing to stand in for before the first read
    std::weak_ptr<const Fleet> first = source->snapshot()->fleet;
    ASSERT_EQ(first.lock()->registers.size(), 3u);

    advance(60s);
    script.hold = true;
    script.next = []() -> Fleet { throw TransportError("connection refused"); };
    ASSERT_TRUE(source->refresh(nullptr));
    for (int i = 0; i < 500 && script.calls < 2; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(script.calls, 2);
    // The read is under way: the first fleet is gone, its stand-in answers.
    EXPECT_TRUE(first.expired());
    const SnapshotPtr during = source->snapshot();
    ASSERT_TRUE(during->fleet);
    EXPECT_TRUE(during->fleet->registers.empty());
    EXPECT_EQ(during->fleet->fetched_at, t0);
    EXPECT_EQ(during->generation, 1u);
    EXPECT_EQ(generations_seen, (std::vector<std::uint64_t>{1}));
    script.release.set_value();
    for (int i = 0; i < 500 && !source->snapshot()->error; ++i) std::this_thread::sleep_for(10ms);
    const SnapshotPtr failed = source->snapshot();
    ASSERT_TRUE(failed->error);
    EXPECT_EQ(failed->fleet, during->fleet);  // still the stand-in, of the same generation
    EXPECT_EQ(failed->generation, 1u);

    advance(FleetSource::max_retry_interval);
    script.next = [] { return fleet_fetched(t0, 0s, 4); };
    ASSERT_TRUE(read());
    EXPECT_TRUE(source->snapshot()->up());
    EXPECT_EQ(source->snapshot()->fleet->registers.size(), 4u);
    EXPECT_EQ(source->snapshot()->generation, 2u);
}

TEST_F(FleetSourceTest, ConcurrentCallersShareOneReadAndAllHearOfIt) {
    make(60s);
    script.hold = true;
    script.next = [] { return fleet_fetched(t0, 0s); };
    std::atomic<int> heard{0};
    for (int i = 0; i < 50; ++i)
        EXPECT_TRUE(source->refresh([&](const SnapshotPtr& s) {
            if (s->up()) ++heard;
        }));
    script.release.set_value();
    for (int i = 0; i < 500 && heard < 50; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(heard, 50);
    EXPECT_EQ(script.calls, 1);
}

TEST_F(FleetSourceTest, ErrorsAreClassifiedForTheOutcomeLabel) {
    const auto outcome = [](auto error) {
        return read_outcome_name(read_outcome_of(std::make_exception_ptr(error)));
    };
    EXPECT_EQ(outcome(TimeoutError("t")), "timeout");
    EXPECT_EQ(outcome(AuthError("a", 400, 12, "x")), "auth_error");
    EXPECT_EQ(outcome(ApiError("a", 503, std::nullopt, "")), "api_error");
    EXPECT_EQ(outcome(ProtocolError("p")), "protocol_error");
    EXPECT_EQ(outcome(ConfigError("c")), "config_error");
    EXPECT_EQ(outcome(std::runtime_error("r")), "error");
}

}  // namespace
}  // namespace kkt
