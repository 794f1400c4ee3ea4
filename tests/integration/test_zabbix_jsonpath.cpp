// The JSONPaths of the shipped Zabbix template (zabbix/template_atol_kkt.yaml), evaluated with
// Zabbix's semantics on real `atol-kkt zabbix registers` output for a fleet with known values:
// every item (prototype) yields the expected value for every register.
// tests/real/test_zabbix_template.sh proves that the line-by-line reading of the YAML below sees
// exactly the pairs the Zabbix frontend's YAML reader sees.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "integration/support/emulator.hpp"
#include "integration/support/jsonpath.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;

constexpr const char* fixed_now = "2026-03-01T12:00:00Z";

std::string template_path() {
    return (source_dir() / "zabbix" / "template_atol_kkt.yaml").string();
}

std::string yaml_unquote(std::string s) {
    if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') {
        s = s.substr(1, s.size() - 2);
        std::string out;
        for (std::size_t i = 0; i < s.size(); ++i) {
            out += s[i];
            if (s[i] == '\'' && i + 1 < s.size() && s[i + 1] == '\'') ++i;
        }
        return out;
    }
    return s;
}

// key -> JSONPath of its JSONPATH step; the item's own "key:" line, not its master item's.
std::map<std::string, std::string> template_jsonpaths() {
    std::ifstream in(template_path());
    EXPECT_TRUE(in) << template_path();
    static const std::regex key_line(R"(^ *(- )?key: (.*)$)");
    static const std::regex param_line(R"(^ *- (.*)$)");
    std::map<std::string, std::string> pairs;
    std::string line, key;
    bool after_master = false;
    int want = 0;  // 2: expect "parameters:", 1: expect the parameter
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_match(line, std::regex(R"(^ *master_item:$)"))) {
            after_master = true;
            continue;
        }
        if (std::regex_match(line, m, key_line)) {
            if (!after_master) key = yaml_unquote(m[2]);
            after_master = false;
            continue;
        }
        after_master = false;
        if (std::regex_match(line, std::regex(R"(^ *- type: JSONPATH$)"))) {
            want = 2;
        } else if (want == 2 && std::regex_match(line, std::regex(R"(^ *parameters:$)"))) {
            want = 1;
        } else if (want == 1 && std::regex_match(line, m, param_line)) {
            EXPECT_TRUE(pairs.emplace(key, yaml_unquote(m[1])).second)
                << "two JSONPaths for " << key;
            want = 0;
        }
    }
    return pairs;
}

