// The Zabbix sender protocol: framing byte for byte, the request JSON, reply parsing, and a
// real exchange with a fake trapper on loopback (success, partial failure, garbage, a closed
// connection, no reply, batches of 250, a later batch refused or cut off), plus where to send
// from an agent configuration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>

#include "unit/zabbix_fake_trapper.hpp"
#include "zabbix/sender.hpp"
#include "zabbix/sender_target.hpp"

namespace kkt::zabbix {
namespace {

using namespace std::chrono_literals;
using kkt::testing::FakeTrapper;
using kkt::testing::TrapperAnswer;
using kkt::testing::TrapperMessage;
using ::testing::HasSubstr;
namespace json = boost::json;

std::vector<SenderValue> values(int n) {
    std::vector<SenderValue> out;
    for (int i = 0; i < n; ++i)
        out.push_back({"shop", "atol.kkt.item[" + std::to_string(i) + "]", std::to_string(i),
                       1764331200 + i});
    return out;
}

TrapperAddress address_of(const FakeTrapper& trapper) {
    return TrapperAddress{"127.0.0.1", trapper.port()};
}

// The error message of what `f` throws as E.
template <typename E, typename F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    ADD_FAILURE() << "nothing thrown";
    return "";
}

TEST(ZabbixSenderFraming, HeaderIsSignatureFlagsLittleEndianLengthAndFourReservedZeros) {
    using namespace std::string_literals;
    EXPECT_EQ(frame_message("{}"), "ZBXD\x01\x02\x00\x00\x00\x00\x00\x00\x00{}"s);
    const std::string payload(0x01020304 & 0xffff, 'x');  // 0x0304 = 772 bytes
    const std::string framed = frame_message(payload);
    ASSERT_EQ(framed.size(), 13 + payload.size());
    EXPECT_EQ(framed.substr(0, 13), "ZBXD\x01\x04\x03\x00\x00\x00\x00\x00\x00"s);
    EXPECT_EQ(framed.substr(13), payload);
    EXPECT_EQ(frame_message(""), "ZBXD\x01\x00\x00\x00\x00\x00\x00\x00\x00"s);
}

TEST(ZabbixSenderFraming, RequestIsSenderDataWithHostKeyValueClockPerValue) {
    const std::vector<SenderValue> v{
        {"shop", "atol.kkt.registers[main]", R"([{"a":"Москва \"1\""}])", 1764331200},
        {"shop", "atol.kkt.discovery[main]", "[]", 1764331201}};
    EXPECT_EQ(
        sender_request(v),
        R"({"request":"sender data","data":[)"
        R"({"host":"shop","key":"atol.kkt.registers[main]",)"
        R"("value":"[{\"a\":\"Москва \\\"1\\\"\"}]","clock":1764331200},)"
        R"({"host":"shop","key":"atol.kkt.discovery[main]","value":"[]","clock":1764331201}]})");
    EXPECT_EQ(json::parse(sender_request(v)).at("data").at(0).at("value"),
              R"([{"a":"Москва \"1\""}])");
}

TEST(ZabbixSenderReply, ParsesTheTotalsOfASuccess) {
    const SenderTotals t = parse_sender_response(
        R"({"response":"success","info":"processed: 3; failed: 1; total: 4; seconds spent: 0.000055"})");
    EXPECT_EQ(t.processed, 3);
    EXPECT_EQ(t.failed, 1);
    EXPECT_EQ(t.total, 4);
    EXPECT_DOUBLE_EQ(t.seconds_spent, 0.000055);
}

TEST(ZabbixSenderReply, RejectsWhatIsNotASenderResponse) {
    EXPECT_THROW(parse_sender_response("OK"), ProtocolError);
    EXPECT_THROW(parse_sender_response(R"({"info":"processed: 1; failed: 0; total: 1"})"),
                 ProtocolError);
    EXPECT_THROW(parse_sender_response(R"({"response":"success","info":"all good"})"),
                 ProtocolError);
    EXPECT_THROW(parse_sender_response(
                     R"({"response":"success","info":"processed: x; failed: 0; total: 1"})"),
                 ProtocolError);
    EXPECT_EQ(error_of<SenderRefused>(
                  [] { parse_sender_response(R"({"response":"failed","info":"cannot parse"})"); }),
              "the Zabbix server refused the data: failed (cannot parse)");
}

