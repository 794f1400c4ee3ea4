#pragma once
// The fault matrix fixture: one emulator (30 registers, fixed seed and time), one cache that
// meets the fault and one reference cache that does not. Every case runs the real binary as
// `atol-kkt list` and as `check_atol_kkt` at +2 min (the list cached at +0 is stale by then,
// so the fault is met), then proves the cache consistent and that a healthy run at +4 min
// prints exactly what the reference prints, the check right after it reading the cache.
#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "integration/support/emulator.hpp"
#include "integration/support/process.hpp"

namespace kkt::testing {

inline constexpr const char* fleet_now = "2026-11-28T12:00:00Z";

// ATOL_KKT_NOW for `minutes` after fleet_now.
std::string fleet_time(int minutes);

// What a faulted run must print.
struct Expected {
    int list_exit = 1;
    std::string list_stderr;  // the whole stderr of `atol-kkt list` (one line, no prefix)
    int check_exit = 3;
    std::string check_line;  // the check's whole stdout (one line, no newline)
    // The two texts above are ECMAScript regular expressions matching the whole text, for
    // messages that carry a measured time (build them with regex_literal()).
    bool regex = false;
};

// `text` with every regular expression metacharacter escaped.
std::string regex_literal(const std::string& text);

class FaultMatrix : public ::testing::Test {
  protected:
    explicit FaultMatrix(std::vector<std::string> emulator_args = {});

    RunResult list_at(const TempDir& where, int minute, std::vector<std::string> args = {},
                      std::chrono::milliseconds limit = std::chrono::seconds(30));
    RunResult check_at(const TempDir& where, int minute, std::vector<std::string> args = {},
                       std::chrono::milliseconds limit = std::chrono::seconds(30));

    // A healthy list at +0 in both caches (token, register list and shift state in place).
    void warm_up();

    // The whole case: warm-up, `faults` (and `before`, e.g. expiring the tokens) armed anew
    // for each of the two runs at +2 min with `args`, their exact output and exit codes, each
    // ending within `within` when given; then recovery. One row of the report table.
    void expect_fault(const std::string& fault, const boost::json::object& faults,
                      const std::vector<std::string>& args, const Expected& expected,
                      std::optional<std::chrono::milliseconds> within = std::nullopt,
                      const std::function<void()>& before = {});

    // The same for a fault the run must survive: the list succeeds at +2 min, and with
    // `compare_output` both runs print exactly what the reference prints at +2 min (the check
    // runs with --cache-ttl 0, so it meets the fault too). Returns the two runs; `notes` go
    // into the report row.
    struct Survived {
        RunResult list, check;
    };
    Survived expect_survived(const std::string& fault, const boost::json::object& faults,
                             const std::vector<std::string>& args, bool compare_output = true,
                             const std::function<void()>& before = {},
                             const std::string& notes = "");

    // Faults off; the faulted cache consistent; a healthy list at +4 min equal to the
    // reference's; a check right after it served from the cache, equal to the reference's.
    void expect_recovery();

    // "ATOL KKT UNKNOWN - <summary> [test mode]".
    static std::string unknown_line(const std::string& summary);
    static std::string list_error(const std::string& message);  // "atol-kkt: <message>\n"

    Emulator emulator;
    TempDir home;                                       // the cache that meets the faults
    TempDir reference;                                  // the same runs, no faults
    std::string last_list_outcome, last_check_outcome;  // for the report row
};

// "exit 1: <stderr>" / "UNKNOWN (3): <line>" for the report table.
std::string list_outcome(const RunResult& r, const std::string& url);
std::string check_outcome(const RunResult& r, const std::string& url);

}  // namespace kkt::testing
