// Each default threshold (nagios/README.md, "Thresholds") through the whole check output:
// the value at the boundary keeps the state, a hair beyond it changes state and exit code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "unit/test_check_fixture.hpp"

namespace kkt::checktest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr double minute_hours = 1.0 / 60.0;
constexpr double minute_days = minute_hours / 24.0;

struct Case {
    const char* name;
    std::function<RegisterStatus()> make;
    State expected;
    const char* reason;  // part of the long output / status line, "" for OK
};

RegisterStatus with_fn_days_left(double days) {
    Register r = healthy("00106709186412");
    r.fiscal_storage_expiration = at_hours(days * 24);
    return assess(r);
}
RegisterStatus with_fn_usage(double percent) {
    Register r = healthy("00106709186412");
    r.fiscal_storage_percentage_use = percent;
    return assess(r);
}
RegisterStatus with_unsent_age(double hours) {
    Register r = healthy("00106709186412");
    r.unsent_docs = 3;
    r.first_unsent_doc_timestamp = at_hours(-hours);
    return assess(r);
}
RegisterStatus with_shift_open(double hours) {
    return assess(healthy("00106709186412"), Thresholds::defaults(), hours);
}
RegisterStatus with_data_age(double hours) {
    Register r = healthy("00106709186412");
    r.timestamp = at_hours(-hours);
    return assess(r);
}
RegisterStatus with_network_error(std::int64_t code) {
    Register r = healthy("00106709186412");
    r.network_error_code = code;
    return assess(r);
}

const std::vector<Case>& boundary_cases() {
    static const std::vector<Case> cases = {
        {"fn_days_left 30 (warning 30:) is OK", [] { return with_fn_days_left(30); }, State::ok,
         ""},
        {"fn_days_left just under 30 warns", [] { return with_fn_days_left(30 - minute_days); },
         State::warning, "ФН expires in 30.0 days (2026-12-28)"},
        {"fn_days_left 7 (critical 7:) still warns", [] { return with_fn_days_left(7); },
         State::warning, "ФН expires in 7.0 days (2026-12-05)"},
        {"fn_days_left just under 7 is critical", [] { return with_fn_days_left(7 - minute_days); },
         State::critical, "ФН expires in 7.0 days (2026-12-05)"},
        {"fn_days_left negative is critical", [] { return with_fn_days_left(-2.5); },
         State::critical, "ФН expired 2.5 days ago (2026-11-26)"},
        {"fn_usage 80 (warning 80) is OK", [] { return with_fn_usage(80); }, State::ok, ""},
        {"fn_usage 80.01 warns", [] { return with_fn_usage(80.01); }, State::warning,
         "ФН memory 80.0% full"},
        {"fn_usage 90 (critical 90) still warns", [] { return with_fn_usage(90); }, State::warning,
         "ФН memory 90.0% full"},
        {"fn_usage 90.01 is critical", [] { return with_fn_usage(90.01); }, State::critical,
         "ФН memory 90.0% full"},
        {"unsent_age_hours 24 (warning 24) is OK", [] { return with_unsent_age(24); }, State::ok,
         ""},
        {"unsent_age_hours just over 24 warns", [] { return with_unsent_age(24 + minute_hours); },
         State::warning,
         "oldest unsent document is 24.0 h old (29.0 days left before the ФН blocks)"},
        {"unsent_age_hours 72 (critical 72) still warns", [] { return with_unsent_age(72); },
         State::warning,
         "oldest unsent document is 72.0 h old (27.0 days left before the ФН blocks)"},
        {"unsent_age_hours just over 72 is critical",
         [] { return with_unsent_age(72 + minute_hours); }, State::critical,
         "oldest unsent document is 72.0 h old (27.0 days left before the ФН blocks)"},
        {"shift_open_hours 20 (warning 20) is OK", [] { return with_shift_open(20); }, State::ok,
         ""},
        {"shift_open_hours just over 20 warns", [] { return with_shift_open(20 + minute_hours); },
         State::warning, "shift 412 open for 20.0 h (the ФН blocks at 24 h)"},
        {"shift_open_hours 23 (critical 23) still warns", [] { return with_shift_open(23); },
         State::warning, "shift 412 open for 23.0 h (the ФН blocks at 24 h)"},
        {"shift_open_hours just over 23 is critical",
         [] { return with_shift_open(23 + minute_hours); }, State::critical,
         "shift 412 open for 23.0 h (the ФН blocks at 24 h)"},
        {"data_age_hours 6 (warning 6) is OK", [] { return with_data_age(6); }, State::ok, ""},
        {"data_age_hours just over 6 warns", [] { return with_data_age(6 + minute_hours); },
         State::warning, "no status update for 6.0 h (last 2026-11-28 05:59 UTC)"},
        {"data_age_hours 24 (critical 24) still warns", [] { return with_data_age(24); },
         State::warning, "no status update for 24.0 h (last 2026-11-27 12:00 UTC)"},
        {"data_age_hours just over 24 is critical", [] { return with_data_age(24 + minute_hours); },
         State::critical, "no status update for 24.0 h (last 2026-11-27 11:59 UTC)"},
        {"network_error 0 (warning 0) is OK", [] { return with_network_error(0); }, State::ok, ""},
        {"network_error 1 warns", [] { return with_network_error(1); }, State::warning,
         "network error 1: Отсутствует физический канал связи"},
        {"network_error 8 only warns (no critical default)", [] { return with_network_error(8); },
         State::warning, "network error 8: ОФД-процесс не иницилизирован"},
    };
    return cases;
}

