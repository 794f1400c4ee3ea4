// Group codes as an ATOL account really holds them: Cyrillic, with a trailing space typed in,
// the same word in two Unicode forms (precomposed й and и + combining breve), and one with a
// quote, a backslash and a line feed. `--group` follows docs/selection.md (surrounding
// whitespace dropped on both sides, then the same bytes); the Zabbix template's discovery
// filter sees {#GROUP} as sent; Prometheus labels keep the bytes, escaped as the text format
// wants, and promtool accepts the result.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "integration/support/emulator.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;

constexpr const char* fixed_now = "2026-11-28T12:00:00Z";

// The group codes, spelled out byte for byte where the eye cannot tell them apart.
const std::string shop = "Магазин-1";
const std::string store_with_space = "Склад ";                // trailing U+0020
const std::string tea_precomposed = "Ча\xD0\xB9хана";         // й = U+0439
const std::string tea_decomposed = "Ча\xD0\xB8\xCC\x86хана";  // и U+0438 + U+0306
const std::string quoted = "Отдел \"Север\"\\1\nэтаж 2";      // " \ and a line feed

struct Entry {
    std::string serial;
    std::string group;
};

// serial -> group code; every register healthy, so only the labels differ.
const std::vector<Entry> entries{
    {"00106700000101", shop},
    {"00106700000102", shop},
    {"00106700000103", store_with_space},
    {"00106700000104", tea_precomposed},
    {"00106700000105", tea_decomposed},
    {"00106700000106", quoted},
    {"00106700000107", "shop-1"},
};

std::string fleet_json() {
    json::array fleet;
    for (const Entry& e : entries) {
        fleet.push_back(json::object{
            {"serialNumber", e.serial},
            {"registrationNumber", "0006538712" + e.serial.substr(8)},
            {"deviceNumber", "KKT" + e.serial.substr(8)},
            {"fiscalizationDate", "2026-01-15T09:00:00+00:00"},
            {"fiscalStorageExpiration", "2027-04-15T21:00:00+00:00"},
            {"signedDocuments", 1000},
            {"fiscalStoragePercentageUse", 10.5},
            {"fiscalStorageINN", "7701234567"},
            {"fiscalStorageSerialNumber", "73804408" + e.serial.substr(6)},
            {"fiscalStoragePaymentAddress", "shop.example.ru"},
            {"groupCode", e.group},
            {"timestamp", "2026-11-28T11:50:00+00:00"},
            {"isShiftOpened", false},
            {"shiftNumber", 100},
            {"shiftReceipt", 20},
            {"networkErrorCode", 0},
        });
    }
    return json::serialize(fleet);
}

class GroupCodes : public ::testing::Test {
  protected:
    TempDir home;
    Emulator emulator{{"--fleet", home.write("fleet.json", fleet_json())}};
    Env env{{"ATOL_KKT_NOW", fixed_now}};

    RunResult run(const std::vector<std::string>& args) {
        return atol_kkt(emulator, home, args, env);
    }

    // The serials `list --json --group <group>` selects.
    std::set<std::string> selected(const std::string& group) {
        auto result = run({"list", "--json", "--group", group});
        EXPECT_EQ(result.exit_code, 0) << result.err;
        std::set<std::string> serials;
        const json::value listed = json::parse(result.out);
        for (const auto& r : listed.as_array())
            serials.insert(std::string(r.at("serial_number").as_string()));
        return serials;
    }
};

using Serials = std::set<std::string>;

TEST_F(GroupCodes, CyrillicGroupIsSelectedByItsExactCode) {
    EXPECT_EQ(selected(shop), (Serials{"00106700000101", "00106700000102"}));
    EXPECT_EQ(selected("shop-1"), (Serials{"00106700000107"}));
    // Not case-folded, not a prefix.
    EXPECT_EQ(selected("магазин-1"), Serials{});
    EXPECT_EQ(selected("Магазин"), Serials{});
}

TEST_F(GroupCodes, SurroundingWhitespaceIsDroppedOnBothSides) {
    EXPECT_EQ(selected("Склад"), (Serials{"00106700000103"}));
    EXPECT_EQ(selected("Склад "), (Serials{"00106700000103"}));
    EXPECT_EQ(selected(" " + shop + "\t"), (Serials{"00106700000101", "00106700000102"}));
    // Inside the code a space is a byte like any other.
    EXPECT_EQ(selected("Магазин -1"), Serials{});
}