TEST(ZabbixSenderExchange, SendsOneFramedMessageAndReportsTheTotals) {
    FakeTrapper trapper([](const TrapperMessage& m) {
        return TrapperAnswer{
            kkt::testing::zabbix_success(kkt::testing::count_values(m.payload), 0)};
    });
    const auto sent = values(2);
    const SenderTotals t = send_values(address_of(trapper), sent, Deadline(5s));
    EXPECT_EQ(t.processed, 2);
    EXPECT_EQ(t.failed, 0);
    EXPECT_EQ(t.total, 2);
    EXPECT_EQ(t.batches, 1u);

    const auto messages = trapper.messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_TRUE(messages[0].signature_ok);
    EXPECT_TRUE(messages[0].reserved_zero);
    EXPECT_EQ(messages[0].declared_length, messages[0].payload.size());
    EXPECT_EQ(messages[0].raw, frame_message(sender_request(sent)));
    const json::value request = json::parse(messages[0].payload);
    EXPECT_EQ(request.at("request"), "sender data");
    EXPECT_EQ(request.at("data").as_array().size(), 2u);
}

TEST(ZabbixSenderExchange, PartialFailureIsReportedAsFailedValues) {
    FakeTrapper trapper(
        [](const TrapperMessage&) { return TrapperAnswer{kkt::testing::zabbix_success(1, 2)}; });
    const SenderTotals t = send_values(address_of(trapper), values(3), Deadline(5s));
    EXPECT_EQ(t.processed, 1);
    EXPECT_EQ(t.failed, 2);
    EXPECT_EQ(t.total, 3);
}

TEST(ZabbixSenderExchange, MoreThan250ValuesGoInBatchesOfAtMost250) {
    FakeTrapper trapper([](const TrapperMessage& m) {
        return TrapperAnswer{
            kkt::testing::zabbix_success(kkt::testing::count_values(m.payload), 0)};
    });
    const auto sent = values(600);
    const SenderTotals t = send_values(address_of(trapper), sent, Deadline(10s));
    EXPECT_EQ(t.processed, 600);
    EXPECT_EQ(t.total, 600);
    EXPECT_EQ(t.batches, 3u);
    const auto messages = trapper.messages();
    ASSERT_EQ(messages.size(), 3u);
    const std::span<const SenderValue> all(sent);
    EXPECT_EQ(messages[0].raw, frame_message(sender_request(all.subspan(0, 250))));
    EXPECT_EQ(messages[1].raw, frame_message(sender_request(all.subspan(250, 250))));
    EXPECT_EQ(messages[2].raw, frame_message(sender_request(all.subspan(500, 100))));
}

TEST(ZabbixSenderExchange, ExactlyOneBatchFor250Values) {
    FakeTrapper trapper([](const TrapperMessage& m) {
        return TrapperAnswer{
            kkt::testing::zabbix_success(kkt::testing::count_values(m.payload), 0)};
    });
    EXPECT_EQ(send_values(address_of(trapper), values(250), Deadline(5s)).batches, 1u);
    EXPECT_EQ(kkt::testing::count_values(trapper.messages().at(0).payload), 250);
}

// Batch 1 of 600 values taken, batch 2 answered by `second`: the send stops there, and the
// error accounts for every value (250 confirmed, 250 not confirmed, 100 not sent).
SendIncomplete second_batch_failure(const std::function<TrapperAnswer()>& second,
                                    std::vector<TrapperMessage>& messages) {
    int connection = 0;
    FakeTrapper trapper([&](const TrapperMessage& m) {
        if (++connection == 1)
            return TrapperAnswer{
                kkt::testing::zabbix_success(kkt::testing::count_values(m.payload), 0)};
        return second();
    });
    try {
        send_values(address_of(trapper), values(600), Deadline(5s));
    } catch (const SendIncomplete& e) {
        messages = trapper.messages();
        return e;
    }
    ADD_FAILURE() << "no SendIncomplete";
    return SendIncomplete("", {}, 0, 0);
}

