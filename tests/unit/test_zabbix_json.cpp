// The Zabbix JSON outputs: the LLD array, the master item's register array and the single
// values of `zabbix get` (shape, key order, escaping, unknown values).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <regex>
#include <set>
#include <variant>

#include "common/register.hpp"
#include "common/state.hpp"
#include "common/status_json.hpp"
#include "shared/same_json.hpp"
#include "shared/spooled_text.hpp"
#include "zabbix/item_value.hpp"
#include "zabbix/lld.hpp"

namespace kkt::zabbix {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using kkt::testing::same_json;
using kkt::testing::spooled_text;

// 2026-11-28 12:00:00 UTC.
const TimePoint now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 28} + 12h;

Register full_register() {
    Register r;
    r.serial_number = "00106709186412";
    r.registration_number = "0006538712045120";
    r.device_number = "KKT031877";
    r.fiscalization_date = now - 24h * 100;
    r.fiscal_storage_expiration = now + 24h * 2 + 9h + 36min;  // 2.4 days
    r.signed_documents = 48211;
    r.fiscal_storage_percentage_use = 37.5;
    r.fiscal_storage_inn = "7701234567";
    r.fiscal_storage_serial_number = "7380440800123456";
    r.fiscal_storage_payment_address = "г. Москва, ул. \"Тверская\", д. 1\\2";
    r.group_code = "shop-example-ru_1207";
    r.timestamp = now - 30min;
    r.is_shift_opened = false;
    r.shift_number = 412;
    r.shift_receipt = 96;
    r.unsent_docs = 3;
    r.first_unsent_doc_timestamp = now - 6h;
    r.network_error_code = 2;
    return r;
}

RegisterStatus assessed(Register r) {
    RegisterStatus s;
    s.metrics = compute_metrics(r, now, std::nullopt);
    s.evaluation = evaluate(r, s.metrics, Thresholds::defaults(), now);
    s.reg = std::move(r);
    return s;
}

// A register whose fiscalStorageExpiration and fiscalStorageINN the API did not give.
RegisterStatus partly_unknown() {
    Register r = full_register();
    r.serial_number = "00106709186499";
    r.fiscal_storage_expiration.reset();
    r.fiscal_storage_inn.reset();
    r.unknown_fields = {"fiscalStorageExpiration", "fiscalStorageINN"};
    return assessed(std::move(r));
}

std::vector<const RegisterStatus*> pointers(const std::vector<RegisterStatus>& v) {
    std::vector<const RegisterStatus*> out;
    for (const auto& s : v) out.push_back(&s);
    return out;
}

TEST(ZabbixDiscovery, OneObjectPerRegisterWithEverySpecMacroInOrder) {
    std::vector<RegisterStatus> fleet{assessed(full_register()), partly_unknown()};
    const json::array lld = discovery_json(pointers(fleet));
    ASSERT_EQ(lld.size(), 2u);
    const json::object& first = lld[0].as_object();
    std::vector<std::string> keys;
    for (const auto& entry : first) keys.emplace_back(entry.key());
    EXPECT_THAT(keys, ::testing::ElementsAre("{#SERIAL}", "{#RNM}", "{#DEVICE}", "{#GROUP}",
                                             "{#INN}", "{#ADDRESS}", "{#FN_SERIAL}"));
    const std::regex macro_name(R"(\{#[A-Z0-9_.]+\})");
    for (const auto& key : keys) EXPECT_TRUE(std::regex_match(key, macro_name)) << key;
    EXPECT_EQ(first.at("{#SERIAL}"), "00106709186412");
    EXPECT_EQ(first.at("{#RNM}"), "0006538712045120");
    EXPECT_EQ(first.at("{#DEVICE}"), "KKT031877");
    EXPECT_EQ(first.at("{#GROUP}"), "shop-example-ru_1207");
    EXPECT_EQ(first.at("{#INN}"), "7701234567");
    EXPECT_EQ(first.at("{#FN_SERIAL}"), "7380440800123456");
    // Unknown values are empty strings, never null (Zabbix macros are text).
    EXPECT_EQ(lld[1].as_object().at("{#INN}"), "");
}