// Four registers whose every metric is known in advance at `fixed_now`.
constexpr const char* fleet = R"([
 {"serialNumber": "00106700000001", "registrationNumber": "0006538712045001", "deviceNumber": "KKT000001",
  "fiscalizationDate": "2025-03-04T09:12:00+00:00", "fiscalStorageExpiration": "2026-03-04T12:00:00+00:00",
  "signedDocuments": 48211, "fiscalStoragePercentageUse": 37.5, "fiscalStorageINN": "7701234567",
  "fiscalStorageSerialNumber": "7380440800000001", "fiscalStoragePaymentAddress": "shop.example.ru",
  "groupCode": "shop-example-ru_1207", "timestamp": "2026-03-01T11:30:00+00:00",
  "isShiftOpened": true, "shiftNumber": 412, "shiftReceipt": 96, "networkErrorCode": 0},
 {"serialNumber": "00106700000002", "registrationNumber": "0006538712045002", "deviceNumber": "KKT000002",
  "fiscalizationDate": "2025-06-01T00:00:00+00:00", "fiscalStorageExpiration": "2027-01-01T00:00:00+00:00",
  "signedDocuments": 1200, "fiscalStoragePercentageUse": 12.25, "fiscalStorageINN": "500100732259",
  "fiscalStorageSerialNumber": "7380440800000002", "fiscalStoragePaymentAddress": "г. Москва, ул. \"Тверская\", д. 1",
  "groupCode": "moscow_01", "timestamp": "2026-03-01T11:00:00+00:00",
  "isShiftOpened": false, "shiftNumber": 17, "shiftReceipt": 0,
  "unsentDocs": 5, "firstUnsetDocTimestamp": "2026-02-26T04:00:00+00:00", "networkErrorCode": 0},
 {"serialNumber": "00106700000003", "registrationNumber": "0006538712045003", "deviceNumber": "KKT000003",
  "fiscalizationDate": "2025-09-01T12:00:00+00:00", "fiscalStorageExpiration": "2026-09-01T12:00:00+00:00",
  "signedDocuments": 7, "fiscalStoragePercentageUse": 50, "fiscalStorageINN": "7701234567",
  "fiscalStorageSerialNumber": "7380440800000003", "fiscalStoragePaymentAddress": "shop3.example.ru",
  "groupCode": "shop-example-ru_1207", "timestamp": "2026-03-01T09:45:00+00:00",
  "isShiftOpened": false, "shiftNumber": 1, "shiftReceipt": 2, "networkErrorCode": 2},
 {"serialNumber": "00106700000004", "registrationNumber": "0006538712045004", "deviceNumber": "KKT000004",
  "fiscalizationDate": "2026-03-01T12:00:00+00:00", "fiscalStorageExpiration": "2027-03-01T12:00:00+00:00",
  "signedDocuments": 0, "fiscalStorageINN": "7701234567",
  "fiscalStorageSerialNumber": "7380440800000004",
  "groupCode": "shop-example-ru_1207", "timestamp": "2026-03-01T12:00:00+00:00",
  "isShiftOpened": false, "shiftNumber": 0, "shiftReceipt": 0, "networkErrorCode": 0}
])";

const std::vector<std::string> serials{"00106700000001", "00106700000002", "00106700000003",
                                       "00106700000004"};

json::value num(double v) {
    return v;
}
json::value str(const char* v) {
    return json::string(v);
}

// Item prototype key (without [{#SERIAL}]) -> expected value per register, in `serials` order.
// Problems are checked by count: their wording belongs to `atol-kkt check`.
const std::map<std::string, std::vector<json::value>>& expected_per_register() {
    static const std::map<std::string, std::vector<json::value>> expected{
        {"fn_days_left", {num(3), num(305.5), num(184), num(365)}},
        {"fn_usage", {num(37.5), num(12.25), num(50), nullptr}},
        // The forecast needs 3 days of ФН history: unknown on a first read; the replacement
        // date is the expiry then.
        {"fn_full_days_left", {nullptr, nullptr, nullptr, nullptr}},
        {"fn_replace_days_left", {num(3), num(305.5), num(184), num(365)}},
        {"documents_per_day", {nullptr, nullptr, nullptr, nullptr}},
        {"unsent_docs", {num(0), num(5), num(0), num(0)}},
        {"unsent_age_hours", {num(0), num(80), num(0), num(0)}},
        {"ofd_block_days_left", {num(30), num(26.667), num(30), num(30)}},
        {"data_age_hours", {num(0.5), num(1), num(2.25), num(0)}},
        {"shift_open_hours", {num(0), num(0), num(0), num(0)}},  // first sight of an open shift
        {"network_error", {num(0), num(0), num(2), num(0)}},
        {"signed_documents", {num(48211), num(1200), num(7), num(0)}},
        {"shift_number", {num(412), num(17), num(1), num(0)}},
        {"shift_receipts", {num(96), num(0), num(2), num(0)}},
        {"shift_opened", {true, false, false, false}},
        {"state", {num(2), num(2), num(1), num(3)}},  // ФН 3 days; unsent 80 h; network; unknown
        {"problems", {num(1), num(1), num(1), num(1)}},
        {"fn_expiration",
         {str("2026-03-04T12:00:00Z"), str("2027-01-01T00:00:00Z"), str("2026-09-01T12:00:00Z"),
          str("2027-03-01T12:00:00Z")}},
        {"fiscalization_date",
         {str("2025-03-04T09:12:00Z"), str("2025-06-01T00:00:00Z"), str("2025-09-01T12:00:00Z"),
          str("2026-03-01T12:00:00Z")}},
        {"rnm",
         {str("0006538712045001"), str("0006538712045002"), str("0006538712045003"),
          str("0006538712045004")}},
        {"device", {str("KKT000001"), str("KKT000002"), str("KKT000003"), str("KKT000004")}},
        {"fn_serial",
         {str("7380440800000001"), str("7380440800000002"), str("7380440800000003"),
          str("7380440800000004")}},
        {"inn", {str("7701234567"), str("500100732259"), str("7701234567"), str("7701234567")}},
        {"address",
         {str("shop.example.ru"), str("г. Москва, ул. \"Тверская\", д. 1"), str("shop3.example.ru"),
          nullptr}},
        {"group",
         {str("shop-example-ru_1207"), str("moscow_01"), str("shop-example-ru_1207"),
          str("shop-example-ru_1207")}},
    };
    return expected;
}