TEST(ZabbixSenderBatches, SecondBatchRefusedStopsTheSendAndCountsEveryValue) {
    std::vector<TrapperMessage> messages;
    const SendIncomplete e = second_batch_failure(
        [] {
            return TrapperAnswer{
                kkt::testing::zabbix_frame(R"({"response":"failed","info":"cannot parse"})")};
        },
        messages);
    EXPECT_EQ(std::string(e.what()),
              "batch 2 of 3 (values 251-500 of 600) failed: the Zabbix server refused the data: "
              "failed (cannot parse); the server confirmed 1 batch(es) before it (processed 250, "
              "failed 0, total 250); 250 values not confirmed, 100 not sent");
    EXPECT_EQ(e.confirmed().processed, 250);
    EXPECT_EQ(e.confirmed().failed, 0);
    EXPECT_EQ(e.confirmed().total, 250);
    EXPECT_EQ(e.confirmed().batches, 1u);
    EXPECT_EQ(e.unconfirmed(), 250u);
    EXPECT_EQ(e.not_sent(), 100u);
    EXPECT_EQ(messages.size(), 2u) << "the third batch must not be sent after a refusal";
}

TEST(ZabbixSenderBatches, SecondConnectionDroppedMidReplyClaimsNothingOfIt) {
    std::vector<TrapperMessage> messages;
    const SendIncomplete e = second_batch_failure(
        [] { return TrapperAnswer{kkt::testing::zabbix_success(250, 0).substr(0, 30)}; }, messages);
    EXPECT_THAT(std::string(e.what()),
                ::testing::StartsWith("batch 2 of 3 (values 251-500 of 600) failed: the reply of "
                                      "127.0.0.1:"));
    EXPECT_THAT(std::string(e.what()),
                ::testing::EndsWith("was cut after 17 of 94 bytes; the server confirmed 1 "
                                    "batch(es) before it (processed 250, failed 0, total 250); "
                                    "250 values not confirmed, 100 not sent"));
    EXPECT_EQ(e.confirmed().processed, 250);
    EXPECT_EQ(e.confirmed().total, 250);
    EXPECT_EQ(e.unconfirmed(), 250u);
    EXPECT_EQ(e.not_sent(), 100u);
    EXPECT_EQ(messages.size(), 2u);
}

TEST(ZabbixSenderBatches, FirstOfSeveralBatchesFailingConfirmsNothing) {
    FakeTrapper trapper([](const TrapperMessage&) { return TrapperAnswer{}; });
    try {
        send_values(address_of(trapper), values(251), Deadline(5s));
        ADD_FAILURE() << "no SendIncomplete";
    } catch (const SendIncomplete& e) {
        EXPECT_THAT(std::string(e.what()),
                    ::testing::EndsWith("closed the connection without a reply; the server "
                                        "confirmed 0 batch(es) before it (processed 0, failed 0, "
                                        "total 0); 250 values not confirmed, 1 not sent"));
        EXPECT_EQ(e.confirmed().total, 0);
        EXPECT_EQ(e.unconfirmed(), 250u);
        EXPECT_EQ(e.not_sent(), 1u);
    }
    EXPECT_EQ(trapper.messages().size(), 1u);
}

TEST(ZabbixSenderExchange, GarbageReplyIsAProtocolError) {
    FakeTrapper trapper([](const TrapperMessage&) {
        return TrapperAnswer{std::string("HTTP/1.1 400 Bad Request\r\n\r\n")};
    });
    EXPECT_THAT(
        error_of<ProtocolError>([&] { send_values(address_of(trapper), values(1), Deadline(5s)); }),
        HasSubstr("is not a Zabbix protocol message (starts with \"HTTP/1.1 400 Bad\")"));
}

TEST(ZabbixSenderExchange, FramedNonJsonReplyIsAProtocolError) {
    FakeTrapper trapper([](const TrapperMessage&) {
        return TrapperAnswer{kkt::testing::zabbix_frame("not json")};
    });
    EXPECT_THAT(
        error_of<ProtocolError>([&] { send_values(address_of(trapper), values(1), Deadline(5s)); }),
        HasSubstr("is not a sender response"));
}

