// Fleet and single-register evaluation on fixed fleets: worst-state aggregation, unknown
// metrics, serials the account does not have, filters that match nothing, the aggregate
// performance data and the order of the long output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/test_check_fixture.hpp"

namespace kkt::checktest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

RegisterStatus warning_register(std::string serial) {
    Register r = healthy(std::move(serial), "warn.example.ru");
    r.network_error_code = 2;
    return assess(r);
}
RegisterStatus critical_register(std::string serial) {
    Register r = healthy(std::move(serial), "crit.example.ru");
    r.fiscal_storage_expiration = at_hours(2.4 * 24);
    return assess(r);
}
RegisterStatus unknown_register(std::string serial) {
    Register r = healthy(std::move(serial), "unknown.example.ru");
    r.fiscal_storage_expiration.reset();
    r.unknown_fields.push_back("fiscalStorageExpiration");
    return assess(r);
}

State check_state(std::vector<RegisterStatus> registers) {
    const CheckRun r = run(fleet_of(std::move(registers)));
    return static_cast<State>(r.exit_code);
}

TEST(CheckAggregation, TheCheckIsTheWorstOfItsRegisters) {
    EXPECT_EQ(check_state({assess(healthy("1")), assess(healthy("2"))}), State::ok);
    EXPECT_EQ(check_state({assess(healthy("1")), unknown_register("2")}), State::unknown);
    EXPECT_EQ(check_state({unknown_register("1"), warning_register("2")}), State::warning);
    EXPECT_EQ(check_state({warning_register("1"), unknown_register("2"), critical_register("3")}),
              State::critical);
    EXPECT_EQ(check_state({critical_register("1"), assess(healthy("2"))}), State::critical);
}

TEST(CheckAggregation, SummaryCountsEveryStateAndLongOutputIsWorstFirst) {
    const CheckRun r =
        run(fleet_of({assess(healthy("00000000000005")), warning_register("00000000000004"),
                      unknown_register("00000000000001"), critical_register("00000000000003"),
                      critical_register("00000000000002")}));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(
        r.status(),
        "ATOL KKT CRITICAL - 2 critical, 1 warning, 1 unknown, 1 ok of 5 registers [test mode]");
    EXPECT_THAT(
        r.lines(),
        ElementsAre(
            StartsWith("ATOL KKT CRITICAL"),
            "CRITICAL 00000000000002 (crit.example.ru): ФН expires in 2.4 days (2026-11-30)",
            "CRITICAL 00000000000003 (crit.example.ru): ФН expires in 2.4 days (2026-11-30)",
            "WARNING  00000000000004 (warn.example.ru): network error 2: Ошибка "
            "сетевых настроек или нет соединения с сервером ОФД",
            "UNKNOWN  00000000000001 (unknown.example.ru): fn_days_left unknown: "
            "fiscalStorageExpiration missing or invalid"));
}

TEST(CheckAggregation, SeveralProblemsOfOneRegisterShareItsLine) {
    Register r = healthy("00106709186412");
    r.fiscal_storage_expiration = at_hours(2.4 * 24);
    r.network_error_code = 2;
    r.fiscal_storage_percentage_use = 85;
    const CheckRun run_ = run(fleet_of({assess(r)}));
    ASSERT_EQ(run_.lines().size(), 2u);
    EXPECT_EQ(run_.lines()[1],
              "CRITICAL 00106709186412 (shop.example.ru): ФН expires in 2.4 days (2026-11-30), ФН "
              "memory 85.0% full, network error 2: Ошибка сетевых настроек или нет соединения с "
              "сервером ОФД");
}

