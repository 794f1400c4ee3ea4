// The Prometheus text format of the registers: names, labels and their escaping, unknown values
// left out, HELP/TYPE once per family, numbers in the C locale.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "prometheus/exposition.hpp"
#include "unit/comma_locale.hpp"

namespace kkt::prometheus {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* shop_labels =
    R"({serial="00106709186412",group="shop-example-ru_1207",inn="7701234567",)"
    R"(rnm="0006538712045120",address="shop.example.ru"})";

ScrapeInfo scrape(double duration, bool test_mode = false, bool tls_verified = true,
                  std::string account = "") {
    ScrapeInfo info;
    info.duration_seconds = duration;
    info.test_mode = test_mode;
    info.tls_verified = tls_verified;
    info.account = std::move(account);
    return info;
}

RegisterStatus shop_register() {
    RegisterStatus s;
    s.reg.serial_number = "00106709186412";
    s.reg.group_code = "shop-example-ru_1207";
    s.reg.fiscal_storage_inn = "7701234567";
    s.reg.registration_number = "0006538712045120";
    s.reg.fiscal_storage_payment_address = "shop.example.ru";
    s.metrics.set(Metric::fn_days_left, 31.25);
    s.metrics.set(Metric::fn_usage, 37.5);
    s.metrics.set(Metric::unsent_docs, 3);
    s.metrics.set(Metric::unsent_age_hours, 1.5);
    s.metrics.set(Metric::ofd_block_days_left, 29.9375);
    s.metrics.set(Metric::data_age_hours, 0.25);
    s.metrics.set(Metric::shift_open_hours, 10.0 / 3);  // 12000 s
    s.metrics.set(Metric::network_error, 2);
    s.metrics.set(Metric::signed_documents, 48211);
    s.metrics.set(Metric::shift_number, 412);
    s.metrics.set(Metric::shift_receipts, 96);
    s.metrics.set(Metric::fn_full_days_left, 12.5);
    s.metrics.set(Metric::fn_replace_days_left, 12.5);
    s.metrics.set(Metric::documents_per_day, 150);
    s.evaluation.state = State::warning;
    return s;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Checks the text format's rules the way Prometheus's parser does: every line is a comment,
// HELP, TYPE or sample; one HELP and one TYPE per family, before its samples; a family's
// samples together; no series twice. Returns "" or the first violation.
std::string format_violation(const std::string& text) {
    if (text.empty() || text.back() != '\n') return "does not end in a line feed";
    static const std::regex sample_line(
        R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? (-?[0-9]+(\.[0-9]+)?))");
    static const std::regex meta_line(R"(# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*))");
    std::map<std::string, int> help, type;
    std::set<std::string> finished, series;
    std::string current;
    for (const std::string& line : lines_of(text)) {
        std::smatch m;
        if (std::regex_match(line, m, meta_line)) {
            auto& seen = m[1] == "HELP" ? help : type;
            if (++seen[m[2]] > 1) return "second " + std::string(m[1]) + " for " + m[2].str();
            if (m[1] == "TYPE" && m[3] != "gauge") return "not a gauge: " + line;
            if (m[2] != current) {
                if (!current.empty()) finished.insert(current);
                if (finished.contains(m[2])) return "family split: " + m[2].str();
                current = m[2];
            }
        } else if (line.starts_with("#")) {
            if (line.starts_with("# HELP") || line.starts_with("# TYPE")) return "bad: " + line;
        } else if (std::regex_match(line, m, sample_line)) {
            if (m[1] != current) return "sample outside its family: " + line;
            if (!type.contains(m[1]) || !help.contains(m[1])) return "no HELP/TYPE: " + line;
            if (!series.insert(m[1].str() + m[2].str()).second) return "duplicate: " + line;
        } else {
            return "not a valid line: " + line;
        }
    }
    return "";
}

std::vector<std::string> samples_of(const std::string& text, const std::string& family) {
    std::vector<std::string> found;
    for (const std::string& line : lines_of(text))
        if (line.starts_with(family + "{") || line.starts_with(family + " ")) found.push_back(line);
    return found;
}

TEST(PrometheusFormatCheck, TheCheckerItselfCatchesWhatPrometheusRejects) {
    const std::string family = "# HELP a x\n# TYPE a gauge\n";
    EXPECT_EQ(format_violation(family + "a 1\n"), "");
    EXPECT_NE(format_violation(family + "a 1"), "");
    EXPECT_NE(format_violation(family + "# HELP a y\na 1\n"), "");
    EXPECT_NE(format_violation(family + "a{x=\"1\"} 1\na{x=\"1\"} 2\n"), "");
    EXPECT_NE(format_violation(family + "a 1,5\n"), "");
    EXPECT_NE(format_violation(family + "b 1\n"), "");
    EXPECT_NE(format_violation(family + "a{x=\"\"\"} 1\n"), "");
    EXPECT_NE(format_violation(family + "# HELP b y\n# TYPE b gauge\nb 1\n# HELP a z\n"), "");
}

TEST(PrometheusEscaping, LabelValuesEscapeBackslashQuoteAndLineFeed) {
    EXPECT_EQ(escape_label_value(R"(a\b"c)"
                                 "\n"
                                 "d"),
              R"(a\\b\"c\nd)");
    EXPECT_EQ(escape_label_value("магазин, ул. Ленина 1"), "магазин, ул. Ленина 1");
    EXPECT_EQ(escape_help(R"(a\b"c)"
                          "\n"),
              R"(a\\b"c\n)");
}

