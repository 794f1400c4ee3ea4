// `atol-kkt zabbix send` against the emulator and a fake Zabbix trapper on loopback: what it
// sends (keys, host, values equal to `zabbix registers`/`discovery`, clock), what it reports,
// and how it fails (partial failure, garbage, nothing listening, no reply within --timeout).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "integration/support/emulator.hpp"
#include "unit/zabbix_fake_trapper.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

constexpr const char* fixed_now = "2026-11-28T12:00:00Z";
constexpr std::int64_t fixed_now_epoch = 1795867200;  // 2026-11-28T12:00:00Z

TrapperAnswer success_for_all(const TrapperMessage& m) {
    return TrapperAnswer{zabbix_success(count_values(m.payload), 0)};
}

class ZabbixSend : public ::testing::Test {
  protected:
    Emulator emulator{{"--registers", "30", "--seed", "9", "--now", fixed_now}};
    TempDir home;
    Env env{{"ATOL_KKT_NOW", fixed_now}, {"ATOL_KKT_CONFIG_DIR", home.path()}};

    void SetUp() override { home.write("shop.conf", "timeout = 5\n", 0600); }

    RunResult zabbix(const std::vector<std::string>& args) {
        std::vector<std::string> all{"zabbix"};
        all.insert(all.end(), args.begin(), args.end());
        return atol_kkt(emulator, home, all, env);
    }
};

TEST_F(ZabbixSend, SendsTheMasterItemAndDiscoveryAsTrapperValuesOfTheProfilesKeys) {
    FakeTrapper trapper(success_for_all);
    auto sent = zabbix({"send", "--zabbix-server", trapper.address(), "--host", "shop-gateway",
                        "--profile", "shop"});
    ASSERT_EQ(sent.exit_code, 0) << sent.err;
    EXPECT_EQ(sent.err, "");
    EXPECT_EQ(sent.out, "atol-kkt: sent 2 values (30 registers) to " + trapper.address() +
                            " for host \"shop-gateway\": processed 2, failed 0, total 2 "
                            "[test mode]\n");

    const auto messages = trapper.messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_TRUE(messages[0].signature_ok);
    EXPECT_TRUE(messages[0].reserved_zero);
    EXPECT_EQ(messages[0].declared_length, messages[0].payload.size());
    const json::object request = json::parse(messages[0].payload).as_object();
    EXPECT_EQ(request.at("request"), "sender data");
    const json::array& data = request.at("data").as_array();
    ASSERT_EQ(data.size(), 2u);

    auto registers = zabbix({"registers", "--profile", "shop"});
    auto discovery = zabbix({"discovery", "--profile", "shop"});
    ASSERT_EQ(registers.exit_code, 0) << registers.err;
    registers.out.pop_back();  // the newline
    discovery.out.pop_back();
    EXPECT_EQ(data[0].at("host"), "shop-gateway");
    EXPECT_EQ(data[0].at("key"), "atol.kkt.registers");
    EXPECT_EQ(data[0].at("value").as_string(), registers.out);
    EXPECT_EQ(data[0].at("clock"), fixed_now_epoch);
    EXPECT_EQ(data[1].at("host"), "shop-gateway");
    EXPECT_EQ(data[1].at("key"), "atol.kkt.discovery");
    EXPECT_EQ(data[1].at("value").as_string(), discovery.out);
    EXPECT_EQ(data[1].at("clock"), fixed_now_epoch);
    EXPECT_EQ(emulator.stats().at("list_fetches").as_int64(), 1);
}

TEST_F(ZabbixSend, ItemsAndTargetCanComeFromTheOptionsAndAnAgentConfig) {
    FakeTrapper trapper(success_for_all);
    const std::string agent_conf =
        home.write("zabbix_agentd.conf", "Server=127.0.0.1\nServerActive=" + trapper.address() +
                                             "\nHostname=gw-from-agent\n");
    auto sent = zabbix({"send", "--zabbix-config", agent_conf, "--items", "registers"});
    ASSERT_EQ(sent.exit_code, 0) << sent.err;
    const auto messages = trapper.messages();
    ASSERT_EQ(messages.size(), 1u);
    const json::array data = json::parse(messages[0].payload).at("data").as_array();
    ASSERT_EQ(data.size(), 1u);
    EXPECT_EQ(data[0].at("host"), "gw-from-agent");
    EXPECT_EQ(data[0].at("key"), "atol.kkt.registers");
}

TEST_F(ZabbixSend, PartialFailureExitsNonZeroAndSaysWhatZabbixNeeds) {
    FakeTrapper trapper([](const TrapperMessage&) { return TrapperAnswer{zabbix_success(1, 1)}; });
    auto sent =
        zabbix({"send", "--zabbix-server", trapper.address(), "--host", "gw", "--profile", "shop"});
    EXPECT_EQ(sent.exit_code, 1);
    EXPECT_THAT(sent.out, HasSubstr("processed 1, failed 1, total 2"));
    EXPECT_EQ(sent.err,
              "atol-kkt: the Zabbix server did not take every value: host \"gw\" must exist with "
              "trapper items atol.kkt.registers, atol.kkt.discovery that allow this "
              "address\n");
}

