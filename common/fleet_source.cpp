#include "common/fleet_source.hpp"

#include <algorithm>

#include "common/errors.hpp"

namespace kkt {
namespace {

constexpr std::array<std::string_view, read_outcome_count> outcome_names = {
    "success",         "cache",          "timeout",      "auth_error", "api_error",
    "transport_error", "protocol_error", "config_error", "error"};

using SteadyTime = std::chrono::steady_clock::time_point;

}  // namespace

std::string_view read_outcome_name(ReadOutcome outcome) {
    return outcome_names[static_cast<std::size_t>(outcome)];
}

ReadOutcome read_outcome_of(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const TimeoutError&) {
        return ReadOutcome::timeout;
    } catch (const AuthError&) {
        return ReadOutcome::auth_error;
    } catch (const ApiError&) {
        return ReadOutcome::api_error;
    } catch (const TransportError&) {
        return ReadOutcome::transport_error;
    } catch (const ProtocolError&) {
        return ReadOutcome::protocol_error;
    } catch (const ConfigError&) {
        return ReadOutcome::config_error;
    } catch (...) {
        return ReadOutcome::error;
    }
}

FleetSource::FleetSource(Loader load, Settings settings, const Log& log, SnapshotPtr initial)
    : load_(std::move(load)),
      settings_(std::move(settings)),
      log_(log),
      current_(initial ? std::move(initial) : std::make_shared<const FleetSnapshot>()) {
    worker_ = std::thread([this] { run(); });
}

FleetSource::~FleetSource() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    worker_.join();
}

SnapshotPtr FleetSource::snapshot() const {
    std::lock_guard lock(mutex_);
    return current_;
}

bool FleetSource::due(SteadyTime now) const {
    return !next_read_ || now >= *next_read_;
}

bool FleetSource::refresh(Done done) {
    std::lock_guard lock(mutex_);
    if (!reading_) {
        if (!due(settings_.steady_now())) return false;
        reading_ = true;
        wake_.notify_all();
    }
    if (done) waiting_.push_back(std::move(done));
    return true;
}

void FleetSource::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || reading_; });
        if (stopping_) return;
        if (settings_.while_reading && current_->fleet) {
            const SnapshotPtr full = current_;
            lock.unlock();
            std::shared_ptr<const Fleet> standing_in = settings_.while_reading(*full);
            lock.lock();
            if (standing_in != full->fleet) {
                auto replaced = std::make_shared<FleetSnapshot>(*full);
                replaced->fleet = std::move(standing_in);
                current_ = std::move(replaced);
            }
        }
        SnapshotPtr previous = current_;
        lock.unlock();
        SnapshotPtr next = read_once(std::move(previous));
        lock.lock();
        current_ = next;
        reading_ = false;
        std::vector<Done> waiting;
        waiting.swap(waiting_);
        lock.unlock();
        for (const Done& done : waiting) done(next);
        lock.lock();
    }
}

// One read, and when the next is due: the fleet's TTL counted from when the list was fetched
// (it may have come from another process's fetch, older than this read), or after a failure the
// TTL again but at most max_retry_interval.
SnapshotPtr FleetSource::read_once(const SnapshotPtr& previous) {
    auto next = std::make_shared<FleetSnapshot>(*previous);
    const SteadyTime started = settings_.steady_now();
    std::chrono::milliseconds wait_after = settings_.ttl;
    ReadOutcome outcome;
    try {
        auto fleet = std::make_shared<const Fleet>(load_(Deadline(settings_.timeout)));
        outcome = fleet->from_cache ? ReadOutcome::cache : ReadOutcome::success;
        if (fleet->fetched_at) {
            const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(
                fleet->now - *fleet->fetched_at);
            wait_after = std::max<std::chrono::milliseconds>(std::chrono::milliseconds(0),
                                                             settings_.ttl - std::max(age, {}));
        }
        next->fleet = std::move(fleet);
        next->error.reset();
        ++next->generation;
    } catch (const std::exception& e) {
        outcome = read_outcome_of(std::current_exception());
        next->error = e.what();
        wait_after = std::min<std::chrono::milliseconds>(settings_.ttl, max_retry_interval);
        log_(0, std::string("reading the register list failed: ") + e.what());
    }
    const SteadyTime ended = settings_.steady_now();
    next->read_seconds = std::chrono::duration<double>(ended - started).count();
    ++next->reads[static_cast<std::size_t>(outcome)];
    std::lock_guard lock(mutex_);
    next_read_ = ended + wait_after;
    return next;
}

}  // namespace kkt