std::string label(State s) {
    return std::string(state_name(s));
}

TEST(CheckDefaultThresholds, FleetModeStateExitCodeAndLongOutputAtEachBoundary) {
    for (const Case& c : boundary_cases()) {
        SCOPED_TRACE(c.name);
        const Fleet fleet = fleet_of({c.make(), assess(healthy("00106709186499"))});
        const CheckRun r = run(fleet);
        EXPECT_EQ(r.exit_code, static_cast<int>(c.expected));
        EXPECT_THAT(r.status(), StartsWith("ATOL KKT " + label(c.expected) + " - "));
        const auto lines = r.lines();
        if (c.expected == State::ok) {
            EXPECT_EQ(r.status(), "ATOL KKT OK - 2 ok of 2 registers [test mode]");
            EXPECT_EQ(lines.size(), 1u) << r.text;
        } else {
            const std::string lower = c.expected == State::critical ? "critical" : "warning";
            EXPECT_EQ(r.status(), "ATOL KKT " + label(c.expected) + " - 1 " + lower +
                                      ", 1 ok of 2 registers [test mode]");
            ASSERT_EQ(lines.size(), 2u) << r.text;
            std::string column = label(c.expected);
            column.resize(8, ' ');
            EXPECT_EQ(lines[1], column + " 00106709186412 (shop.example.ru): " + c.reason);
        }
    }
}

TEST(CheckDefaultThresholds, SingleRegisterModeStateExitCodeAndReasonAtEachBoundary) {
    for (const Case& c : boundary_cases()) {
        SCOPED_TRACE(c.name);
        const Fleet fleet = fleet_of({c.make(), assess(healthy("00106709186499"))});
        const CheckRun r = run(fleet, only_serial("00106709186412"));
        EXPECT_EQ(r.exit_code, static_cast<int>(c.expected));
        if (c.expected == State::ok) {
            EXPECT_THAT(r.status(),
                        StartsWith("ATOL KKT OK - 00106709186412 (shop.example.ru): all metrics "
                                   "within thresholds"));
        } else {
            EXPECT_EQ(r.status(), "ATOL KKT " + label(c.expected) +
                                      " - 00106709186412 (shop.example.ru): " + c.reason +
                                      " [test mode]");
        }
        EXPECT_EQ(r.lines().size(), 1u) << r.text;
    }
}

TEST(CheckThresholdOptions, RemovingADefaultSilencesIt) {
    Thresholds t = Thresholds::defaults();
    t.set_warning("network_error=");
    Register r = healthy("00106709186412");
    r.network_error_code = 2;
    const CheckRun fleet = run(fleet_of({assess(r, t)}), {}, t);
    EXPECT_EQ(fleet.exit_code, 0);
    EXPECT_EQ(fleet.lines().size(), 1u) << fleet.text;
    EXPECT_THAT(fleet.perfdata(), HasSubstr(" network_error_registers=1;;;0"));
    const CheckRun one = run(fleet_of({assess(r, t)}), only_serial("00106709186412"), t);
    EXPECT_EQ(one.exit_code, 0);
    EXPECT_THAT(one.perfdata(), HasSubstr(" network_error=2;;;0 "));
    EXPECT_THAT(one.perfdata(), Not(HasSubstr("network_error=2;0")));
}

TEST(CheckThresholdOptions, CustomThresholdsDriveStateAndPerfdata) {
    Thresholds t = Thresholds::defaults();
    t.set_warning("fn_days_left=60:");
    t.set_critical("fn_days_left=45:");
    t.set_critical("unsent_docs=@100:200");
    Register r = healthy("00106709186412");
    r.fiscal_storage_expiration = at_hours(50 * 24);
    r.unsent_docs = 150;
    r.first_unsent_doc_timestamp = at_hours(-1);
    nagios::CheckSettings s = only_serial("00106709186412");
    const CheckRun one = run(fleet_of({assess(r, t)}), s, t);
    EXPECT_EQ(one.exit_code, 2);
    EXPECT_THAT(one.status(), HasSubstr("unsent_docs is 150"));
    EXPECT_THAT(one.status(), HasSubstr("ФН expires in 50.0 days"));
    EXPECT_THAT(one.perfdata(), HasSubstr("fn_days_left=50;60:;45:"));
    EXPECT_THAT(one.perfdata(), HasSubstr("unsent_docs=150;;@100:200;0"));

    const CheckRun fleet = run(fleet_of({assess(r, t)}), {}, t);
    EXPECT_THAT(fleet.perfdata(), HasSubstr("fn_days_left_min=50;60:;45:"));
    EXPECT_THAT(fleet.perfdata(), HasSubstr("unsent_docs_max=150;;@100:200;0"));
}

}  // namespace
}  // namespace kkt::checktest