// The trapper template's API trigger sees what the agent template's does: the master item
// holds the line `zabbix registers` would answer.
TEST_F(ZabbixSend, AnApiFailureSendsItsErrorLineAsTheMasterItemAndFails) {
    emulator.set_faults({{"fail_status", 500}, {"fail_count", -1}, {"fail_path", "list"}});
    FakeTrapper trapper(success_for_all);
    auto sent =
        zabbix({"send", "--zabbix-server", trapper.address(), "--host", "gw", "--profile", "shop"});
    EXPECT_EQ(sent.exit_code, 1);
    ASSERT_THAT(sent.err, ::testing::StartsWith("atol-kkt: "));
    EXPECT_EQ(sent.out, "atol-kkt: sent the API error to " + trapper.address() +
                            " for host \"gw\": processed 1, failed 0, total 1\n");
    const auto messages = trapper.messages();
    ASSERT_EQ(messages.size(), 1u);
    const json::array data = json::parse(messages[0].payload).at("data").as_array();
    ASSERT_EQ(data.size(), 1u);
    EXPECT_EQ(data[0].at("host"), "gw");
    EXPECT_EQ(data[0].at("key"), "atol.kkt.registers");
    EXPECT_EQ(data[0].at("value").as_string(), sent.err.substr(0, sent.err.size() - 1));
    EXPECT_EQ(data[0].at("clock"), fixed_now_epoch);

    auto agent_item = zabbix({"registers", "--profile", "shop"});
    EXPECT_EQ(agent_item.exit_code, 1);
    EXPECT_EQ(agent_item.out, "");
    EXPECT_EQ(agent_item.err, sent.err);
}

TEST_F(ZabbixSend, OnlyTheMasterItemCarriesTheApiError) {
    emulator.set_faults({{"fail_status", 500}, {"fail_count", -1}, {"fail_path", "list"}});
    FakeTrapper trapper(success_for_all);
    auto sent = zabbix({"send", "--zabbix-server", trapper.address(), "--host", "gw", "--items",
                        "discovery", "--profile", "shop"});
    EXPECT_EQ(sent.exit_code, 1);
    EXPECT_EQ(sent.out, "");
    EXPECT_TRUE(trapper.messages().empty());
}

TEST_F(ZabbixSend, AnApiTimeoutLeavesTimeToSendItsError) {
    emulator.set_faults({{"latency_ms", 10000}});
    FakeTrapper trapper(success_for_all);
    auto sent = zabbix({"send", "--zabbix-server", trapper.address(), "--host", "gw", "--profile",
                        "shop", "--timeout", "4"});
    EXPECT_EQ(sent.exit_code, 1);
    EXPECT_THAT(sent.err, HasSubstr("timed out"));
    EXPECT_THAT(sent.out, HasSubstr("atol-kkt: sent the API error to "));
    ASSERT_EQ(trapper.messages().size(), 1u);
    EXPECT_LT(sent.elapsed, std::chrono::milliseconds(4500));
}

TEST_F(ZabbixSend, GarbageReplyFails) {
    FakeTrapper trapper([](const TrapperMessage&) { return TrapperAnswer{std::string("OK\n")}; });
    auto sent = zabbix({"send", "--zabbix-server", trapper.address(), "--host", "gw"});
    EXPECT_EQ(sent.exit_code, 1);
    EXPECT_EQ(sent.out, "");
    EXPECT_EQ(sent.err, "atol-kkt: the reply of " + trapper.address() +
                            " is not a Zabbix protocol message (starts with \"OK\\x0a\")\n");
}

TEST_F(ZabbixSend, NothingListeningFails) {
    std::string address;
    {
        FakeTrapper gone(success_for_all);
        address = gone.address();
    }
    auto sent = zabbix({"send", "--zabbix-server", address, "--host", "gw"});
    EXPECT_EQ(sent.exit_code, 1);
    EXPECT_EQ(sent.out, "");
    EXPECT_EQ(sent.err,
              "atol-kkt: cannot connect to Zabbix server " + address + ": Connection refused\n");
}

TEST_F(ZabbixSend, NoReplyEndsWithinTheTimeout) {
    FakeTrapper trapper([](const TrapperMessage&) { return TrapperAnswer{std::nullopt, true}; });
    auto sent =
        zabbix({"send", "--zabbix-server", trapper.address(), "--host", "gw", "--timeout", "1"});
    EXPECT_EQ(sent.exit_code, 1);
    EXPECT_THAT(sent.err, HasSubstr("timed out after 1 s waiting for the reply of Zabbix server " +
                                    trapper.address()));
    EXPECT_LT(sent.elapsed, std::chrono::milliseconds(2000));
}

TEST_F(ZabbixSend, MissingTargetIsAUsageError) {
    auto no_host = zabbix({"send", "--zabbix-server", "127.0.0.1"});
    EXPECT_EQ(no_host.exit_code, 2);
    EXPECT_EQ(no_host.err, "atol-kkt: zabbix send needs --host NAME\n");
    auto no_server = zabbix({"send", "--host", "gw"});
    EXPECT_EQ(no_server.exit_code, 2);
    EXPECT_EQ(no_server.err, "atol-kkt: zabbix send needs --zabbix-server HOST[:PORT]\n");
    auto bad_items = zabbix(
        {"send", "--zabbix-server", "127.0.0.1", "--host", "gw", "--items", "registers,history"});
    EXPECT_EQ(bad_items.exit_code, 2);
    EXPECT_EQ(bad_items.err,
              "atol-kkt: unknown trapper item 'history' in --items (valid: registers, "
              "discovery)\n");
    EXPECT_EQ(emulator.stats().at("requests").as_int64(), 0);
}

}  // namespace
}  // namespace kkt::testing