TEST(PrometheusExposition, EveryMetricIsAGaugeInBaseUnitsWithTheRegistersLabels) {
    const RegisterStatus s = shop_register();
    const std::string text = render_exposition({&s}, {}, scrape(0.25));
    EXPECT_EQ(format_violation(text), "");
    const std::string l = shop_labels;
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"atol_kkt_state", "1"},
        {"atol_kkt_fn_time_left_seconds", "2700000"},  // 31.25 days
        {"atol_kkt_fn_usage", "37.5"},
        {"atol_kkt_unsent_docs", "3"},
        {"atol_kkt_unsent_age_seconds", "5400"},
        {"atol_kkt_ofd_block_time_left_seconds", "2586600"},
        {"atol_kkt_data_age_seconds", "900"},
        {"atol_kkt_shift_open_seconds", "12000"},  // 10/3 h, no float noise
        {"atol_kkt_network_error_code", "2"},
        {"atol_kkt_signed_documents", "48211"},
        {"atol_kkt_shift_number", "412"},
        {"atol_kkt_shift_receipts", "96"},
        {"atol_kkt_fn_full_time_left_seconds", "1080000"},     // 12.5 days
        {"atol_kkt_fn_replace_time_left_seconds", "1080000"},  // the same limit
        {"atol_kkt_documents_per_day", "150"},                 // a count: whole documents a day
    };
    for (const auto& [family, value] : expected)
        EXPECT_EQ(samples_of(text, family), std::vector<std::string>{family + l + " " + value});
    EXPECT_EQ(samples_of(text, "atol_kkt_up"), std::vector<std::string>{"atol_kkt_up 1"});
    EXPECT_EQ(samples_of(text, "atol_kkt_registers"),
              std::vector<std::string>{"atol_kkt_registers 1"});
    EXPECT_EQ(samples_of(text, "atol_kkt_scrape_duration_seconds"),
              std::vector<std::string>{"atol_kkt_scrape_duration_seconds 0.25"});
    EXPECT_EQ(samples_of(text, "atol_kkt_test_mode"),
              std::vector<std::string>{"atol_kkt_test_mode 0"});
    EXPECT_THAT(text, Not(HasSubstr("register_not_found")));
    EXPECT_THAT(text, Not(HasSubstr("test mode")));
}

