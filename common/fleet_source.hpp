#pragma once
// One account's registers for a long-running process (the exporter): the last good read kept in
// memory and read again in the background once it is older than --cache-ttl, through the same
// load_fleet() as every command (its list cache and single-flight lock: however many processes
// and scrapes ask, one upstream fetch per TTL). A reader never waits for ATOL longer than it
// chooses to (FleetSource::refresh() calls back; the caller answers with snapshot() when its own
// time is up), and a failed read keeps the last good fleet, with the error beside it.
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/fleet.hpp"

namespace kkt {

// How a read of the register list ended. The API outcomes are counted by the exporter;
// `cache` means another process had fetched the list within the TTL (no request was sent).
enum class ReadOutcome {
    success,
    cache,
    timeout,
    auth_error,
    api_error,
    transport_error,
    protocol_error,
    config_error,
    error,
};
inline constexpr std::size_t read_outcome_count = 9;
std::string_view read_outcome_name(ReadOutcome outcome);  // "auth_error"
// The outcome an exception of load_fleet() stands for.
ReadOutcome read_outcome_of(const std::exception_ptr& error);

struct FleetSnapshot {
    std::shared_ptr<const Fleet> fleet;  // the last good read; null before the first one
    std::optional<std::string> error;    // why the latest read failed; nullopt when it did not
    double read_seconds = 0;             // how long it took
    // Reads so far, by outcome (index: ReadOutcome).
    std::array<std::uint64_t, read_outcome_count> reads{};
    std::uint64_t generation = 0;  // grows with every new fleet (a key for derived renders)

    // The latest read succeeded.
    bool up() const { return fleet && !error; }
    std::uint64_t reads_of(ReadOutcome o) const { return reads[static_cast<std::size_t>(o)]; }
};
using SnapshotPtr = std::shared_ptr<const FleetSnapshot>;

class FleetSource {
  public:
    // Reads the fleet within the given budget; throws what load_fleet() throws.
    using Loader = std::function<Fleet(const Deadline&)>;
    using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;
    using Done = std::function<void(const SnapshotPtr&)>;

    // What stands in for the last good fleet while the next read runs (and after it, should it
    // fail): called on the reading thread, before the read, with the snapshot it will replace.
    // The exporter hands back the fleet without its registers, once it has rendered what it
    // serves from them, so that two fleets are never in memory at once (docs/performance.md,
    // "The exporter"); returning the same fleet keeps it.
    using WhileReading = std::function<std::shared_ptr<const Fleet>(const FleetSnapshot&)>;

    struct Settings {
        std::chrono::seconds ttl{60};                           // --cache-ttl
        std::chrono::milliseconds timeout{10000};               // --timeout: one read's budget
        SteadyNow steady_now = std::chrono::steady_clock::now;  // settable in tests
        WhileReading while_reading{};                           // none: the fleet is kept
    };

    // `initial` carries the data of a source this one replaces (a reloaded profile).
    FleetSource(Loader load, Settings settings, const Log& log, SnapshotPtr initial = nullptr);
    // Waits for a read under way (at most its --timeout).
    ~FleetSource();
    FleetSource(const FleetSource&) = delete;
    FleetSource& operator=(const FleetSource&) = delete;

    SnapshotPtr snapshot() const;

    // When the data is due (no read yet, older than the TTL, or the retry time of a failed read
    // has come) and no read is under way, starts one in the background. Returns true when a read
    // is under way (started now or before): `done` is then called, on the reading thread, with
    // the snapshot it leaves. Returns false, dropping `done`, when the snapshot is current.
    bool refresh(Done done);

    // The longest a failed read makes the next one wait: a short outage must not leave
    // atol_kkt_up at 0 for a whole long TTL.
    static constexpr std::chrono::seconds max_retry_interval{60};

  private:
    void run();
    bool due(std::chrono::steady_clock::time_point now) const;
    SnapshotPtr read_once(const SnapshotPtr& previous);

    Loader load_;
    Settings settings_;
    const Log& log_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    SnapshotPtr current_;
    std::optional<std::chrono::steady_clock::time_point> next_read_;  // nullopt: at once
    bool reading_ = false;
    bool stopping_ = false;
    std::vector<Done> waiting_;
    std::thread worker_;
};

}  // namespace kkt
