// Plugin output rules (nagios/README.md, "Output"): all perfdata on line 1 in strict syntax,
// at most 8 KiB however many registers fail, C-locale numbers, one-line reasons, the state
// of each kind of failure.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <clocale>
#include <cstdio>
#include <filesystem>
#include <locale>

#include "common/errors.hpp"
#include "unit/comma_locale.hpp"
#include "unit/test_check_fixture.hpp"

namespace kkt::checktest {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

Fleet failing_fleet(std::size_t n) {
    std::vector<RegisterStatus> registers;
    registers.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        char serial[32];
        std::snprintf(serial, sizeof serial, "%014zu", 106709180000 + i);
        Register r = healthy(serial, "магазин-" + std::to_string(i) + ".рф");
        r.fiscal_storage_expiration = at_hours(24 * (1 + static_cast<double>(i % 20)));
        r.network_error_code = static_cast<std::int64_t>(i % 9);
        registers.push_back(assess(r));
    }
    return fleet_of(std::move(registers));
}

void expect_within_limit_with_valid_perfdata(const CheckRun& r, std::size_t registers) {
    EXPECT_LE(r.text.size(), nagios::max_output_bytes);
    EXPECT_THAT(r.text, EndsWith("\n"));
    const PerfParse p = parse_perfdata_strictly(r.perfdata());
    EXPECT_EQ(p.error, "") << r.first_line();
    EXPECT_THAT(r.perfdata(), StartsWith("registers=" + std::to_string(registers) + ";;;0 "));
    // No '|' anywhere else: Nagios would take the rest for more performance data.
    EXPECT_EQ(r.text.find('|'), r.first_line().find(" | ") + 1);
    EXPECT_EQ(std::count(r.text.begin(), r.text.end(), '|'), 1);
}

TEST(CheckOutputLimit, FiveThousandFailingRegistersFitIn8KiBWithValidPerfdata) {
    const CheckRun r = run(failing_fleet(5000));
    EXPECT_EQ(r.exit_code, 2);
    expect_within_limit_with_valid_perfdata(r, 5000);
    const auto lines = r.lines();
    ASSERT_GT(lines.size(), 10u);
    const std::size_t shown = lines.size() - 2;  // minus the status line and "… and N more"
    EXPECT_EQ(lines.back(), "… and " + std::to_string(5000 - shown) + " more");
    for (std::size_t i = 1; i + 1 < lines.size(); ++i)
        EXPECT_THAT(lines[i], StartsWith("CRITICAL "));
    EXPECT_EQ(r.status(),
              "ATOL KKT CRITICAL - 1500 critical, 3500 warning, 0 ok of 5000 registers [test mode]")
        << "expiry 1..6 days is critical, 7..20 with network errors warning";
}

TEST(CheckOutputLimit, VerboseLinesAreTrimmedToo) {
    nagios::CheckSettings s;
    s.verbosity = 3;
    nagios::PluginOutput out = nagios::evaluate_check(failing_fleet(50), Thresholds::defaults(), s);
    for (int i = 0; i < 1000; ++i)
        out.verbose.push_back("GET http://127.0.0.1/api/kkt/v1/cash-registers -> 200");
    const std::string text = nagios::render(out);
    EXPECT_LE(text.size(), nagios::max_output_bytes);
    EXPECT_THAT(text, HasSubstr("… and "));
}

TEST(CheckOutputLimit, NothingIsTrimmedWhenItFits) {
    const CheckRun r = run(failing_fleet(20));
    EXPECT_EQ(r.lines().size(), 21u);
    EXPECT_THAT(r.text, Not(HasSubstr("… and")));
}

TEST(CheckOutputLimit, AHugeSummaryGivesWayToThePerfdata) {
    nagios::PluginOutput out;
    out.state = State::warning;
    out.summary = std::string(20000, 'x');
    out.perfdata = {{"registers", 1.0, "", "", "", 0.0, std::nullopt}};
    out.details = {"detail"};
    const std::string text = nagios::render(out);
    EXPECT_LE(text.size(), nagios::max_output_bytes);
    EXPECT_THAT(text, StartsWith("ATOL KKT WARNING - xxx"));
    EXPECT_THAT(text, HasSubstr("… | registers=1;;;0\n"));
}

