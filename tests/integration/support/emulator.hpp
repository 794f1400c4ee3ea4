#pragma once
// The ATOL API emulator as a test fixture: started on port 0, its URL read from its first
// line, its control API (faults, fleet, counters) at hand, stopped on destruction.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "integration/support/process.hpp"

namespace kkt::testing {

class Emulator {
  public:
    explicit Emulator(std::vector<std::string> args = {});
    ~Emulator();
    Emulator(const Emulator&) = delete;
    Emulator& operator=(const Emulator&) = delete;

    const std::string& url() const { return url_; }  // "http://127.0.0.1:PORT/api"
    std::string control_url() const;                 // "http://127.0.0.1:PORT"

    boost::json::object stats() const;
    void reset_stats() const;
    void set_faults(const boost::json::object& faults) const;
    void expire_tokens() const;
    void set_fleet(const std::string& fleet_json) const;

  private:
    std::string control(const std::string& method, const std::string& path,
                        const std::string& body) const;
    int pid_ = -1;
    int stdout_fd_ = -1;
    std::string url_;
};

// The fleet the emulator generates for `registers`, `seed` and `now` (its --dump-fleet), as
// it serves it: what tests compare the program's output with.
boost::json::array dumped_fleet(int registers, int seed, const std::string& now);

// The environment atol_kkt() runs the program with: a private cache dir under `home`, the
// emulator as the base URL, and `extra` on top.
Env atol_kkt_env(const Emulator& emulator, const TempDir& home, const Env& extra = {});

// Runs the built atol-kkt with `args`, a private cache dir under `home`, the emulator as the
// base URL, and `extra` environment on top.
RunResult atol_kkt(const Emulator& emulator, const TempDir& home,
                   const std::vector<std::string>& args, const Env& extra = {},
                   std::chrono::milliseconds limit = std::chrono::seconds(30));

// The same binary, started as check_atol_kkt (argv[0] via a symlink in `home`).
RunResult check_atol_kkt(const Emulator& emulator, const TempDir& home,
                         const std::vector<std::string>& args, const Env& extra = {},
                         std::chrono::milliseconds limit = std::chrono::seconds(30));

}  // namespace kkt::testing