TEST(ZabbixDiscovery, EveryMacroCarriesOneFieldOfTheElement) {
    std::set<std::string_view> names;
    std::set<Field> fields;
    for (const LldMacro& macro : lld_macros) {
        SCOPED_TRACE(macro.name);
        EXPECT_TRUE(names.insert(macro.name).second) << "macro twice";
        EXPECT_TRUE(fields.insert(macro.field).second) << "field twice";
        EXPECT_THAT(item_keys(),
                    ::testing::Contains(std::string(field_info(macro.field).output_key)));
    }
    std::vector<RegisterStatus> fleet{assessed(full_register()), partly_unknown()};
    const json::array lld = discovery_json(pointers(fleet));
    ASSERT_EQ(lld.size(), fleet.size());
    for (std::size_t i = 0; i < fleet.size(); ++i) {
        const json::object element = json::value_from(fleet[i]).as_object();
        const json::object& macros = lld[i].as_object();
        ASSERT_EQ(macros.size(), std::size(lld_macros));
        for (const LldMacro& macro : lld_macros) {
            const json::value& value = element.at(field_info(macro.field).output_key);
            EXPECT_EQ(macros.at(macro.name), value.is_null() ? json::value("") : value)
                << macro.name;
        }
    }
}

TEST(ZabbixDiscovery, TextIsEscapedAsJsonAndCyrillicStaysReadable) {
    std::vector<RegisterStatus> fleet{assessed(full_register())};
    const std::string text = to_output(discovery_json(pointers(fleet)));
    EXPECT_EQ(text,
              R"([{"{#SERIAL}":"00106709186412","{#RNM}":"0006538712045120",)"
              R"("{#DEVICE}":"KKT031877","{#GROUP}":"shop-example-ru_1207","{#INN}":"7701234567",)"
              R"("{#ADDRESS}":"г. Москва, ул. \"Тверская\", д. 1\\2",)"
              R"("{#FN_SERIAL}":"7380440800123456"}])"
              "\n");
    // And it reads back to the same address.
    EXPECT_EQ(json::parse(text).at(0).at("{#ADDRESS}"), "г. Москва, ул. \"Тверская\", д. 1\\2");
}

TEST(ZabbixDiscovery, ARegisterWithoutSerialIsLeftOutAndAnEmptyFleetIsAnEmptyArray) {
    Register no_serial = full_register();
    no_serial.serial_number.reset();
    no_serial.unknown_fields = {"serialNumber"};
    std::vector<RegisterStatus> fleet{assessed(no_serial), assessed(full_register())};
    const json::array lld = discovery_json(pointers(fleet));
    ASSERT_EQ(lld.size(), 1u);
    EXPECT_EQ(lld[0].at("{#SERIAL}"), "00106709186412");
    EXPECT_EQ(to_output(discovery_json({})), "[]\n");
}

// The element without the list age: the status JSON of its register.
json::value without_list_age(json::value element) {
    element.as_object().erase(list_age_key);
    return element;
}

TEST(ZabbixRegisters, EachElementIsTheStatusJsonWithPlainNumbersAndNullForUnknown) {
    std::vector<RegisterStatus> fleet{assessed(full_register()), partly_unknown()};
    const json::array registers = registers_json(pointers(fleet), 95);
    ASSERT_EQ(registers.size(), 2u);
    EXPECT_EQ(without_list_age(registers[0]), json::value_from(fleet[0]));
    EXPECT_EQ(without_list_age(registers[1]), json::value_from(fleet[1]));
    EXPECT_EQ(registers[0].at(list_age_key), 95);
    EXPECT_EQ(registers[1].at(list_age_key), 95);

    const std::string text = to_output(registers);
    EXPECT_TRUE(same_json(json::parse(text), registers)) << text;
    // The streamed form is the same text, held in memory or spooled through a file.
    std::string streamed;
    StringSink sink(streamed);
    write_registers_output(pointers(fleet), 95, sink);
    EXPECT_EQ(streamed, text);
    OutputSpool spool(/*memory_limit=*/100);
    write_registers_output(pointers(fleet), 95, spool);
    EXPECT_TRUE(spool.spilled());
    EXPECT_EQ(spooled_text(spool), text);
    EXPECT_EQ(to_output(json::array{}), "[]\n");
    EXPECT_NE(text.find(R"("fiscal_storage_percentage_use":37.5,)"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("fn_days_left":2.4,)"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("ofd_block_days_left":29.75,)"), std::string::npos) << text;
    EXPECT_EQ(text.find("E0"), std::string::npos) << "no exponent notation: " << text;

    const json::object& unknown = registers[1].as_object();
    EXPECT_TRUE(unknown.at("fn_days_left").is_null());
    EXPECT_TRUE(unknown.at("fiscal_storage_expiration").is_null());
    EXPECT_TRUE(unknown.at("fiscal_storage_inn").is_null());
    EXPECT_EQ(unknown.at("state"), "WARNING");  // network error 2; unknown is less severe
    EXPECT_EQ(unknown.at("unknown_fields"),
              json::parse(R"(["fiscalStorageExpiration","fiscalStorageINN"])"));
}

// `list --json` writes the statuses element by element (write_status_array): the text is the
// compact JSON of the array of their objects, as it was when the array was built whole.
TEST(StatusArray, StreamedTextIsTheWholeArraysText) {
    std::vector<RegisterStatus> fleet;
    for (int i = 0; i < 50; ++i)
        fleet.push_back(i % 3 == 0 ? partly_unknown() : assessed(full_register()));
    json::array whole;
    for (const RegisterStatus& s : fleet) whole.push_back(json::value_from(s));
    const std::string expected = to_json_text(whole) + "\n";
    OutputSpool spool(/*memory_limit=*/4096);
    write_status_array(pointers(fleet), spool);
    EXPECT_TRUE(spool.spilled());
    EXPECT_EQ(spooled_text(spool), expected);

    std::string none;
    StringSink empty(none);
    write_status_array({}, empty);
    EXPECT_EQ(none, "[]\n");
}

TEST(ZabbixRegisters, KeyOrderIsFixedAndEveryMetricIsThere) {
    std::vector<RegisterStatus> fleet{assessed(full_register()), partly_unknown()};
    const json::array registers = registers_json(pointers(fleet), 0);
    std::vector<std::string> expected_keys = item_keys();
    expected_keys.emplace_back(list_age_key);  // last, after the register's own
    for (const auto& element : registers) {
        std::vector<std::string> keys;
        for (const auto& entry : element.as_object()) keys.emplace_back(entry.key());
        EXPECT_EQ(keys, expected_keys);
    }
    for (const MetricInfo& info : all_metrics())
        EXPECT_THAT(item_keys(), ::testing::Contains(std::string(info.name)));
    EXPECT_THAT(item_keys(), ::testing::IsSupersetOf({"serial_number", "state", "state_code",
                                                      "problems", "network_error_text"}));
}

TEST(ZabbixJsonText, WritesDecimalsPlainlyAndEverythingElseAsBoostDoes) {
    const json::value v = json::parse(
        R"({"a":8.35,"b":30.0,"c":-2.4,"d":0.024,"e":1e6,"f":12,"g":null,"h":[true,"x\n\"y"]})");
    EXPECT_EQ(to_json_text(v), R"({"a":8.35,"b":30,"c":-2.4,"d":0.024,"e":1000000,"f":12,"g":null,)"
                               R"("h":[true,"x\n\"y"]})");
}