TEST(PrometheusExposition, HelpAndTypeOncePerFamilyEvenForManyRegisters) {
    std::vector<RegisterStatus> fleet(3, shop_register());
    fleet[1].reg.serial_number = "2";
    fleet[2].reg.serial_number = "3";
    const std::string text =
        render_exposition({&fleet[0], &fleet[1], &fleet[2]}, {}, scrape(0, true));
    EXPECT_EQ(format_violation(text), "");
    for (const Family& f : metric_families()) {
        const std::string name(f.name);
        EXPECT_THAT(text, HasSubstr("# HELP " + name + " " + std::string(f.help) + "\n"));
        EXPECT_THAT(text, HasSubstr("# TYPE " + name + " gauge\n"));
        EXPECT_EQ(samples_of(text, name).size(), 3u) << name;
    }
    EXPECT_THAT(text, HasSubstr("atol_kkt_registers 3\n"));
    EXPECT_THAT(text, HasSubstr("atol_kkt_test_mode 1\n"));
    EXPECT_THAT(text, HasSubstr("# test mode: ATOL's test API; use --prod for production\n"));
}

TEST(PrometheusExposition, FamiliesCoverEveryCoreMetricInOrderWithValidNames) {
    const std::regex name(R"(atol_kkt_[a-z_]+)");
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < metric_count; ++i) {
        const Family& f = metric_families()[i];
        EXPECT_EQ(f.metric, all_metrics()[i].id);
        EXPECT_TRUE(std::regex_match(std::string(f.name), name)) << f.name;
        // promtool's linter: no non-base time units in a name.
        for (const char* unit : {"_hours", "_days", "_minutes"})
            EXPECT_THAT(std::string(f.name), Not(HasSubstr(unit)));
        EXPECT_TRUE(names.insert(f.name).second) << f.name;
        // The HELP names the core metric, so a reader can find it in the other outputs.
        EXPECT_THAT(std::string(f.help), HasSubstr("(" + std::string(all_metrics()[i].name)));
    }
}

TEST(PrometheusExposition, UnknownValuesAreLeftOutNotZero) {
    RegisterStatus s = shop_register();
    s.metrics.set(Metric::fn_days_left, std::nullopt);
    s.metrics.set(Metric::network_error, std::nullopt);
    s.evaluation.state = State::unknown;
    const std::string text = render_exposition({&s}, {}, {});
    EXPECT_EQ(format_violation(text), "");
    EXPECT_EQ(samples_of(text, "atol_kkt_fn_time_left_seconds").size(), 0u);
    EXPECT_EQ(samples_of(text, "atol_kkt_network_error_code").size(), 0u);
    // The family is still described, so its absence reads as "unknown", not "not exported".
    EXPECT_THAT(text, HasSubstr("# TYPE atol_kkt_fn_time_left_seconds gauge\n"));
    EXPECT_EQ(samples_of(text, "atol_kkt_state"),
              std::vector<std::string>{"atol_kkt_state" + std::string(shop_labels) + " 3"});
    EXPECT_EQ(samples_of(text, "atol_kkt_fn_usage").size(), 1u);
}

TEST(PrometheusExposition, LabelValuesAreEscapedAndUnknownFieldsEmpty) {
    RegisterStatus s = shop_register();
    s.reg.fiscal_storage_payment_address = "г. Москва, \"Пассаж\"\nC:\\kassa";
    s.reg.group_code.reset();
    s.reg.fiscal_storage_inn.reset();
    const std::string text = render_exposition({&s}, {}, {});
    EXPECT_EQ(format_violation(text), "");
    EXPECT_EQ(samples_of(text, "atol_kkt_state"),
              std::vector<std::string>{
                  R"(atol_kkt_state{serial="00106709186412",group="",inn="",)"
                  R"(rnm="0006538712045120",address="г. Москва, \"Пассаж\"\nC:\\kassa"} 1)"});
}

TEST(PrometheusExposition, MissingSerialsAndDuplicateLabelSets) {
    const RegisterStatus a = shop_register();
    const RegisterStatus same = shop_register();
    const std::string text = render_exposition({&a, &same}, {"99\"9"}, {});
    EXPECT_EQ(format_violation(text), "");
    EXPECT_EQ(samples_of(text, "atol_kkt_register_not_found"),
              std::vector<std::string>{R"(atol_kkt_register_not_found{serial="99\"9"} 1)"});
    EXPECT_EQ(samples_of(text, "atol_kkt_state").size(), 1u);
    EXPECT_THAT(text, HasSubstr("atol_kkt_registers 1\n"));
    EXPECT_THAT(text, HasSubstr("# left out a register with the same labels as another: " +
                                std::string(shop_labels) + "\n"));
}