TEST_F(GroupCodes, UnicodeFormsAreNotNormalisedTheBytesMustMatch) {
    ASSERT_NE(tea_precomposed, tea_decomposed);
    EXPECT_EQ(selected(tea_precomposed), (Serials{"00106700000104"}));
    EXPECT_EQ(selected(tea_decomposed), (Serials{"00106700000105"}));
}

TEST_F(GroupCodes, ControlCharactersAndQuotesInACodeAreMatchedAsBytes) {
    EXPECT_EQ(selected(quoted), (Serials{"00106700000106"}));
}

TEST_F(GroupCodes, OutputsShowTheCodeAsTheApiSentIt) {
    auto result = run({"list", "--json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::map<std::string, std::string> group_of;
    const json::value listed = json::parse(result.out);
    for (const auto& r : listed.as_array())
        group_of[std::string(r.at("serial_number").as_string())] = r.at("group_code").as_string();
    ASSERT_EQ(group_of.size(), entries.size());
    for (const Entry& e : entries) EXPECT_EQ(group_of[e.serial], e.group) << e.serial;
}

// --- Zabbix: the template's discovery filter, read from zabbix/template_atol_kkt.yaml -------

std::string yaml_scalar(std::string s) {
    if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') {
        s = s.substr(1, s.size() - 2);
        for (std::size_t at = s.find("''"); at != std::string::npos; at = s.find("''", at + 1))
            s.erase(at, 1);
    }
    return s;
}

struct Condition {
    std::string macro;  // {#GROUP}
    std::string value;  // {$ATOL.LLD.FILTER.GROUP.MATCHES}
    bool matches = true;
};

struct DiscoveryFilter {
    std::string evaltype;
    std::vector<Condition> conditions;
    std::map<std::string, std::string> macro_defaults;  // template user macros
};

// The conditions of the discovery rule and the template's user macros, line by line (the
// template's layout: tests/real/test_zabbix_template.sh imports it into a real Zabbix).
DiscoveryFilter template_filter() {
    std::ifstream in(source_dir() / "zabbix/template_atol_kkt.yaml");
    EXPECT_TRUE(in);
    DiscoveryFilter filter;
    static const std::regex field(R"(^ *(- )?([a-z_]+): (.*)$)");
    bool in_rule = false, in_filter = false;
    std::string pending_macro;
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (!std::regex_match(line, m, field)) continue;
        const std::string name = m[2], value = yaml_scalar(m[3]);
        if (name == "key") in_rule = value == "atol.kkt.registers.discovery";
        if (in_rule && name == "lifetime") in_rule = in_filter = false;
        if (in_rule && name == "evaltype") {
            in_filter = true;
            filter.evaltype = value;
        } else if (in_filter && name == "macro") {
            filter.conditions.push_back({value, "", true});
        } else if (in_filter && name == "value") {
            filter.conditions.back().value = value;
        } else if (in_filter && name == "operator") {
            filter.conditions.back().matches = value == "MATCHES_REGEX";
        } else if (!in_filter && name == "macro" && value.starts_with("{$")) {
            pending_macro = value;
        } else if (!pending_macro.empty() && name == "value") {
            filter.macro_defaults[pending_macro] = value;
            pending_macro.clear();
        }
    }
    return filter;
}

// The serials Zabbix would discover from `discovery`, with the user macros `overrides` set on
// the host: every condition must hold (evaltype AND); a regex matches anywhere in the value,
// as Zabbix's "matches" does.
Serials discovered(const json::array& discovery, const DiscoveryFilter& filter,
                   const std::map<std::string, std::string>& overrides) {
    EXPECT_EQ(filter.evaltype, "AND");
    Serials serials;
    for (const auto& entry : discovery) {
        bool passes = true;
        for (const Condition& c : filter.conditions) {
            const auto o = overrides.find(c.value);
            const std::string pattern =
                o != overrides.end() ? o->second : filter.macro_defaults.at(c.value);
            const std::string text(entry.at(c.macro).as_string());
            passes = passes && std::regex_search(text, std::regex(pattern)) == c.matches;
        }
        if (passes) serials.insert(std::string(entry.at("{#SERIAL}").as_string()));
    }
    return serials;
}

