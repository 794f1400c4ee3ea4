// --proxy through a real forward proxy (tinyproxy on loopback): plain HTTP is forwarded by it,
// HTTPS goes through a CONNECT tunnel and is still verified (--ca-file), and a proxy that is not
// there or refuses gives an UNKNOWN naming the proxy. Every run gets exactly the environment
// given here (run_program passes no http_proxy, https_proxy or no_proxy), so only --proxy can
// send it through the proxy; and the proxy's log and the emulator's counters must agree, so a
// run that bypassed the proxy fails.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <regex>

#include "integration/support/emulator.hpp"
#include "integration/support/fault_matrix.hpp"
#include "integration/support/forward_proxy.hpp"
#include "integration/support/tls.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;

// The check of the fleet every emulator here serves (30 registers, seed 5, fleet_now).
constexpr const char* fleet_summary =
    "ATOL KKT CRITICAL - 10 critical, 2 warning, 18 ok of 30 registers [test mode] | ";

std::string port_of(const std::string& url) {
    const auto colon = url.rfind(':');
    return url.substr(colon + 1, url.find('/', colon) - colon - 1);
}

class Proxy : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        certificates_dir = new TempDir;
        certificates = new TestCertificates(make_test_certificates(*certificates_dir));
    }
    static void TearDownTestSuite() {
        delete certificates;
        delete certificates_dir;
    }

    static std::unique_ptr<Emulator> emulator(bool https) {
        std::vector<std::string> args{"--registers", "30", "--seed", "5", "--now", fleet_now};
        if (https) {
            const auto tls = tls_emulator_args(certificates->server_cert, certificates->server_key);
            args.insert(args.end(), tls.begin(), tls.end());
        }
        return std::make_unique<Emulator>(args);
    }

    RunResult check(const Emulator& e, const std::vector<std::string>& args) {
        return check_atol_kkt(e, home, args, {{"ATOL_KKT_NOW", fleet_time(2)}});
    }

    // UNKNOWN with a message matching `message` (a regular expression), nothing on stderr, and
    // no request reached the emulator.
    void expect_unknown(const Emulator& e, const std::vector<std::string>& args,
                        const std::string& message, bool https) {
        const RunResult c = check(e, args);
        EXPECT_EQ(c.exit_code, 3);
        EXPECT_TRUE(std::regex_match(
            c.out, std::regex("ATOL KKT UNKNOWN - " + message + regex_literal(" [test mode]\n"))))
            << c.out;
        EXPECT_EQ(c.err, "");
        const json::object stats = https ? https_stats(e, certificates->ca_file) : e.stats();
        EXPECT_EQ(stats.at("requests").as_int64(), 0) << "a request got past the proxy";
    }

    static TempDir* certificates_dir;
    static TestCertificates* certificates;
    TempDir home;
};

TempDir* Proxy::certificates_dir = nullptr;
TestCertificates* Proxy::certificates = nullptr;

TEST_F(Proxy, PlainHttpGoesThroughTheProxy) {
    const auto e = emulator(false);
    ForwardProxy proxy;
    const RunResult c = check(*e, {"--proxy", proxy.url()});
    EXPECT_EQ(c.exit_code, 2);
    EXPECT_EQ(c.out.rfind(fleet_summary, 0), 0u) << c.out;
    EXPECT_EQ(c.err, "");

    // The run sent its requests (a token, the page of 30, the empty page after it) to the
    // proxy, which forwarded them: the emulator counted exactly those.
    const std::string list = "GET " + e->url() + "/kkt/v1/cash-registers?limit=1000&offset=";
    const std::vector<std::string> forwarded{"POST " + e->url() + "/auth/v1/gettoken HTTP/1.1",
                                             list + "0 HTTP/1.1", list + "30 HTTP/1.1"};
    EXPECT_EQ(proxy.requests(), forwarded) << proxy.log();
    const json::object stats = e->stats();
    EXPECT_EQ(stats.at("requests").as_int64(), 3);
    EXPECT_EQ(stats.at("auth").as_int64(), 1);
    EXPECT_EQ(stats.at("list_pages").as_int64(), 2);

    // And it said what it says without the proxy.
    TempDir direct_home;
    const RunResult direct = check_atol_kkt(*e, direct_home, {}, {{"ATOL_KKT_NOW", fleet_time(2)}});
    EXPECT_EQ(c.out, direct.out);
}