TEST(ZabbixGet, ValuesAreFormattedForZabbixInTheCLocale) {
    const RegisterStatus s = assessed(full_register());
    EXPECT_EQ(item_value(s, "fn_days_left"), "2.4");
    EXPECT_EQ(item_value(s, "fn_usage"), "37.5");
    EXPECT_EQ(item_value(s, "unsent_docs"), "3");
    EXPECT_EQ(item_value(s, "unsent_age_hours"), "6");
    EXPECT_EQ(item_value(s, "ofd_block_days_left"), "29.75");
    EXPECT_EQ(item_value(s, "data_age_hours"), "0.5");
    EXPECT_EQ(item_value(s, "network_error"), "2");
    EXPECT_EQ(item_value(s, "network_error_text"),
              "Ошибка сетевых настроек или нет соединения с сервером ОФД");
    EXPECT_EQ(item_value(s, "is_shift_opened"), "0");
    EXPECT_EQ(item_value(s, "shift_open_hours"), "0");
    EXPECT_EQ(item_value(s, "fiscal_storage_expiration"), "2026-11-30T21:36:00Z");
    EXPECT_EQ(item_value(s, "state"), "CRITICAL");
    EXPECT_EQ(item_value(s, "state_code"), "2");
    EXPECT_EQ(item_value(s, "fiscal_storage_payment_address"),
              "г. Москва, ул. \"Тверская\", д. 1\\2");
    const json::value problems = json::parse(item_value(s, "problems"));
    ASSERT_TRUE(problems.is_array());
    EXPECT_EQ(problems, json::value_from(s).at("problems"));
}

