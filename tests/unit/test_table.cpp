// `atol-kkt list`: worst first, aligned columns also with Cyrillic addresses, ? for unknown and
// - for none, colour only when asked for, the summary line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "common/table.hpp"

namespace kkt {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

RegisterStatus healthy(std::string serial, std::string address) {
    RegisterStatus s;
    s.reg.serial_number = std::move(serial);
    s.reg.fiscal_storage_payment_address = std::move(address);
    s.reg.is_shift_opened = false;
    s.metrics.set(Metric::fn_days_left, 306.44);
    s.metrics.set(Metric::fn_usage, 8.3);
    s.metrics.set(Metric::unsent_docs, 0);
    s.metrics.set(Metric::unsent_age_hours, 0);
    s.metrics.set(Metric::shift_open_hours, 0);
    s.metrics.set(Metric::network_error, 0);
    s.metrics.set(Metric::fn_replace_days_left, 306.44);
    return s;
}

// One register in each state; the serials sort against the state order on purpose.
struct Fleet4 {
    RegisterStatus ok = healthy("00000000000001", "shop.example.ru");
    RegisterStatus unknown = healthy("00000000000002", "");
    RegisterStatus warning = healthy("00000000000003", "г. Москва, ул. Большая Дмитровка, д. 32");
    RegisterStatus critical = healthy("00000000000004", "магазин-3.рф");
    Fleet4() {
        // Two weeks of history with the memory not filling: FULL IN "-".
        ok.reg.fiscal_storage_percentage_use = 8.3;
        ok.forecast.usage_history_days = 14;
        unknown.reg.fiscal_storage_payment_address.reset();
        unknown.reg.is_shift_opened.reset();
        for (Metric m :
             {Metric::fn_days_left, Metric::fn_usage, Metric::unsent_docs, Metric::unsent_age_hours,
              Metric::shift_open_hours, Metric::network_error, Metric::fn_replace_days_left})
            unknown.metrics.set(m, std::nullopt);
        unknown.evaluation = {State::unknown,
                              {{State::unknown, Metric::network_error, "network_error unknown"}}};
        warning.metrics.set(Metric::fn_usage, 87.94);
        warning.metrics.set(Metric::fn_full_days_left, 12.04);
        warning.metrics.set(Metric::fn_replace_days_left, 12.04);
        warning.evaluation = {State::warning,
                              {{State::warning, Metric::fn_usage, "ФН memory 87.9% full"}}};
        critical.reg.is_shift_opened = true;
        critical.metrics.set(Metric::fn_days_left, -8.25);
        critical.metrics.set(Metric::fn_replace_days_left, -8.25);
        critical.metrics.set(Metric::unsent_docs, 709);
        critical.metrics.set(Metric::unsent_age_hours, 668.81);
        critical.metrics.set(Metric::shift_open_hours, 3.31);
        critical.metrics.set(Metric::network_error, 6);
        critical.evaluation = {
            State::critical,
            {{State::critical, Metric::fn_days_left, "ФН expired 8.2 days ago (2026-11-20)"},
             {State::critical, Metric::unsent_age_hours, "oldest unsent document is 668.8 h old"},
             {State::warning, Metric::network_error, "network error 6"}}};
    }
    std::vector<const RegisterStatus*> all() const { return {&ok, &unknown, &warning, &critical}; }
};

std::string without_colour(const std::string& text) {
    return std::regex_replace(text, std::regex("\033\\[[0-9;]*m"), "");
}

TEST(Table, WorstFirstThenBySerial) {
    Fleet4 f;
    RegisterStatus second_critical = f.critical;
    second_critical.reg.serial_number = "00000000000000";
    auto sorted = worst_first({&f.ok, &f.unknown, &f.critical, &f.warning, &second_critical});
    EXPECT_EQ(sorted, (std::vector<const RegisterStatus*>{&second_critical, &f.critical, &f.warning,
                                                          &f.unknown, &f.ok}));
}

TEST(Table, AlignedOnDisplayWidthWithCyrillicUnknownsAndNones) {
    Fleet4 f;
    const std::string table = render_table(worst_first(f.all()));
    EXPECT_EQ(table,
              "STATE     SERIAL          ADDRESS                           ФН DAYS  ФН %  FULL IN"
              "  REPLACE  UNSENT  UNSENT AGE   SHIFT  NET  PROBLEM\n"
              "CRITICAL  00000000000004  магазин-3.рф                         -8.2   8.3        ?"
              "     -8.2     709     668.8 h   3.3 h    6  ФН expired 8.2 days ago (2026-11-20) "
              "(+2 more)\n"
              "WARNING   00000000000003  г. Москва, ул. Большая Дмитровк…    306.4  87.9     12.0"
              "     12.0       0           -  closed    -  ФН memory 87.9% full\n"
              "UNKNOWN   00000000000002  ?                                       ?     ?        ?"
              "        ?       ?           ?       ?    ?  network_error unknown\n"
              "OK        00000000000001  shop.example.ru                     306.4   8.3        -"
              "    306.4       0           -  closed    -\n");
}

// A note (the ФН replaced) shows in PROBLEM when the register has no problem to show.
TEST(Table, ANoteFillsAnEmptyProblemCell) {
    Fleet4 f;
    f.ok.notes.push_back("ФН replaced (7380440800123456 → 7380441800123456) on 2026-11-16");
    f.critical.notes = f.ok.notes;
    const std::string table = render_table(worst_first(f.all()));
    EXPECT_THAT(table, HasSubstr("closed    -  ФН replaced (7380440800123456 → 7380441800123456) "
                                 "on 2026-11-16\n"));
    EXPECT_THAT(table, HasSubstr("ФН expired 8.2 days ago (2026-11-20) (+2 more)\n"));
}

TEST(Table, EveryRowHasItsColumnsAtTheSameDisplayOffsets) {
    Fleet4 f;
    const std::string table = render_table(worst_first(f.all()));
    // The NET column (right-aligned) ends at the header's display column in every row.
    const std::string header = table.substr(0, table.find('\n'));
    const std::size_t net_end = display_width(header.substr(0, header.find("NET") + 3));
    std::size_t start = table.find('\n') + 1;
    while (start < table.size()) {
        const std::size_t end = table.find('\n', start);
        const std::string line = table.substr(start, end - start);
        std::size_t column = 0, byte = 0;
        while (column < net_end && byte < line.size()) {
            if ((line[byte] & 0xC0) != 0x80) ++column;
            ++byte;
        }
        while (byte < line.size() && (line[byte] & 0xC0) == 0x80) ++byte;
        EXPECT_NE(line[byte - 1], ' ') << "NET cell not right-aligned in: " << line;
        EXPECT_TRUE(byte == line.size() || line.substr(byte, 2) == "  ") << line;
        start = end + 1;
    }
}

TEST(Table, ColourOnlyWhenAskedAndOnlyAroundTheStateWord) {
    Fleet4 f;
    const auto registers = worst_first(f.all());
    const std::string plain = render_table(registers);
    const std::string coloured = render_table(registers, {.colour = true});
    EXPECT_THAT(plain, Not(HasSubstr("\033")));
    EXPECT_EQ(without_colour(coloured), plain);  // same text, same alignment
    EXPECT_THAT(coloured, HasSubstr("\033[1;31mCRITICAL\033[0m  00000000000004"));
    EXPECT_THAT(coloured, HasSubstr("\033[33mWARNING\033[0m   00000000000003"));
    EXPECT_THAT(coloured, HasSubstr("\033[35mUNKNOWN\033[0m   00000000000002"));
    EXPECT_THAT(coloured, HasSubstr("\033[32mOK\033[0m        00000000000001"));
    EXPECT_EQ(coloured.find("\033"), coloured.find("\n") + 1);  // not in the header
}

TEST(Table, NoRegistersIsJustTheHeader) {
    EXPECT_EQ(render_table({}),
              "STATE  SERIAL  ADDRESS  ФН DAYS  ФН %  FULL IN  REPLACE  UNSENT  UNSENT AGE  SHIFT  "
              "NET  PROBLEM\n");
}

TEST(Table, TruncateCutsWholeCodePointsAndMarksTheCut) {
    EXPECT_EQ(truncate_to_width("магазин", 7), "магазин");
    EXPECT_EQ(truncate_to_width("магазин", 5), "мага…");
    EXPECT_EQ(display_width(truncate_to_width("магазин", 5)), 5u);
    EXPECT_EQ(truncate_to_width("shop.example.ru", 6), "shop.…");
    EXPECT_EQ(truncate_to_width("abc", 0), "");
    EXPECT_EQ(display_width("ФН %"), 4u);
}

TEST(Table, SummaryCountsEveryStateAndSaysWhenSomeWereLeftOut) {
    Fleet4 f;
    EXPECT_EQ(summary_line(f.all(), 4, " [test mode]"),
              "4 registers: 1 critical, 1 warning, 1 unknown, 1 ok [test mode]");
    EXPECT_EQ(summary_line({&f.ok, &f.critical}, 50, ""),
              "2 of 50 registers: 1 critical, 0 warning, 0 unknown, 1 ok");
    EXPECT_EQ(summary_line({&f.ok}, 1, ""), "1 register: 0 critical, 0 warning, 0 unknown, 1 ok");
    EXPECT_EQ(summary_line({}, 50, ""),
              "0 of 50 registers: 0 critical, 0 warning, 0 unknown, 0 ok");
}

}  // namespace
}  // namespace kkt
