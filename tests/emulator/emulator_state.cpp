#include "emulator_state.hpp"

#include <random>

namespace emu {

boost::json::object Stats::to_json() const {
    return {{"requests", requests.load()},
            {"auth", auth.load()},
            {"tokens_issued", tokens_issued.load()},
            {"list_requests", list_requests.load()},
            {"list_pages", list_pages.load()},
            {"list_fetches", list_fetches.load()},
            {"get", get.load()},
            {"errors", errors.load()},
            {"gzip_responses", gzip_responses.load()}};
}

void Stats::reset() {
    for (auto* counter : {&requests, &auth, &tokens_issued, &list_requests, &list_pages,
                          &list_fetches, &get, &errors, &gzip_responses}) {
        counter->store(0);
    }
}

std::string TokenRegistry::issue() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    static constexpr char hex_digits[] = "0123456789abcdef";
    std::string token;
    for (int word = 0; word < 4; ++word) {
        std::uint64_t bits = random();
        for (int i = 0; i < 16; ++i, bits >>= 4) token += hex_digits[bits & 0xF];
    }
    std::lock_guard lock(mutex_);
    tokens_[token] = {std::chrono::steady_clock::now() + ttl_, false};
    return token;
}

TokenStatus TokenRegistry::check(std::string_view token) const {
    if (token.empty()) return TokenStatus::missing;
    std::lock_guard lock(mutex_);
    const auto it = tokens_.find(std::string(token));
    if (it == tokens_.end()) return TokenStatus::unknown;
    if (it->second.revoked || std::chrono::steady_clock::now() >= it->second.expires_at) {
        return TokenStatus::expired;
    }
    return TokenStatus::valid;
}

void TokenRegistry::expire(std::string_view token) {
    std::lock_guard lock(mutex_);
    if (const auto it = tokens_.find(std::string(token)); it != tokens_.end()) {
        it->second.revoked = true;
    }
}

void TokenRegistry::expire_all() {
    std::lock_guard lock(mutex_);
    for (auto& [token, entry] : tokens_) entry.revoked = true;
}

EmulatorState::EmulatorState(Credentials credentials, std::chrono::seconds token_ttl,
                             std::shared_ptr<const FleetSnapshot> fleet, Faults faults)
    : credentials_(std::move(credentials)), tokens_(token_ttl), fleet_(std::move(fleet)) {
    set_faults(std::move(faults));
}

std::shared_ptr<const FleetSnapshot> EmulatorState::fleet() const {
    std::lock_guard lock(mutex_);
    return fleet_;
}

void EmulatorState::set_fleet(std::shared_ptr<const FleetSnapshot> fleet) {
    std::lock_guard lock(mutex_);
    fleet_ = std::move(fleet);
    staged_fleet_.reset();
}

void EmulatorState::stage_fleet(std::shared_ptr<const FleetSnapshot> fleet, long pages) {
    std::lock_guard lock(mutex_);
    if (pages <= 0) {
        fleet_ = std::move(fleet);
        staged_fleet_.reset();
        return;
    }
    staged_fleet_ = std::move(fleet);
    pages_before_staged_fleet_ = pages;
}

std::optional<FleetParams> EmulatorState::generator() const {
    std::lock_guard lock(mutex_);
    return generator_;
}

void EmulatorState::set_generator(std::optional<FleetParams> params) {
    std::lock_guard lock(mutex_);
    generator_ = std::move(params);
}

Faults EmulatorState::faults() const {
    std::lock_guard lock(mutex_);
    return faults_;
}

void EmulatorState::set_faults(Faults faults) {
    std::lock_guard lock(mutex_);
    faults_ = std::move(faults);
    failures_left_ = faults_.fail_status != 0 ? faults_.fail_count : 0;
    pages_before_token_expiry_ = faults_.expire_tokens_after_pages;
}

std::optional<unsigned> EmulatorState::take_injected_failure(Endpoint endpoint) {
    std::lock_guard lock(mutex_);
    if (faults_.fail_status == 0 || failures_left_ == 0 || !matches(faults_.fail_path, endpoint)) {
        return std::nullopt;
    }
    if (failures_left_ > 0) --failures_left_;
    return faults_.fail_status;
}

bool EmulatorState::take_token_expiry_before_list_page() {
    std::lock_guard lock(mutex_);
    if (!pages_before_token_expiry_ || *pages_before_token_expiry_ > 0) return false;
    pages_before_token_expiry_.reset();
    return true;
}

void EmulatorState::note_list_page_served() {
    std::lock_guard lock(mutex_);
    if (pages_before_token_expiry_ && *pages_before_token_expiry_ > 0) {
        --*pages_before_token_expiry_;
    }
    if (staged_fleet_ && --pages_before_staged_fleet_ <= 0) {
        fleet_ = std::move(staged_fleet_);
        staged_fleet_.reset();
    }
}

}  // namespace emu