TEST(CheckAggregation, FleetPerfdataHasCountsWorstValuesAndTotals) {
    Register a = healthy("1");
    a.fiscal_storage_expiration = at_hours(2.4 * 24);
    a.unsent_docs = 5;
    a.first_unsent_doc_timestamp = at_hours(-80.4);
    a.fiscal_storage_percentage_use = 12.25;
    Register b = healthy("2");
    b.unsent_docs = 7;
    b.first_unsent_doc_timestamp = at_hours(-1);
    b.network_error_code = 3;
    b.timestamp = at_hours(-7);
    Register c = healthy("3");
    c.unsent_docs.reset();  // unknown: neither 0 in the total nor in the max
    c.unknown_fields.push_back("unsentDocs");
    const CheckRun r =
        run(fleet_of({assess(a), assess(b, Thresholds::defaults(), 21.5), assess(c)}));
    EXPECT_EQ(r.perfdata(),
              "registers=3;;;0 ok=0;;;0 warning=1;;;0 critical=1;;;0 unknown=1;;;0 "
              "fn_days_left_min=2.4;30:;7: fn_usage_max=37.5%;80;90;0;100 unsent_docs_max=7;;;0 "
              "unsent_docs_total=12;;;0 unsent_age_hours_max=80.4;24;72;0 "
              "ofd_block_days_left_min=26.65;;;;30 data_age_hours_max=7;6;24;0 "
              "shift_open_hours_max=21.5;20;23;0 fn_replace_days_left_min=2.4;30:;7: "
              "network_error_registers=1;;;0");
}

TEST(CheckUnknowns, UnknownMetricIsUInSingleModeAndNeverWorseThanUnknown) {
    const Fleet fleet = fleet_of({unknown_register("00106709186412")});
    const CheckRun r = run(fleet, only_serial("00106709186412"));
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.status(),
              "ATOL KKT UNKNOWN - 00106709186412 (unknown.example.ru): fn_days_left unknown: "
              "fiscalStorageExpiration missing or invalid [test mode]");
    EXPECT_THAT(r.perfdata(), StartsWith("fn_days_left=U;30:;7: fn_usage=37.5%;80;90;0;100 "));
}

TEST(CheckUnknowns, AllValuesUnknownGiveUInFleetPerfdata) {
    Register r = healthy("1");
    r.fiscal_storage_percentage_use.reset();
    r.fiscal_storage_expiration.reset();
    const CheckRun run_ = run(fleet_of({assess(r)}));
    EXPECT_EQ(run_.exit_code, 3);
    EXPECT_THAT(run_.perfdata(),
                HasSubstr(" fn_days_left_min=U;30:;7: fn_usage_max=U;80;90;0;100 "));
    EXPECT_TRUE(parse_perfdata_strictly(run_.perfdata()).error.empty());
}

TEST(CheckSingleRegister, PerfdataAreAllItsMetricsWithUnitsThresholdsAndBounds) {
    const Fleet fleet = fleet_of(
        {assess(healthy("00106709186412"), Thresholds::defaults(), 3), critical_register("2")});
    const CheckRun r = run(fleet, only_serial("00106709186412"));
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.status(),
              "ATOL KKT OK - 00106709186412 (shop.example.ru): all metrics within thresholds, ФН "
              "expires in 200.0 days (2027-06-16) [test mode]");
    EXPECT_EQ(r.perfdata(),
              "fn_days_left=200;30:;7: fn_usage=37.5%;80;90;0;100 unsent_docs=0;;;0 "
              "unsent_age_hours=0;24;72;0 ofd_block_days_left=30;;;;30 data_age_hours=0.5;6;24;0 "
              "shift_open_hours=3;20;23;0 network_error=0;0;;0 signed_documents=48211;;;0 "
              "shift_number=412;;;0 shift_receipts=96;;;0 fn_full_days_left=U;;;0 "
              "fn_replace_days_left=200;30:;7: documents_per_day=U;;;0");
}

TEST(CheckSingleRegister, VerboseAddsEveryMetricToTheLongOutput) {
    nagios::CheckSettings s = only_serial("00106709186412");
    s.verbosity = 1;
    const CheckRun r = run(fleet_of({assess(healthy("00106709186412"))}), s);
    EXPECT_EQ(r.exit_code, 0);
    const auto lines = r.lines();
    ASSERT_EQ(lines.size(), 1u + 1u + metric_count) << r.text;
    EXPECT_THAT(lines[1], StartsWith("selected 1 of 1 registers; values at 2026-11-28T12:00:00Z"));
    EXPECT_EQ(lines[2], "fn_days_left = 200 (ФН expires in 200.0 days (2027-06-16))");
    EXPECT_EQ(lines[3], "fn_usage = 37.5% (ФН memory 37.5% full)");
}

