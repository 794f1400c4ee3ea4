// `atol-kkt zabbix discovery|registers|get` against the emulator: every register discovered,
// the master item equal to `list --json`, single values equal to the master item, one list
// fetch for 200 concurrent gets, and errors as one line on stderr with nothing on stdout.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>
#include <map>
#include <set>

#include "integration/support/emulator.hpp"
#include "shared/same_json.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;
using kkt::testing::same_json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* fixed_now = "2026-11-28T12:00:00Z";

json::array parse_array(const std::string& text) {
    return json::parse(text).as_array();
}

std::string text_of(const json::object& o, const char* key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// What `zabbix get` must print for a value of the registers JSON.
std::string expected_text(const json::value& v) {
    switch (v.kind()) {
        case json::kind::bool_:
            return v.get_bool() ? "1\n" : "0\n";
        case json::kind::string:
            return std::string(v.get_string()) + "\n";
        default:
            return json::serialize(v) + "\n";  // integers, arrays, objects (doubles: by value)
    }
}

class ZabbixCommands : public ::testing::Test {
  protected:
    Emulator emulator{{"--registers", "50", "--seed", "5", "--now", fixed_now}};
    TempDir home;
    Env env{{"ATOL_KKT_NOW", fixed_now}};

    RunResult zabbix(const std::vector<std::string>& args) {
        std::vector<std::string> all{"zabbix"};
        all.insert(all.end(), args.begin(), args.end());
        return atol_kkt(emulator, home, all, env);
    }
};

TEST_F(ZabbixCommands, DiscoveryListsEveryRegisterWithItsMacros) {
    auto result = zabbix({"discovery"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err, "");
    ASSERT_FALSE(result.out.empty());
    EXPECT_EQ(result.out.back(), '\n');
    json::array lld = parse_array(result.out);
    json::array fleet = dumped_fleet(50, 5, fixed_now);
    ASSERT_EQ(lld.size(), fleet.size());
    for (std::size_t i = 0; i < fleet.size(); ++i) {
        const json::object& raw = fleet[i].as_object();
        const json::object& row = lld[i].as_object();
        EXPECT_EQ(row.size(), 7u);
        EXPECT_EQ(row.at("{#SERIAL}").as_string(), text_of(raw, "serialNumber"));
        EXPECT_EQ(row.at("{#RNM}").as_string(), text_of(raw, "registrationNumber"));
        EXPECT_EQ(row.at("{#DEVICE}").as_string(), text_of(raw, "deviceNumber"));
        EXPECT_EQ(row.at("{#GROUP}").as_string(), text_of(raw, "groupCode"));
        EXPECT_EQ(row.at("{#INN}").as_string(), text_of(raw, "fiscalStorageINN"));
        EXPECT_EQ(row.at("{#ADDRESS}").as_string(), text_of(raw, "fiscalStoragePaymentAddress"));
        EXPECT_EQ(row.at("{#FN_SERIAL}").as_string(), text_of(raw, "fiscalStorageSerialNumber"));
    }
}

TEST_F(ZabbixCommands, DiscoveryAndRegistersHonourTheSelectionFilters) {
    json::array fleet = dumped_fleet(50, 5, fixed_now);
    const std::string group = text_of(fleet[0].as_object(), "groupCode");
    std::set<std::string> in_group;
    for (auto& v : fleet)
        if (text_of(v.as_object(), "groupCode") == group)
            in_group.insert(text_of(v.as_object(), "serialNumber"));
    ASSERT_LT(in_group.size(), fleet.size());

    auto lld = zabbix({"discovery", "--group", group});
    ASSERT_EQ(lld.exit_code, 0) << lld.err;
    std::set<std::string> discovered;
    for (auto& row : parse_array(lld.out))
        discovered.insert(std::string(row.at("{#SERIAL}").as_string()));
    EXPECT_EQ(discovered, in_group);

    auto registers = zabbix({"registers", "--group", group});
    ASSERT_EQ(registers.exit_code, 0) << registers.err;
    EXPECT_EQ(parse_array(registers.out).size(), in_group.size());
}

TEST_F(ZabbixCommands, RegistersJsonEqualsListJsonInApiOrderPlusTheListAge) {
    auto registers = zabbix({"registers"});
    ASSERT_EQ(registers.exit_code, 0) << registers.err;
    EXPECT_EQ(registers.err, "");
    auto list = atol_kkt(emulator, home, {"list", "--json"}, env);
    ASSERT_EQ(list.exit_code, 0) << list.err;

    json::array from_zabbix = parse_array(registers.out);
    json::array fleet = dumped_fleet(50, 5, fixed_now);
    ASSERT_EQ(from_zabbix.size(), fleet.size());
    std::map<std::string, json::value> listed;
    for (auto& v : parse_array(list.out))
        listed[std::string(v.at("serial_number").as_string())] = v;
    for (std::size_t i = 0; i < fleet.size(); ++i) {
        const std::string serial = text_of(fleet[i].as_object(), "serialNumber");
        EXPECT_EQ(from_zabbix[i].at("serial_number").as_string(), serial) << "API order at " << i;
        ASSERT_TRUE(listed.contains(serial)) << serial;
        // Besides the register's own keys, the age of the list: just fetched.
        EXPECT_EQ(from_zabbix[i].as_object().at("list_age_seconds"), 0) << serial;
        from_zabbix[i].as_object().erase("list_age_seconds");
        EXPECT_TRUE(same_json(from_zabbix[i], listed[serial]))
            << json::serialize(from_zabbix[i]) << "\n"
            << json::serialize(listed[serial]);
    }
    // Plain decimals, no exponents: what Zabbix preprocessing and people read.
    EXPECT_EQ(registers.out.find("E0"), std::string::npos);
    EXPECT_EQ(registers.out.find("E1"), std::string::npos);
}

// The master item of a register's own host (atol.kkt.register[<profile>,<serial>],
// zabbix/template_atol_kkt_hosts.yaml): that register's element of the account's JSON, from the
// cached list without asking the API again; a serial not in the account is an empty array (its
// host's items keep their last values until discovery removes it).
TEST_F(ZabbixCommands, RegistersOfOneSerialIsThatElementFromTheCache) {
    auto all = zabbix({"registers"});
    ASSERT_EQ(all.exit_code, 0) << all.err;
    json::array every = parse_array(all.out);
    ASSERT_GE(every.size(), 31u);
    emulator.reset_stats();
    for (std::size_t i : {0u, 17u, 30u}) {
        const std::string serial(every[i].at("serial_number").as_string());
        auto one = zabbix({"registers", "--serial", serial});
        ASSERT_EQ(one.exit_code, 0) << one.err;
        EXPECT_EQ(one.err, "");
        json::array only = parse_array(one.out);
        ASSERT_EQ(only.size(), 1u) << serial;
        EXPECT_TRUE(same_json(only[0], every[i])) << json::serialize(only[0]);
    }
    auto missing = zabbix({"registers", "--serial", "99999999999999"});
    EXPECT_EQ(missing.exit_code, 0) << missing.err;
    EXPECT_EQ(parse_array(missing.out).size(), 0u);
    EXPECT_EQ(emulator.stats().at("requests").as_int64(), 0);
}

// libcurl and its libraries are loaded by the first request (common/http.cpp), not at start:
// a read from the fresh cache, as most Zabbix items and per-register checks are, starts
// without them (the dynamic loader's own account, LD_DEBUG=libs, says which it loaded).
TEST_F(ZabbixCommands, AReadFromTheCacheDoesNotLoadLibcurl) {
    // `list` fetches in its own process (the Zabbix commands fetch in a detached one).
    auto cold = atol_kkt(emulator, home, {"list", "--json"},
                         {{"ATOL_KKT_NOW", fixed_now}, {"LD_DEBUG", "libs"}});
    ASSERT_EQ(cold.exit_code, 0) << cold.err;
    EXPECT_THAT(cold.err, HasSubstr("libcurl.so.4"));  // fetched: loaded
    const std::string serial(parse_array(cold.out)[3].at("serial_number").as_string());
    for (const std::vector<std::string>& warm :
         {std::vector<std::string>{"zabbix", "get", serial, "fn_days_left"},
          std::vector<std::string>{"zabbix", "registers"},
          std::vector<std::string>{"check", "--serial", serial}}) {
        auto run =
            atol_kkt(emulator, home, warm, {{"ATOL_KKT_NOW", fixed_now}, {"LD_DEBUG", "libs"}});
        EXPECT_THAT(run.err, HasSubstr("calling init: "));  // the loader did report
        EXPECT_THAT(run.err, Not(HasSubstr("libcurl"))) << warm[1];
        EXPECT_THAT(run.err, Not(HasSubstr("libgnutls"))) << warm[1];
    }
}

TEST_F(ZabbixCommands, GetEqualsTheRegistersJsonForEveryKeyOfSeveralRegisters) {
    auto registers = zabbix({"registers"});
    ASSERT_EQ(registers.exit_code, 0) << registers.err;
    json::array all = parse_array(registers.out);
    ASSERT_GE(all.size(), 20u);
    int values = 0, unknown = 0;
    for (std::size_t i = 0; i < 20; ++i) {  // a block of 20 holds the emulator's whole mix
        const json::object& element = all[i].as_object();
        const std::string serial(element.at("serial_number").as_string());
        for (const auto& [key, value] : element) {
            auto got = zabbix({"get", serial, std::string(key)});
            if (value.is_null()) {
                EXPECT_EQ(got.exit_code, 1) << serial << " " << key;
                EXPECT_EQ(got.out, "") << serial << " " << key;
                EXPECT_THAT(got.err, HasSubstr("atol-kkt: register " + serial + ": " +
                                               std::string(key) + " is unknown ("));
                ++unknown;
            } else {
                ASSERT_EQ(got.exit_code, 0) << serial << " " << key << ": " << got.err;
                EXPECT_EQ(got.err, "");
                if (value.is_double())
                    EXPECT_EQ(std::stod(got.out), value.get_double()) << serial << " " << key;
                else
                    EXPECT_EQ(got.out, expected_text(value)) << serial << " " << key;
                ++values;
            }
        }
    }
    EXPECT_GT(values, 500);
    EXPECT_GT(unknown, 0);  // the mix has registers with unknown fields
    // All of that from the one list fetch of the first command.
    EXPECT_EQ(emulator.stats().at("list_fetches").as_int64(), 1);
    EXPECT_EQ(emulator.stats().at("get").as_int64(), 0);
}

TEST_F(ZabbixCommands, TwoHundredConcurrentGetsCostOneListFetch) {
    json::array fleet = dumped_fleet(50, 5, fixed_now);
    const std::vector<std::string> metrics{"fn_usage",           "unsent_docs", "network_error",
                                           "shift_receipts",     "state_code",  "signed_documents",
                                           "network_error_text", "state"};
    std::vector<std::pair<std::string, std::string>> queries;
    for (std::size_t i = 0; i < 200; ++i)
        queries.emplace_back(text_of(fleet[i % fleet.size()].as_object(), "serialNumber"),
                             metrics[i % metrics.size()]);

    std::vector<RunResult> results(queries.size());
    for (std::size_t start = 0; start < queries.size(); start += 20) {  // 20 at a time
        std::vector<std::future<RunResult>> running;
        for (std::size_t i = start; i < start + 20; ++i)
            running.push_back(std::async(std::launch::async, [&, i] {
                return zabbix({"get", queries[i].first, queries[i].second});
            }));
        for (std::size_t i = start; i < start + 20; ++i) results[i] = running[i - start].get();
    }
    EXPECT_EQ(emulator.stats().at("list_fetches").as_int64(), 1);

    auto registers = zabbix({"registers"});
    ASSERT_EQ(registers.exit_code, 0) << registers.err;
    std::map<std::string, json::object> by_serial;
    for (auto& v : parse_array(registers.out))
        by_serial[std::string(v.at("serial_number").as_string())] = v.as_object();
    for (std::size_t i = 0; i < queries.size(); ++i) {
        const auto& [serial, metric] = queries[i];
        const json::value& expected = by_serial[serial].at(metric);
        if (expected.is_null()) {
            EXPECT_EQ(results[i].exit_code, 1) << serial << " " << metric;
            EXPECT_EQ(results[i].out, "");
        } else {
            EXPECT_EQ(results[i].exit_code, 0) << serial << " " << metric << results[i].err;
            if (expected.is_double())
                EXPECT_EQ(std::stod(results[i].out), expected.get_double());
            else
                EXPECT_EQ(results[i].out, expected_text(expected)) << serial << " " << metric;
        }
    }
    EXPECT_EQ(emulator.stats().at("list_fetches").as_int64(), 1);
}

TEST_F(ZabbixCommands, CyrillicQuotesAndUnknownFieldsFromTheApi) {
    emulator.set_fleet(R"([
      {"serialNumber":"00106709186412","registrationNumber":"0006538712045120",
       "deviceNumber":"KKT031877","fiscalizationDate":"2025-09-14T09:12:00+00:00",
       "fiscalStorageExpiration":"2026-11-30T21:36:00+00:00","signedDocuments":48211,
       "fiscalStoragePercentageUse":37.5,"fiscalStorageINN":"7701234567",
       "fiscalStorageSerialNumber":"7380440800123456",
       "fiscalStoragePaymentAddress":"г. Москва, ул. \"Тверская\", д. 1\\2",
       "groupCode":"shop_1","timestamp":"2026-11-28T11:30:00+00:00","isShiftOpened":false,
       "shiftNumber":412,"shiftReceipt":96,"unsentDocs":3,
       "firstUnsetDocTimestamp":"2026-11-28T06:00:00+00:00","networkErrorCode":2},
      {"serialNumber":"00106709186499","registrationNumber":"0006538712045199",
       "deviceNumber":"KKT031899","fiscalizationDate":"2025-09-14T09:12:00+00:00",
       "fiscalStorageExpiration":null,"signedDocuments":10,"fiscalStoragePercentageUse":1.5,
       "fiscalStorageSerialNumber":"7380440800123499","fiscalStoragePaymentAddress":"shop.example.ru",
       "groupCode":"shop_1","timestamp":"2026-11-28T11:30:00+00:00","isShiftOpened":false,
       "shiftNumber":1,"shiftReceipt":0,"networkErrorCode":0}])");

    auto lld = zabbix({"discovery"});
    ASSERT_EQ(lld.exit_code, 0) << lld.err;
    EXPECT_THAT(lld.out, HasSubstr(R"("{#ADDRESS}":"г. Москва, ул. \"Тверская\", д. 1\\2")"));
    EXPECT_THAT(lld.out, HasSubstr(R"("{#SERIAL}":"00106709186499","{#RNM}":"0006538712045199",)"
                                   R"("{#DEVICE}":"KKT031899","{#GROUP}":"shop_1","{#INN}":"",)"));

    auto registers = zabbix({"registers"});
    ASSERT_EQ(registers.exit_code, 0) << registers.err;
    json::array all = parse_array(registers.out);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].at("fiscal_storage_payment_address"), "г. Москва, ул. \"Тверская\", д. 1\\2");
    EXPECT_THAT(registers.out, HasSubstr(R"("fn_days_left":2.4,)"));
    EXPECT_THAT(registers.out, HasSubstr(R"("ofd_block_days_left":29.75,)"));
    EXPECT_TRUE(all[1].at("fn_days_left").is_null());
    EXPECT_TRUE(all[1].at("fiscal_storage_inn").is_null());

    EXPECT_EQ(zabbix({"get", "00106709186412", "fn_days_left"}).out, "2.4\n");
    EXPECT_EQ(zabbix({"get", "00106709186412", "unsent_age_hours"}).out, "6\n");
    EXPECT_EQ(zabbix({"get", "00106709186412", "is_shift_opened"}).out, "0\n");
    EXPECT_EQ(zabbix({"get", "00106709186412", "network_error_text"}).out,
              "Ошибка сетевых настроек или нет соединения с сервером ОФД\n");
    EXPECT_EQ(zabbix({"get", "00106709186412", "fiscal_storage_payment_address"}).out,
              "г. Москва, ул. \"Тверская\", д. 1\\2\n");
    auto unknown = zabbix({"get", "00106709186499", "fn_days_left"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_EQ(unknown.out, "");
    EXPECT_EQ(unknown.err,
              "atol-kkt: register 00106709186499: fn_days_left is unknown (the API gave no valid "
              "fiscalStorageExpiration)\n");
}

TEST_F(ZabbixCommands, ErrorsAreOneLineOnStderrAndNothingOnStdout) {
    auto missing = zabbix({"get", "99999999999999", "fn_days_left"});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_EQ(missing.out, "");
    EXPECT_EQ(missing.err, "atol-kkt: register 99999999999999 not found in the account\n");

    emulator.reset_stats();
    auto bad_key = zabbix({"get", "99999999999999", "fn_days"});
    EXPECT_EQ(bad_key.exit_code, 1);
    EXPECT_EQ(bad_key.out, "");
    EXPECT_THAT(bad_key.err, ::testing::StartsWith("atol-kkt: unknown metric 'fn_days' (valid: "));
    EXPECT_EQ(std::count(bad_key.err.begin(), bad_key.err.end(), '\n'), 1);
    EXPECT_EQ(emulator.stats().at("requests").as_int64(), 0) << "a bad key needs no API call";

    auto usage = zabbix({"get", "00106709186412"});
    EXPECT_EQ(usage.exit_code, 2);
    EXPECT_EQ(usage.out, "");
    EXPECT_THAT(usage.err, HasSubstr("zabbix get takes SERIAL and KEY"));

    auto unknown_command = zabbix({"history"});
    EXPECT_EQ(unknown_command.exit_code, 2);
    EXPECT_EQ(unknown_command.out, "");

    emulator.set_faults({{"fail_status", 500}, {"fail_count", -1}, {"fail_path", "list"}});
    for (const char* command : {"registers", "discovery"}) {
        auto failed = zabbix({command, "--cache-ttl", "0"});
        EXPECT_EQ(failed.exit_code, 1) << command;
        EXPECT_EQ(failed.out, "") << command << ": never a partial JSON";
        EXPECT_THAT(failed.err, ::testing::StartsWith("atol-kkt: ")) << command;
        EXPECT_THAT(failed.err, HasSubstr("500")) << failed.err;
        EXPECT_EQ(std::count(failed.err.begin(), failed.err.end(), '\n'), 1) << failed.err;
    }
}

TEST_F(ZabbixCommands, HelpListsTheCommands) {
    auto help = zabbix({"--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_THAT(help.out, HasSubstr("atol-kkt zabbix get SERIAL KEY"));
    EXPECT_THAT(help.out, HasSubstr("--cache-ttl"));
    auto send_help = zabbix({"send", "--help"});
    EXPECT_THAT(send_help.out, HasSubstr("--zabbix-server"));
}

}  // namespace
}  // namespace kkt::testing