// Template-level dependent items: whole-account values.
const std::map<std::string, json::value>& expected_account_items() {
    static const std::map<std::string, json::value> expected{
        {"atol.kkt.registers.count", num(4)},    {"atol.kkt.registers.warning", num(1)},
        {"atol.kkt.registers.critical", num(2)}, {"atol.kkt.registers.unknown", num(1)},
        {"atol.kkt.list.age", num(0)},  // just fetched
    };
    return expected;
}

void expect_value(const std::optional<json::value>& got, const json::value& want,
                  const std::string& what) {
    ASSERT_TRUE(got.has_value()) << what << ": no data matches the JSONPath";
    if (want.is_number()) {
        ASSERT_TRUE(got->is_number()) << what << ": " << zabbix_text(*got);
        EXPECT_NEAR(got->to_number<double>(), want.to_number<double>(), 1e-9)
            << what << ": " << zabbix_text(*got);
    } else {
        // Strings, booleans and null as Zabbix would store them ("null" fails the ^null$ step).
        EXPECT_EQ(*got, want) << what << ": got " << zabbix_text(*got);
    }
}

class ZabbixJsonPath : public ::testing::Test {
  protected:
    TempDir home;
    Emulator emulator{{"--fleet", home.write("fleet.json", fleet)}};

    json::value registers() {
        auto r = atol_kkt(emulator, home, {"zabbix", "registers"}, {{"ATOL_KKT_NOW", fixed_now}});
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
        return json::parse(r.out);
    }
};

TEST_F(ZabbixJsonPath, EveryItemPrototypeYieldsTheExpectedValueForEveryRegister) {
    const auto pairs = template_jsonpaths();
    const json::value document = registers();
    ASSERT_TRUE(document.is_array());
    ASSERT_EQ(document.as_array().size(), serials.size());

    std::set<std::string> covered;
    for (const auto& [key, path] : pairs) {
        static const std::regex prototype_key(R"(^atol\.kkt\.([a-z_]+)\[\{#SERIAL\}\]$)");
        std::smatch m;
        if (!std::regex_match(key, m, prototype_key)) continue;
        const std::string name = m[1];
        covered.insert(name);
        const auto expected = expected_per_register().find(name);
        ASSERT_NE(expected, expected_per_register().end()) << "no expected values for " << key;
        for (std::size_t i = 0; i < serials.size(); ++i) {
            const std::string resolved =
                std::regex_replace(path, std::regex(R"(\{#SERIAL\})"), serials[i]);
            const auto got = evaluate_jsonpath(document, resolved);
            const std::string what = key + " of " + serials[i] + " (" + resolved + ")";
            if (name == "problems") {
                ASSERT_TRUE(got && got->is_array()) << what;
                EXPECT_EQ(static_cast<double>(got->as_array().size()),
                          expected->second[i].to_number<double>())
                    << what << ": " << zabbix_text(*got);
                for (const auto& reason : got->as_array())
                    EXPECT_TRUE(reason.is_string() && !reason.as_string().empty()) << what;
            } else {
                expect_value(got, expected->second[i], what);
            }
        }
    }
    std::set<std::string> all;
    for (const auto& [name, values] : expected_per_register()) all.insert(name);
    EXPECT_EQ(covered, all) << "the template and this test disagree on the item prototypes";
}