TEST(CheckNotFound, ASerialTheAccountDoesNotHaveIsCriticalInSingleMode) {
    const CheckRun r = run(fleet_of({assess(healthy("1"))}), only_serial("00106709186499"));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.status(),
              "ATOL KKT CRITICAL - 00106709186499: register not found in the account [test mode]");
    const PerfParse p = parse_perfdata_strictly(r.perfdata());
    ASSERT_EQ(p.error, "");
    EXPECT_EQ(p.labels.size(), metric_count);
    for (const auto& v : p.values) EXPECT_EQ(v, "U");
}

TEST(CheckNotFound, MissingSerialsAreCriticalInFleetModeAndListed) {
    nagios::CheckSettings s;
    s.selection.serials = {"1", "00106709186499", "2"};
    const CheckRun r =
        run(fleet_of({assess(healthy("1")), assess(healthy("2")), critical_register("3")}), s);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.status(),
              "ATOL KKT CRITICAL - 2 ok of 2 registers, 1 not found in the account [test mode]");
    EXPECT_THAT(r.perfdata(), StartsWith("registers=2;;;0 ok=2;;;0 warning=0;;;0 critical=0;;;0 "
                                         "unknown=0;;;0 not_found=1;;;0 "));
    EXPECT_THAT(r.lines(),
                ElementsAre(StartsWith("ATOL KKT CRITICAL"),
                            "CRITICAL 00106709186499: register not found in the account"));
}

TEST(CheckEmptySelection, FiltersThatMatchNothingAreUnknown) {
    const Fleet fleet = fleet_of({assess(healthy("1")), critical_register("2")});
    nagios::CheckSettings by_group;
    by_group.selection.group = "no-such-group";
    CheckRun r = run(fleet, by_group);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.status(),
              "ATOL KKT UNKNOWN - no register matches the filters (--group "
              "no-such-group) among the 2 registers of the account [test mode]");
    EXPECT_TRUE(parse_perfdata_strictly(r.perfdata()).error.empty());

    nagios::CheckSettings by_inn;
    by_inn.selection.inn = "0000000000";
    EXPECT_EQ(run(fleet, by_inn).exit_code, 3);

    nagios::CheckSettings all_excluded;
    all_excluded.selection.exclude_serials = {"1", "2"};
    EXPECT_EQ(run(fleet, all_excluded).exit_code, 3);

    // The one serial exists but another filter drops it: nothing selected, not "not found".
    nagios::CheckSettings serial_and_group = only_serial("2");
    serial_and_group.selection.group = "no-such-group";
    r = run(fleet, serial_and_group);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_THAT(r.status(), HasSubstr("no register matches the filters (--serial 2, --group"));
}

TEST(CheckEmptySelection, AnEmptyAccountIsUnknown) {
    const CheckRun r = run(fleet_of({}));
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.status(), "ATOL KKT UNKNOWN - the account has no registers [test mode]");
}

TEST(CheckFilters, GroupInnAndExcludeNarrowTheFleet) {
    RegisterStatus other_group = critical_register("3");
    other_group.reg.group_code = "other";
    nagios::CheckSettings s;
    s.selection.group = "shop-example-ru_1207";
    s.selection.exclude_serials = {"2"};
    const CheckRun r =
        run(fleet_of({assess(healthy("1")), critical_register("2"), std::move(other_group)}), s);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.status(), "ATOL KKT OK - 1 ok of 1 register [test mode]");
}

TEST(CheckModeNotes, ProductionModeHasNoTestNoteAndInsecureIsSaid) {
    nagios::CheckSettings s;
    s.test_mode = false;
    s.tls_unverified = true;
    const CheckRun r = run(fleet_of({assess(healthy("1"))}), s);
    EXPECT_EQ(r.status(), "ATOL KKT OK - 1 ok of 1 register [TLS not verified]");
}

}  // namespace
}  // namespace kkt::checktest