TEST_F(GroupCodes, ZabbixDiscoveryFilterOnGroupSeesTheCodeAsSent) {
    const DiscoveryFilter filter = template_filter();
    ASSERT_EQ(filter.conditions.size(), 6u);
    ASSERT_EQ(filter.conditions[0].macro, "{#GROUP}");
    ASSERT_EQ(filter.conditions[0].value, "{$ATOL.LLD.FILTER.GROUP.MATCHES}");
    ASSERT_TRUE(filter.conditions[0].matches);
    ASSERT_EQ(filter.conditions[1].value, "{$ATOL.LLD.FILTER.GROUP.NOT_MATCHES}");
    ASSERT_FALSE(filter.conditions[1].matches);

    auto result = run({"zabbix", "discovery"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const json::array discovery = json::parse(result.out).as_array();
    ASSERT_EQ(discovery.size(), entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i)
        EXPECT_EQ(discovery[i].at("{#GROUP}").as_string(), entries[i].group) << i;

    const std::string group_matches = "{$ATOL.LLD.FILTER.GROUP.MATCHES}";
    const std::string group_not_matches = "{$ATOL.LLD.FILTER.GROUP.NOT_MATCHES}";
    Serials all;
    for (const Entry& e : entries) all.insert(e.serial);
    EXPECT_EQ(discovered(discovery, filter, {}), all) << "the defaults discover everything";
    EXPECT_EQ(discovered(discovery, filter, {{group_matches, "^Магазин-1$"}}),
              (Serials{"00106700000101", "00106700000102"}));
    // The trailing space is part of {#GROUP}: an anchored pattern must allow for it.
    EXPECT_EQ(discovered(discovery, filter, {{group_matches, "^Склад$"}}), Serials{});
    EXPECT_EQ(discovered(discovery, filter, {{group_matches, "^Склад\\s*$"}}),
              (Serials{"00106700000103"}));
    // One Unicode form does not match the other.
    Serials without_precomposed = all;
    without_precomposed.erase("00106700000104");
    EXPECT_EQ(discovered(discovery, filter, {{group_not_matches, "^" + tea_precomposed + "$"}}),
              without_precomposed);

    // --group selects before discovery, with the --group rule.
    auto selected = run({"zabbix", "discovery", "--group", "Склад"});
    ASSERT_EQ(selected.exit_code, 0) << selected.err;
    const json::array one = json::parse(selected.out).as_array();
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].at("{#SERIAL}"), "00106700000103");
    EXPECT_EQ(one[0].at("{#GROUP}").as_string(), store_with_space);
}

// --- Prometheus ---------------------------------------------------------------------------------

TEST_F(GroupCodes, PrometheusLabelsKeepTheBytesEscapedAndPromtoolAcceptsThem) {
    auto result = run({"prometheus"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const std::string& text = result.out;
    const std::string file = home.write("groups.prom", text);
    auto utf8 = run_program("/usr/bin/iconv", {"-f", "UTF-8", "-t", "UTF-8", file}, {});
    EXPECT_EQ(utf8.exit_code, 0) << "not valid UTF-8: " << utf8.err;

    const std::map<std::string, std::string> label_of{
        {"00106700000101", R"(group="Магазин-1")"},
        {"00106700000103", R"(group="Склад ")"},
        {"00106700000104", "group=\"" + tea_precomposed + "\""},
        {"00106700000105", "group=\"" + tea_decomposed + "\""},
        {"00106700000106", R"(group="Отдел \"Север\"\\1\nэтаж 2")"},
    };
    for (const auto& [serial, label] : label_of) {
        const std::string state_line = "atol_kkt_state{serial=\"" + serial + "\"," + label + ",";
        EXPECT_NE(text.find(state_line), std::string::npos) << state_line << "\n" << text;
    }
    // Every line is a comment or a whole sample: the line feed in a code did not split one.
    static const std::regex sample(R"re(^[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)*\})? \S+$)re");
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (!line.starts_with("#")) {
            EXPECT_TRUE(std::regex_match(line, sample)) << line;
        }

    auto promtool =
        run_program("/bin/sh", {"-c", "exec promtool check metrics < \"$1\"", "sh", file}, {});
    EXPECT_EQ(promtool.exit_code, 0)
        << "promtool (Debian package prometheus, installed by scripts/setup.sh --tests): "
        << promtool.out << promtool.err;
    EXPECT_EQ(promtool.out + promtool.err, "");
}

}  // namespace
}  // namespace kkt::testing