TEST_F(Proxy, HttpsGoesThroughAConnectTunnelAndIsVerified) {
    const auto e = emulator(true);
    ForwardProxy proxy;
    const RunResult c = check(*e, {"--proxy", proxy.url(), "--ca-file", certificates->ca_file});
    EXPECT_EQ(c.exit_code, 2);
    EXPECT_EQ(c.out.rfind(fleet_summary, 0), 0u) << c.out;
    EXPECT_EQ(c.err, "");
    // One tunnel (the connection is kept for both requests), nothing the proxy could read.
    const std::vector<std::string> tunnel{"CONNECT 127.0.0.1:" + port_of(e->url()) + " HTTP/1.1"};
    EXPECT_EQ(proxy.requests(), tunnel) << proxy.log();
    const json::object stats = https_stats(*e, certificates->ca_file);
    EXPECT_EQ(stats.at("requests").as_int64(), 3);
    EXPECT_EQ(stats.at("list_pages").as_int64(), 2);

    // Through the tunnel the server's certificate is checked as without a proxy: without the
    // CA file it is refused, and no request reaches the server.
    TempDir other_home;
    const RunResult refused =
        check_atol_kkt(*e, other_home, {"--proxy", proxy.url()}, {{"ATOL_KKT_NOW", fleet_time(2)}});
    EXPECT_EQ(refused.exit_code, 3);
    EXPECT_NE(refused.out.find("SSL certificate problem: unable to get local issuer certificate"),
              std::string::npos)
        << refused.out;
    EXPECT_EQ(https_stats(*e, certificates->ca_file).at("requests").as_int64(),
              stats.at("requests").as_int64());
}

TEST_F(Proxy, NothingListeningAtTheProxyIsUnknown) {
    const ClosedPort closed;
    const std::string proxy = "http://127.0.0.1:" + std::to_string(closed.port());
    for (const bool https : {false, true}) {
        SCOPED_TRACE(https ? "HTTPS" : "HTTP");
        const auto e = emulator(https);
        expect_unknown(*e, {"--proxy", proxy, "--ca-file", certificates->ca_file},
                       regex_literal("POST " + e->url() + "/auth/v1/gettoken via proxy " + proxy +
                                     " failed: Couldn't connect to server (Failed to connect "
                                     "to 127.0.0.1 port " +
                                     std::to_string(closed.port()) + " after ") +
                           "[0-9]+" + regex_literal(" ms: Couldn't connect to server)"),
                       https);
    }
}

TEST_F(Proxy, ProxyRefusingTheTunnelIsUnknown) {
    const auto e = emulator(true);
    ForwardProxyRules rules;
    rules.connect_ports = {443};  // the emulator's port is not one of them
    ForwardProxy proxy(rules);
    expect_unknown(*e, {"--proxy", proxy.url(), "--ca-file", certificates->ca_file},
                   regex_literal("POST " + e->url() + "/auth/v1/gettoken via proxy " + proxy.url() +
                                 " failed: the proxy refused the tunnel (HTTP 403 to CONNECT)"),
                   true);
    const std::vector<std::string> tunnel{"CONNECT 127.0.0.1:" + port_of(e->url()) + " HTTP/1.1"};
    EXPECT_EQ(proxy.requests(), tunnel) << proxy.log();
}

// (Over plain HTTP a proxy's error answer cannot be told from the server's: the check says
// "HTTP 403 from <url>". The ATOL API is HTTPS, where a refusal is the answer to CONNECT.)
TEST_F(Proxy, ProxyDenyingThisClientIsUnknown) {
    const auto e = emulator(true);
    ForwardProxyRules rules;
    rules.admit_loopback = false;
    ForwardProxy proxy(rules);
    expect_unknown(*e, {"--proxy", proxy.url(), "--ca-file", certificates->ca_file},
                   regex_literal("POST " + e->url() + "/auth/v1/gettoken via proxy " + proxy.url() +
                                 " failed: the proxy refused the tunnel (HTTP 403 to CONNECT)"),
                   true);
    EXPECT_NE(proxy.log().find("Unauthorized connection from \"127.0.0.1\""), std::string::npos)
        << proxy.log();
}

}  // namespace
}  // namespace kkt::testing
