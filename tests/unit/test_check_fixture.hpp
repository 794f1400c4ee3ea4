#pragma once
// Fixed fleets on a fixed clock for the check's unit tests: registers built by hand, assessed
// exactly as load_fleet() does (compute_metrics, then evaluate with the thresholds).
#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "common/fleet.hpp"
#include "common/metrics.hpp"
#include "common/state.hpp"
#include "nagios/check.hpp"
#include "nagios/plugin_output.hpp"
#include "unit/test_check_perfdata_syntax.hpp"

namespace kkt::checktest {

using namespace std::chrono_literals;

// 2026-11-28 12:00:00 UTC.
inline const TimePoint fixed_now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 28} + 12h;

inline TimePoint at_hours(double h) {
    return fixed_now + std::chrono::milliseconds(std::llround(h * 3600.0 * 1000.0));
}

// A register with every field known and every metric well inside the default thresholds.
inline Register healthy(std::string serial, std::string address = "shop.example.ru") {
    Register r;
    r.serial_number = std::move(serial);
    r.registration_number = "0006538712045120";
    r.device_number = "KKT031877";
    r.fiscalization_date = at_hours(-24 * 100);
    r.fiscal_storage_expiration = at_hours(24 * 200);
    r.signed_documents = 48211;
    r.fiscal_storage_percentage_use = 37.5;
    r.fiscal_storage_inn = "7701234567";
    r.fiscal_storage_serial_number = "7380440800123456";
    r.fiscal_storage_payment_address = std::move(address);
    r.group_code = "shop-example-ru_1207";
    r.timestamp = at_hours(-0.5);
    r.is_shift_opened = true;
    r.shift_number = 412;
    r.shift_receipt = 96;
    r.unsent_docs = 0;
    r.network_error_code = 0;
    return r;
}

// As load_fleet() assesses: `shift_open_hours` is how long ago the current shift was first
// seen open (nullopt: seen for the first time now).
inline RegisterStatus assess(Register r, const Thresholds& t = Thresholds::defaults(),
                             std::optional<double> shift_open_hours = std::nullopt) {
    RegisterStatus s;
    std::optional<TimePoint> first_seen;
    if (shift_open_hours) first_seen = at_hours(-*shift_open_hours);
    s.metrics = compute_metrics(r, fixed_now, first_seen);
    s.evaluation = evaluate(r, s.metrics, t, fixed_now);
    s.reg = std::move(r);
    return s;
}

inline Fleet fleet_of(std::vector<RegisterStatus> registers) {
    Fleet f;
    f.registers = std::move(registers);
    f.now = fixed_now;
    f.fetched_at = fixed_now;
    return f;
}

struct CheckRun {
    std::string text;  // the whole plugin output
    int exit_code;
    std::string first_line() const { return text.substr(0, text.find('\n')); }
    // The status part of line 1 (before " | ").
    std::string status() const {
        const std::string line = first_line();
        return line.substr(0, line.find(" | "));
    }
    std::string perfdata() const {
        const std::string line = first_line();
        const auto bar = line.find(" | ");
        return bar == std::string::npos ? std::string() : line.substr(bar + 3);
    }
    std::vector<std::string> lines() const {
        std::vector<std::string> out;
        std::size_t start = 0;
        while (start < text.size()) {
            const auto end = text.find('\n', start);
            out.push_back(text.substr(start, end - start));
            if (end == std::string::npos) break;
            start = end + 1;
        }
        return out;
    }
};

// The whole check as run_check() does it after loading: evaluation, rendering, exit code.
inline CheckRun run(const Fleet& fleet, nagios::CheckSettings settings = {},
                    const Thresholds& t = Thresholds::defaults()) {
    const nagios::PluginOutput out = nagios::evaluate_check(fleet, t, settings);
    return CheckRun{nagios::render(out), nagios::exit_code(out.state)};
}

inline nagios::CheckSettings only_serial(std::string serial) {
    nagios::CheckSettings s;
    s.selection.serials = {std::move(serial)};
    return s;
}

}  // namespace kkt::checktest