TEST(PrometheusExposition, AnAccountLabelGoesOnEverySample) {
    const RegisterStatus s = shop_register();
    const std::string text =
        render_exposition({&s}, {"42"}, scrape(0.5, false, true, "shop \"1\""));
    EXPECT_EQ(format_violation(text), "");
    const std::string account = R"(account="shop \"1\"")";
    int samples = 0;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("#")) continue;
        ++samples;
        EXPECT_THAT(line, HasSubstr("{" + account)) << line;
    }
    EXPECT_EQ(samples, 5 + 15);  // up, duration, test mode, registers, not found; 15 per register
    EXPECT_THAT(text, HasSubstr("\natol_kkt_up{" + account + "} 1\n"));
    EXPECT_THAT(text, HasSubstr("\natol_kkt_register_not_found{" + account + R"(,serial="42"} 1)"));
    EXPECT_THAT(text, HasSubstr("\natol_kkt_state{" + account + R"(,serial="00106709186412",)"));
    const std::string failed = render_failure("down", scrape(0, false, true, "a"));
    EXPECT_EQ(format_violation(failed), "");
    EXPECT_THAT(failed, HasSubstr("\natol_kkt_up{account=\"a\"} 0\n"));
}

TEST(PrometheusExposition, NoRegistersStillDescribesEveryFamily) {
    const std::string text = render_exposition({}, {}, {});
    EXPECT_EQ(format_violation(text), "");
    EXPECT_THAT(text, HasSubstr("\natol_kkt_up 1\n"));
    EXPECT_THAT(text, HasSubstr("atol_kkt_registers 0\n"));
    EXPECT_THAT(text, HasSubstr("# TYPE atol_kkt_shift_receipts gauge\n"));
}

TEST(PrometheusFailure, UpZeroDurationAndTheErrorAsOneCommentLine) {
    const std::string text = render_failure("HTTP 500\nfrom the API", scrape(1.5, true, false));
    EXPECT_EQ(format_violation(text), "");
    EXPECT_EQ(text,
              "# atol-kkt: HTTP 500 from the API\n"
              "# test mode: ATOL's test API; use --prod for production\n"
              "# TLS verification is off (--insecure)\n"
              "# HELP atol_kkt_up 1 when the registers were read (from the ATOL API or its fresh "
              "cache), 0 when the scrape failed\n"
              "# TYPE atol_kkt_up gauge\n"
              "atol_kkt_up 0\n"
              "# HELP atol_kkt_scrape_duration_seconds How long this atol-kkt run took\n"
              "# TYPE atol_kkt_scrape_duration_seconds gauge\n"
              "atol_kkt_scrape_duration_seconds 1.5\n"
              "# HELP atol_kkt_test_mode 1 when reading ATOL's test API (the default, --test), 0 "
              "for production\n"
              "# TYPE atol_kkt_test_mode gauge\n"
              "atol_kkt_test_mode 1\n");
}

TEST(PrometheusExposition, NumbersInTheCLocaleWhateverTheLocale) {
    std::string text;
    {
        const testing::CommaLocale comma;
        ASSERT_TRUE(comma.active()) << testing::CommaLocale::missing;
        ASSERT_EQ(std::string(std::localeconv()->decimal_point), ",");
        const RegisterStatus s = shop_register();
        text = render_exposition({&s}, {}, scrape(0.125));
    }
    EXPECT_EQ(format_violation(text), "");
    EXPECT_THAT(text, HasSubstr("atol_kkt_fn_usage" + std::string(shop_labels) + " 37.5\n"));
    EXPECT_THAT(text, HasSubstr("atol_kkt_scrape_duration_seconds 0.125\n"));
    EXPECT_THAT(text, HasSubstr(" 48211\n"));
}

}  // namespace
}  // namespace kkt::prometheus