TEST(CheckOneLine, ControlCharactersPipesAndLengthAreTamed) {
    EXPECT_EQ(nagios::one_line("a\nb\r\tc|d"), "a b  c/d");
    EXPECT_EQ(nagios::one_line("магазин", 7), "ма…");  // never half a character
    EXPECT_EQ(nagios::one_line("short", 5), "short");
}

TEST(CheckOneLine, AddressesFromTheApiCannotBreakTheOutput) {
    Register r = healthy("1", "evil.example | x=1;2;3\nCRITICAL fake line");
    r.network_error_code = 1;
    const CheckRun run_ = run(fleet_of({assess(r)}));
    EXPECT_EQ(run_.lines().size(), 2u);
    EXPECT_EQ(run_.lines()[1],
              "WARNING  1 (evil.example / x=1;2;3 CRITICAL fake line): network error 1: "
              "Отсутствует физический канал связи");
    EXPECT_EQ(std::count(run_.text.begin(), run_.text.end(), '|'), 1);
}

TEST(CheckPerfdata, FormatFollowsThePluginGuidelines) {
    using nagios::PerfDatum;
    EXPECT_EQ(nagios::format_perfdatum({"registers", 120.0, "", "", "", 0.0, std::nullopt}),
              "registers=120;;;0");
    EXPECT_EQ(nagios::format_perfdatum({"fn_usage", 37.5, "%", "80", "90", 0.0, 100.0}),
              "fn_usage=37.5%;80;90;0;100");
    EXPECT_EQ(nagios::format_perfdatum({"fn_days_left", std::nullopt, "", "30:", "7:", {}, {}}),
              "fn_days_left=U;30:;7:");
    EXPECT_EQ(nagios::format_perfdatum({"x", -2.41666666, "", "", "", {}, {}}), "x=-2.417");
    EXPECT_EQ(nagios::format_perfdatum({"x", -0.0001, "", "", "", {}, {}}), "x=0");
    EXPECT_EQ(nagios::format_perfdatum({"x", 1e7, "", "", "", {}, {}}), "x=10000000");
    EXPECT_EQ(nagios::format_perfdatum({"a b", 1.0, "", "", "", {}, {}}), "'a b'=1");
    EXPECT_EQ(nagios::format_perfdatum({"it's", 1.0, "", "", "", {}, {}}), "'it''s'=1");
    EXPECT_EQ(nagios::format_perfdatum({"x", 1.0, "", "", "", {}, 30.0}), "x=1;;;;30");
}

TEST(CheckPerfdata, StrictParserRejectsBadSyntax) {
    EXPECT_EQ(parse_perfdata_strictly("a=1;2;3;0;10 b=U").error, "");
    EXPECT_NE(parse_perfdata_strictly("a=1,5").error, "");
    EXPECT_NE(parse_perfdata_strictly("a=1;2;3;0;10;11").error, "");
    EXPECT_NE(parse_perfdata_strictly("a=1;x").error, "");
    EXPECT_NE(parse_perfdata_strictly("a=1;").error, "");
    EXPECT_NE(parse_perfdata_strictly("a=1h").error, "");
    EXPECT_NE(parse_perfdata_strictly("a=1  b=2").error, "");
    EXPECT_NE(parse_perfdata_strictly("a b=1").error, "");
    EXPECT_NE(parse_perfdata_strictly("a=1;20:10").error, "");  // start > end
}

TEST(CheckLocale, NumbersStayCLocaleUnderACommaLocale) {
    const testing::CommaLocale comma;
    ASSERT_TRUE(comma.active()) << testing::CommaLocale::missing;
    ASSERT_EQ(std::string(std::localeconv()->decimal_point), ",");
    ASSERT_EQ(std::use_facet<std::numpunct<char>>(std::locale()).decimal_point(), ',');
    Register r = healthy("00106709186412");
    r.fiscal_storage_expiration = at_hours(2.4 * 24);
    r.fiscal_storage_percentage_use = 37.5;
    r.unsent_docs = 1234567;
    r.first_unsent_doc_timestamp = at_hours(-80.4);
    const Fleet fleet = fleet_of({assess(r)});
    const CheckRun fleet_run = run(fleet);
    const CheckRun one = run(fleet, only_serial("00106709186412"));

    EXPECT_EQ(parse_perfdata_strictly(fleet_run.perfdata()).error, "");
    EXPECT_EQ(parse_perfdata_strictly(one.perfdata()).error, "");
    EXPECT_THAT(fleet_run.perfdata(), HasSubstr("fn_days_left_min=2.4;30:;7:"));
    EXPECT_THAT(fleet_run.perfdata(), HasSubstr("unsent_docs_total=1234567;;;0"));
    EXPECT_THAT(one.perfdata(), HasSubstr("fn_usage=37.5%;80;90;0;100"));
    EXPECT_THAT(fleet_run.text, HasSubstr("ФН expires in 2.4 days (2026-11-30)"));
    EXPECT_THAT(fleet_run.text, HasSubstr("80.4 h old (26.6 days left"));
}