TEST(ZabbixGet, EveryKeyOfTheElementIsServedAndAgreesWithIt) {
    const RegisterStatus s = assessed(full_register());
    const json::object element = json::value_from(s).as_object();
    for (const std::string& key : item_keys()) {
        const json::value& v = element.at(key);
        if (v.is_null()) {
            EXPECT_THROW(item_value(s, key), ItemError) << key;
        } else if (v.is_double()) {
            EXPECT_DOUBLE_EQ(std::stod(item_value(s, key)), v.get_double()) << key;
        } else {
            EXPECT_EQ(item_value(s, key), format_item_value(v).value()) << key;
        }
    }
}

TEST(ZabbixGet, TheListAgeIsTheFleetsWholeSecondsSinceTheFetch) {
    Fleet fleet;
    fleet.now = now;
    fleet.registers.push_back(assessed(full_register()));
    EXPECT_EQ(list_age_seconds(fleet), 0) << "no fetch time: 0";
    fleet.fetched_at = now - 95s - 600ms;
    EXPECT_EQ(list_age_seconds(fleet), 95);
    EXPECT_EQ(item_value(fleet, fleet.registers[0], list_age_key), "95");
    EXPECT_EQ(item_value(fleet, fleet.registers[0], "fn_usage"), "37.5");
    fleet.fetched_at = now + 5s;  // a clock set back: never negative
    EXPECT_EQ(list_age_seconds(fleet), 0);
    EXPECT_NO_THROW(check_item_key(list_age_key));
    try {
        check_item_key("list_age");
        FAIL() << "expected ItemError";
    } catch (const ItemError& e) {
        EXPECT_THAT(e.what(), ::testing::EndsWith(", list_age_seconds)"));
    }
}

TEST(ZabbixGet, FormatsEachJsonKind) {
    EXPECT_EQ(format_item_value(json::value(nullptr)), std::nullopt);
    EXPECT_EQ(format_item_value(json::value(true)), "1");
    EXPECT_EQ(format_item_value(json::value(false)), "0");
    EXPECT_EQ(format_item_value(json::value(-42)), "-42");
    EXPECT_EQ(format_item_value(json::value(0.1 + 0.2)), "0.30000000000000004");
    EXPECT_EQ(format_item_value(json::value(1e6)), "1000000");
    EXPECT_EQ(format_item_value(json::value("текст")), "текст");
    EXPECT_EQ(format_item_value(json::parse(R"(["a",1.5])")), R"(["a",1.5])");
}