TEST(ZabbixSenderExchange, ConnectionClosedWithoutReplyIsAProtocolError) {
    FakeTrapper trapper([](const TrapperMessage&) { return TrapperAnswer{}; });
    EXPECT_THAT(
        error_of<ProtocolError>([&] { send_values(address_of(trapper), values(1), Deadline(5s)); }),
        HasSubstr("closed the connection without a reply"));
}

TEST(ZabbixSenderExchange, ReplyCutShortIsAProtocolError) {
    FakeTrapper trapper([](const TrapperMessage&) {
        return TrapperAnswer{kkt::testing::zabbix_success(1, 0).substr(0, 30)};
    });
    EXPECT_THAT(
        error_of<ProtocolError>([&] { send_values(address_of(trapper), values(1), Deadline(5s)); }),
        HasSubstr("was cut after 17 of"));
}

TEST(ZabbixSenderExchange, RefusedRequestIsSenderRefused) {
    FakeTrapper trapper([](const TrapperMessage&) {
        return TrapperAnswer{kkt::testing::zabbix_frame(R"({"response":"failed","info":"x"})")};
    });
    EXPECT_THROW(send_values(address_of(trapper), values(1), Deadline(5s)), SenderRefused);
}

TEST(ZabbixSenderExchange, NoReplyTimesOutWithinTheDeadline) {
    FakeTrapper trapper([](const TrapperMessage&) { return TrapperAnswer{std::nullopt, true}; });
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THAT(
        error_of<TimeoutError>(
            [&] { send_values(address_of(trapper), values(1), Deadline(300ms)); }),
        HasSubstr("timed out after 0.3 s waiting for the reply of Zabbix server 127.0.0.1:"));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_GE(elapsed, 300ms);
    EXPECT_LT(elapsed, 800ms);
}

TEST(ZabbixSenderExchange, NothingListeningIsATransportError) {
    std::uint16_t closed_port;
    {
        FakeTrapper gone([](const TrapperMessage&) { return TrapperAnswer{}; });
        closed_port = gone.port();
    }
    EXPECT_THAT(error_of<TransportError>([&] {
                    send_values(TrapperAddress{"127.0.0.1", closed_port}, values(1), Deadline(5s));
                }),
                HasSubstr("cannot connect to Zabbix server 127.0.0.1:" +
                          std::to_string(closed_port) + ": Connection refused"));
}

TEST(ZabbixSenderTarget, ParsesHostAndPortForms) {
    auto check = [](std::string_view text, std::string host, std::uint16_t port) {
        const TrapperAddress a = parse_trapper_address(text);
        EXPECT_EQ(a.host, host) << text;
        EXPECT_EQ(a.port, port) << text;
    };
    check("zabbix.example.com", "zabbix.example.com", 10051);
    check("10.0.0.5:10052", "10.0.0.5", 10052);
    check("[::1]:10053", "::1", 10053);
    check("[::1]", "::1", 10051);
    check("::1", "::1", 10051);
    EXPECT_EQ(parse_trapper_address("[::1]:1").text(), "[::1]:1");
    EXPECT_EQ(parse_trapper_address("a:2").text(), "a:2");
    for (const char* bad :
         {"", ":10051", "host:", "host:0", "host:65536", "host:x", "[::1", "[::1]x"})
        EXPECT_THROW(parse_trapper_address(bad), ConfigError) << bad;
}

TEST(ZabbixSenderTarget, ReadsTheFirstServerActiveAndHostnameOfAnAgentConfig) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("zabbix_agentd_test_" + std::to_string(::getpid()) + ".conf");
    {
        std::ofstream out(path);
        out << "# Server=ignored\nServer=127.0.0.1\n"
               "ServerActive=zbx1.example.com:10055;zbx2.example.com,proxy.example.com\n"
               "Hostname = shop-gateway, other\nTimeout=30\n";
    }
    const AgentConfigTarget target = read_agent_config(path.string());
    std::filesystem::remove(path);
    ASSERT_TRUE(target.server);
    EXPECT_EQ(target.server->host, "zbx1.example.com");
    EXPECT_EQ(target.server->port, 10055);
    EXPECT_EQ(target.hostname, "shop-gateway");
    EXPECT_THROW(read_agent_config("/nonexistent/zabbix_agentd.conf"), ConfigError);
}

}  // namespace
}  // namespace kkt::zabbix