TEST(CheckErrors, EachKindOfFailureGetsItsStateAndAOneLineReason) {
    nagios::CheckSettings settings;  // test mode
    const nagios::ErrorStates defaults;
    nagios::ErrorStates raised;
    raised.api_error = State::critical;
    raised.timeout = State::warning;
    const auto t = std::chrono::milliseconds(2500);
    struct Row {
        std::exception_ptr error;
        State by_default;
        State when_raised;
        std::string summary;
    };
    const std::vector<Row> rows = {
        {std::make_exception_ptr(TimeoutError("waiting for the list")), State::unknown,
         State::warning, "timed out after 2.5 s [test mode]"},
        {std::make_exception_ptr(AuthError("authentication failed: ATOL error 12", 401, 12, "x")),
         State::unknown, State::critical, "authentication failed: ATOL error 12 [test mode]"},
        {std::make_exception_ptr(ApiError("HTTP 500 from /list", 500, std::nullopt, "")),
         State::unknown, State::critical, "HTTP 500 from /list [test mode]"},
        {std::make_exception_ptr(TransportError("connection refused\nsecond line")), State::unknown,
         State::critical, "connection refused second line [test mode]"},
        {std::make_exception_ptr(ProtocolError("malformed JSON")), State::unknown, State::critical,
         "malformed JSON [test mode]"},
        {std::make_exception_ptr(ConfigError("--timeout must be more than 0")), State::unknown,
         State::unknown, "--timeout must be more than 0 [test mode]"},
        {std::make_exception_ptr(Error("cache dir is not ours")), State::unknown, State::unknown,
         "cache dir is not ours [test mode]"},
        {std::make_exception_ptr(std::runtime_error("boom")), State::unknown, State::unknown,
         "internal error: boom [test mode]"},
        {std::make_exception_ptr(42), State::unknown, State::unknown, "internal error [test mode]"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.summary);
        const auto plain = nagios::error_output(row.error, defaults, t, &settings);
        EXPECT_EQ(plain.state, row.by_default);
        const std::string text = nagios::render(plain);
        EXPECT_EQ(text, "ATOL KKT " + std::string(state_name(row.by_default)) + " - " +
                            row.summary + "\n");
        EXPECT_EQ(nagios::error_output(row.error, raised, t, &settings).state, row.when_raised);
    }
    // Before the configuration is read there is no mode to tell.
    EXPECT_EQ(
        nagios::render(nagios::error_output(
            std::make_exception_ptr(ConfigError("unknown option '--x'")), defaults, t, nullptr)),
        "ATOL KKT UNKNOWN - unknown option '--x'\n");
}

TEST(CheckErrors, TimeoutReasonNamesTheBudget) {
    EXPECT_EQ(nagios::timeout_reason(std::chrono::seconds(10)), "timed out after 10 s");
    EXPECT_EQ(nagios::timeout_reason(std::chrono::milliseconds(1500)), "timed out after 1.5 s");
}

TEST(CheckStates, StateNamesParseInAnyCaseAndAsNumbers) {
    EXPECT_EQ(nagios::parse_state_name("OK"), State::ok);
    EXPECT_EQ(nagios::parse_state_name("warning"), State::warning);
    EXPECT_EQ(nagios::parse_state_name("Critical"), State::critical);
    EXPECT_EQ(nagios::parse_state_name("3"), State::unknown);
    EXPECT_EQ(nagios::parse_state_name("crit"), std::nullopt);
    EXPECT_EQ(nagios::parse_state_name(""), std::nullopt);
    EXPECT_EQ(nagios::exit_code(State::critical), 2);
}

}  // namespace
}  // namespace kkt::checktest