TEST(ZabbixGet, AnUnknownValueIsAnErrorThatSaysWhichApiFieldIsMissing) {
    const RegisterStatus s = partly_unknown();
    try {
        item_value(s, "fn_days_left");
        FAIL() << "expected ItemError";
    } catch (const ItemError& e) {
        EXPECT_STREQ(e.what(),
                     "register 00106709186499: fn_days_left is unknown (the API gave no valid "
                     "fiscalStorageExpiration)");
    }
}

// Each key's "unknown" error names the API fields its value comes from (the field table and
// the metrics' sources), as the register spelled them.
TEST(ZabbixGet, AnUnknownValueNamesEachOfItsSourceFields) {
    for (const std::string& key : item_keys()) {
        const FieldSet sources = status_key_sources(key);
        if (sources.empty()) continue;
        SCOPED_TRACE(key);
        Register r = full_register();
        std::string named;
        for (const FieldInfo& info : all_fields()) {
            if (!sources.contains(info.id)) continue;
            std::visit([&r](auto member) { (r.*member).reset(); }, info.member);
            const std::string_view spelling = info.api_keys().back();
            r.unknown_fields.emplace_back(spelling);
            named += (named.empty() ? "" : " or ") + std::string(spelling);
        }
        const RegisterStatus s = assessed(r);
        try {
            item_value(s, key);
            ADD_FAILURE() << "expected ItemError";
        } catch (const ItemError& e) {
            EXPECT_THAT(e.what(), ::testing::EndsWith(key + " is unknown (the API gave no valid " +
                                                      named + ")"));
        }
    }
}

TEST(ZabbixGet, UnsentAgeWithoutTimestampAndNoUnsentDocumentsAreExplained) {
    Register r = full_register();
    r.first_unsent_doc_timestamp.reset();
    const RegisterStatus no_timestamp = assessed(r);
    EXPECT_THROW(
        {
            try {
                item_value(no_timestamp, "unsent_age_hours");
            } catch (const ItemError& e) {
                EXPECT_STREQ(e.what(),
                             "register 00106709186412: unsent_age_hours is unknown (the API gave "
                             "no firstUnsetDocTimestamp for 3 unsent documents)");
                throw;
            }
        },
        ItemError);
    r.unsent_docs = 0;
    const RegisterStatus nothing_unsent = assessed(r);
    EXPECT_EQ(item_value(nothing_unsent, "unsent_age_hours"), "0");
    EXPECT_THROW(
        {
            try {
                item_value(nothing_unsent, "first_unsent_doc_timestamp");
            } catch (const ItemError& e) {
                EXPECT_STREQ(e.what(),
                             "register 00106709186412: first_unsent_doc_timestamp is unknown (no "
                             "unsent documents)");
                throw;
            }
        },
        ItemError);
}

TEST(ZabbixGet, UnknownKeyAndUnknownSerialAreOneLineErrors) {
    try {
        check_item_key("fn_days");
        FAIL() << "expected ItemError";
    } catch (const ItemError& e) {
        const std::string message = e.what();
        EXPECT_THAT(message,
                    ::testing::StartsWith("unknown metric 'fn_days' (valid: serial_number, "));
        EXPECT_THAT(message, ::testing::HasSubstr(", fn_days_left, "));
        EXPECT_EQ(message.find('\n'), std::string::npos);
    }
    EXPECT_NO_THROW(check_item_key("unsent_age_hours"));

    Fleet fleet;
    fleet.registers.push_back(assessed(full_register()));
    EXPECT_EQ(&find_register(fleet, "00106709186412"), &fleet.registers[0]);
    try {
        find_register(fleet, "00000000000001");
        FAIL() << "expected ItemError";
    } catch (const ItemError& e) {
        EXPECT_STREQ(e.what(), "register 00000000000001 not found in the account");
    }
}

}  // namespace
}  // namespace kkt::zabbix