TEST_F(ZabbixJsonPath, AccountItemsCountRegistersByState) {
    const auto pairs = template_jsonpaths();
    const json::value document = registers();
    std::set<std::string> covered;
    for (const auto& [key, path] : pairs) {
        if (key.find("{#SERIAL}") != std::string::npos) continue;
        const auto expected = expected_account_items().find(key);
        ASSERT_NE(expected, expected_account_items().end()) << "no expected value for " << key;
        covered.insert(key);
        expect_value(evaluate_jsonpath(document, path), expected->second, key + " (" + path + ")");
    }
    EXPECT_EQ(covered.size(), expected_account_items().size());
}

TEST_F(ZabbixJsonPath, ARegisterThatLeftTheAccountMatchesNothing) {
    const json::value document = registers();
    for (const auto& [key, path] : template_jsonpaths()) {
        if (key.find("{#SERIAL}") == std::string::npos) continue;
        const std::string resolved =
            std::regex_replace(path, std::regex(R"(\{#SERIAL\})"), "00000000000000");
        EXPECT_FALSE(evaluate_jsonpath(document, resolved).has_value()) << key;
    }
}

// The evaluator itself, on the shapes Zabbix defines.
TEST(JsonPathEvaluator, FollowsZabbixSemantics) {
    const json::value doc = json::parse(
        R"([{"s":"a","v":1.5,"n":null,"o":{"x":"y"}},{"s":"b","v":2,"n":3},{"s":"it's","v":3}])");
    EXPECT_EQ(*evaluate_jsonpath(doc, "$.length()"), json::value(3));
    EXPECT_EQ(*evaluate_jsonpath(doc, "$[?(@.s=='b')].v.first()"), json::value(2));
    EXPECT_EQ(*evaluate_jsonpath(doc, "$[?(@.s==\"a\")].o.x.first()"), json::value("y"));
    EXPECT_EQ(*evaluate_jsonpath(doc, "$[?(@.s=='it\\'s')].v.first()"), json::value(3));
    EXPECT_EQ(zabbix_text(*evaluate_jsonpath(doc, "$[?(@.s=='a')].n.first()")), "null");
    EXPECT_EQ(*evaluate_jsonpath(doc, "$[?(@.v>1.5)].length()"), json::value(2));
    EXPECT_EQ(*evaluate_jsonpath(doc, "$[?(@.v==7)].length()"), json::value(0));
    EXPECT_FALSE(evaluate_jsonpath(doc, "$[?(@.s=='z')].v.first()").has_value());
    EXPECT_FALSE(evaluate_jsonpath(doc, "$[?(@.s=='a')].missing.first()").has_value());
    EXPECT_EQ(*evaluate_jsonpath(doc, "$[1].s"), json::value("b"));
    EXPECT_EQ(*evaluate_jsonpath(doc, "$[-1]['s']"), json::value("it's"));
    EXPECT_EQ(*evaluate_jsonpath(doc, "$[?(@.s!='a')].s"), json::parse(R"(["b","it's"])"));
    EXPECT_THROW(evaluate_jsonpath(doc, "$..s"), JsonPathError);
    EXPECT_THROW(evaluate_jsonpath(doc, "s"), JsonPathError);
}

}  // namespace
}  // namespace kkt::testing
