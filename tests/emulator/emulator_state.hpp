#pragma once
// Everything the request handlers share across connections and threads: credentials, tokens,
// the fleet, the faults and the counters. Each part guards itself.
#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "faults.hpp"
#include "fleet_snapshot.hpp"

namespace emu {

struct Stats {
    std::atomic<std::uint64_t> requests{0};        // every request under /api
    std::atomic<std::uint64_t> auth{0};            // every gettoken request
    std::atomic<std::uint64_t> tokens_issued{0};   // successful gettoken requests
    std::atomic<std::uint64_t> list_requests{0};   // every list request
    std::atomic<std::uint64_t> list_pages{0};      // list requests answered 200
    std::atomic<std::uint64_t> list_fetches{0};    // ...of them with offset 0 or none
    std::atomic<std::uint64_t> get{0};             // every single-register request
    std::atomic<std::uint64_t> errors{0};          // /api answers with status >= 400
    std::atomic<std::uint64_t> gzip_responses{0};  // answers sent gzip-encoded

    boost::json::object to_json() const;
    void reset();
};

enum class TokenStatus { valid, missing, unknown, expired };

class TokenRegistry {
  public:
    explicit TokenRegistry(std::chrono::seconds ttl) : ttl_(ttl) {}
    std::string issue();
    TokenStatus check(std::string_view token) const;
    void expire(std::string_view token);
    void expire_all();

  private:
    struct Entry {
        std::chrono::steady_clock::time_point expires_at;
        bool revoked = false;
    };
    std::chrono::seconds ttl_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> tokens_;
};

struct Credentials {
    std::string login;
    std::string password;
};

class EmulatorState {
  public:
    EmulatorState(Credentials credentials, std::chrono::seconds token_ttl,
                  std::shared_ptr<const FleetSnapshot> fleet, Faults faults);

    const Credentials& credentials() const { return credentials_; }
    TokenRegistry& tokens() { return tokens_; }
    Stats& stats() { return stats_; }

    std::shared_ptr<const FleetSnapshot> fleet() const;
    void set_fleet(std::shared_ptr<const FleetSnapshot> fleet);
    // The fleet becomes `fleet` once `pages` more list pages have been served (0: at once):
    // a list that grows or shrinks between the pages of one fetch, deterministically.
    void stage_fleet(std::shared_ptr<const FleetSnapshot> fleet, long pages);

    // How the fleet was generated (nullopt for a --fleet file or a posted one): POST
    // /_emulator/now generates it again for another instant.
    std::optional<FleetParams> generator() const;
    void set_generator(std::optional<FleetParams> params);

    Faults faults() const;
    // Replaces the faults and re-arms their counters (fail_count, expire_tokens_after_pages).
    void set_faults(Faults faults);
    // The injected HTTP status for this request, if one is due (counts it down).
    std::optional<unsigned> take_injected_failure(Endpoint endpoint);
    // True once, when the armed expire_tokens_after_pages is reached (then it disarms).
    bool take_token_expiry_before_list_page();
    void note_list_page_served();

  private:
    const Credentials credentials_;
    TokenRegistry tokens_;
    Stats stats_;
    mutable std::mutex mutex_;
    std::shared_ptr<const FleetSnapshot> fleet_;
    Faults faults_;
    long failures_left_ = 0;
    std::optional<long> pages_before_token_expiry_;
    std::shared_ptr<const FleetSnapshot> staged_fleet_;
    std::optional<FleetParams> generator_;
    long pages_before_staged_fleet_ = 0;
};

}  // namespace emu
