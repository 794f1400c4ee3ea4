// The exporter's HTTP edges: 404 and 405, a request head or body too large, a slow client and the
// connection cap, TLS and basic authentication from --web.config.file (right, wrong, missing;
// reread on SIGHUP), the status page and health endpoints, SIGTERM with a request under way,
// bad settings refused before listening, and secrets kept out of the log.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <future>
#include <iterator>
#include <thread>

#include "integration/support/emulator.hpp"
#include "integration/support/exporter.hpp"
#include "integration/support/http_client.hpp"
#include "integration/support/tls.hpp"
#include "web/basic_auth.hpp"

namespace kkt::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

std::string get_request(const std::string& target, const std::string& extra = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

TEST(ExporterHttp, UnknownPathsAndMethods) {
    Emulator emulator;
    TempDir home;
    ExporterProcess exporter({}, atol_kkt_env(emulator, home));
    EXPECT_EQ(http_get(exporter.url() + "/nosuch").status, 404);
    EXPECT_EQ(http_get(exporter.url() + "/metrics/x").status, 404);
    HttpReply post = raw_exchange(exporter.port(),
                                  "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(post.status, 405);
    EXPECT_EQ(post.headers["allow"], "GET, HEAD");
    HttpReply head = raw_exchange(exporter.port(), "HEAD /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.headers["content-length"], "9");  // "Healthy.\n", not sent
    const HttpReply garbage = raw_exchange(exporter.port(), "NOT HTTP AT ALL\r\n\r\n");
    EXPECT_EQ(garbage.status, 400);
}

TEST(ExporterHttp, OversizeRequestsAreRefused) {
    Emulator emulator;
    TempDir home;
    ExporterProcess exporter({}, atol_kkt_env(emulator, home));
    const HttpReply big_head = raw_exchange(
        exporter.port(), get_request("/metrics", "X-Big: " + std::string(20000, 'a') + "\r\n"));
    EXPECT_EQ(big_head.status, 431);
    const HttpReply body = raw_exchange(
        exporter.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
                             std::string(100000, 'b'));
    EXPECT_EQ(body.status, 413);
    EXPECT_EQ(http_get(exporter.url() + "/-/healthy").status, 200);  // still serving
}

TEST(ExporterHttp, ASlowClientIsCutOffAndTheConnectionCapHolds) {
    Emulator emulator;
    TempDir home;
    ExporterProcess exporter({"--web.max-connections", "2", "--web.read-header-timeout", "1"},
                             atol_kkt_env(emulator, home));
    // Two clients that send half a request and stop take both slots...
    std::vector<std::future<HttpReply>> slow;
    for (int i = 0; i < 2; ++i)
        slow.push_back(std::async(std::launch::async, [&] {
            return raw_exchange(exporter.port(), "GET /metrics HTTP/1.1\r\nHost:", 5s);
        }));
    std::this_thread::sleep_for(300ms);
    // ... so a third is turned away at once ...
    const HttpReply third = raw_exchange(exporter.port(), get_request("/-/healthy"), 2s);
    EXPECT_EQ(third.status, 503);
    EXPECT_THAT(third.body, HasSubstr("too many connections"));
    // ... until the header timeout disconnects them (no answer: they never asked).
    for (auto& s : slow) {
        const auto started = std::chrono::steady_clock::now();
        const HttpReply reply = s.get();
        EXPECT_EQ(reply.status, 0);
        EXPECT_EQ(reply.error, "closed without an answer");
        EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
    }
    EXPECT_EQ(http_get(exporter.url() + "/-/healthy").status, 200);
    // A connection that never says anything is cut off the same way.
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(raw_exchange(exporter.port(), "", 5s).status, 0);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

struct Secured {
    TempDir dir;
    TestCertificates certs = make_test_certificates(dir);
    std::string password = "s3cret-Passw0rd";
    std::string config_file;

    std::string write_config(bool tls, bool auth) const {
        std::string yaml;
        if (tls)
            yaml += "tls_server_config:\n  cert_file: " + certs.server_cert +
                    "\n  key_file: " + certs.server_key + "\n";
        if (auth)
            yaml += "basic_auth_users:\n  prometheus: " + web::bcrypt_hash(password, 5) + "\n";
        return dir.write("web.yml", yaml, 0644);
    }
};

TEST(ExporterHttp, TlsAndBasicAuthFromTheWebConfig) {
    Emulator emulator;
    TempDir home;
    Secured secured;
    const std::string config = secured.write_config(true, true);
    ExporterProcess exporter({"--web.config.file", config, "-vv"}, atol_kkt_env(emulator, home));
    ASSERT_THAT(exporter.url(), ::testing::StartsWith("https://127.0.0.1:"));
    const std::string url = exporter.url() + "/metrics";
    const GetOptions right{.headers = {basic_auth_header("prometheus", secured.password)},
                           .ca_file = secured.certs.ca_file};
    const HttpReply ok = http_get(url, right);
    EXPECT_EQ(ok.status, 200) << ok.error;
    EXPECT_THAT(ok.body, HasSubstr("atol_kkt_up 1"));
    const HttpReply wrong = http_get(url, {.headers = {basic_auth_header("prometheus", "guess")},
                                           .ca_file = secured.certs.ca_file});
    EXPECT_EQ(wrong.status, 401);
    const HttpReply unknown_user =
        http_get(url, {.headers = {basic_auth_header("admin", secured.password)},
                       .ca_file = secured.certs.ca_file});
    EXPECT_EQ(unknown_user.status, 401);
    HttpReply missing = http_get(url, {.ca_file = secured.certs.ca_file});
    EXPECT_EQ(missing.status, 401);
    EXPECT_THAT(missing.headers["www-authenticate"], HasSubstr("Basic realm="));
    // Plain HTTP to the TLS port gets no answer; an untrusted certificate is refused by curl.
    EXPECT_EQ(raw_exchange(exporter.port(), get_request("/metrics"), 3s).status, 0);
    EXPECT_EQ(http_get(url, {.headers = right.headers}).status, 0);
    // Neither password is ever logged, the user names are.
    const std::string log = exporter.log();
    EXPECT_THAT(log, HasSubstr("user 'admin'"));
    EXPECT_THAT(log, Not(HasSubstr(secured.password)));
    EXPECT_THAT(log, Not(HasSubstr("guess")));
}

// Over TLS a large exposition (2,000 registers, about 4 MiB, sent from its temporary file a
// piece at a time) arrives whole too, plain and compressed, to two clients at once.
TEST(ExporterHttp, ALargeExpositionOverTlsArrivesWhole) {
    Emulator emulator{{"--registers", "2000", "--seed", "9"}};
    TempDir home;
    Secured secured;
    ExporterProcess exporter({"--web.config.file", secured.write_config(true, false)},
                             atol_kkt_env(emulator, home));
    const std::string url = exporter.url() + "/metrics";
    const auto count_states = [](const std::string& text) {
        std::size_t n = 0;
        for (std::size_t at = 0; (at = text.find("\natol_kkt_state{", at)) != std::string::npos;
             ++at)
            ++n;
        return n;
    };
    auto plain = std::async(std::launch::async,
                            [&] { return http_get(url, {.ca_file = secured.certs.ca_file}); });
    auto zipped = std::async(std::launch::async, [&] {
        return http_get(url,
                        {.headers = {"Accept-Encoding: gzip"}, .ca_file = secured.certs.ca_file});
    });
    const HttpReply p = plain.get();
    const HttpReply z = zipped.get();
    ASSERT_EQ(p.status, 200) << p.error;
    ASSERT_EQ(z.status, 200) << z.error;
    EXPECT_GT(p.body.size(), std::size_t{2} << 20);
    EXPECT_EQ(count_states(p.body), 2000u);
    EXPECT_EQ(count_states(gunzip(z.body)), 2000u);
    EXPECT_TRUE(p.body.ends_with("\n"));
}

TEST(ExporterHttp, SighupRereadsTheWebConfig) {
    Emulator emulator;
    TempDir home;
    Secured secured;
    const std::string config = secured.write_config(false, false);
    ExporterProcess exporter({"--web.config.file", config}, atol_kkt_env(emulator, home));
    EXPECT_EQ(http_get(exporter.url() + "/-/healthy").status, 200);
    secured.write_config(false, true);
    exporter.signal(SIGHUP);
    ASSERT_TRUE(exporter.wait_for_log("reloaded the profiles and the web config", 10s));
    EXPECT_EQ(http_get(exporter.url() + "/-/healthy").status, 401);
    EXPECT_EQ(http_get(exporter.url() + "/-/healthy",
                       {.headers = {basic_auth_header("prometheus", secured.password)}})
                  .status,
              200);
    // A broken file on the next reload keeps the working settings.
    secured.dir.write("web.yml", "basic_auth_users: [not, a, mapping]\n", 0644);
    exporter.signal(SIGHUP);
    ASSERT_TRUE(exporter.wait_for_log("reload failed, still serving as before", 10s));
    EXPECT_EQ(http_get(exporter.url() + "/-/healthy").status, 401);
}

TEST(ExporterHttp, BadSettingsAreRefusedBeforeListening) {
    Emulator emulator;
    TempDir home;
    TempDir dir;
    const auto refused = [&](const std::vector<std::string>& args, const std::string& says) {
        const RunResult r = atol_kkt(emulator, home, args, {}, 20s);
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_THAT(r.err, HasSubstr(says));
        EXPECT_THAT(r.err, Not(HasSubstr("listening on")));
    };
    refused({"exporter", "--web.listen-address", "nonsense"}, "--web.listen-address 'nonsense'");
    refused({"exporter", "--web.listen-address", "127.0.0.1:70000"}, "from 0 to 65535");
    refused({"exporter", "--web.telemetry-path", "/probe"}, "--web.telemetry-path");
    refused({"exporter", "--web.max-connections", "0"}, "--web.max-connections");
    refused({"exporter", "--web.config.file", dir.path() + "/missing.yml"},
            "cannot read web config");
    const std::string unknown = dir.write("unknown.yml", "tls_config: {}\n", 0644);
    refused({"exporter", "--web.config.file", unknown}, "unknown key tls_config");
    const std::string plain = dir.write("plain.yml", "basic_auth_users:\n  a: plaintext\n", 0644);
    refused({"exporter", "--web.config.file", plain}, "is not a bcrypt hash");
    const std::string client = dir.write(
        "client.yml", "tls_server_config:\n  client_auth_type: RequireAndVerifyClientCert\n", 0644);
    refused({"exporter", "--web.config.file", client}, "client_auth_type is not supported");
    const std::string no_key =
        dir.write("nokey.yml", "tls_server_config:\n  cert_file: a.crt\n", 0644);
    refused({"exporter", "--web.config.file", no_key}, "key_file is missing");
    refused({"exporter", "extra"}, "exporter takes no arguments");
    // A TLS key that other users can read is refused, as a password file would be.
    const Secured secured;
    std::ifstream key_in(secured.certs.server_key);
    const std::string key((std::istreambuf_iterator<char>(key_in)), {});
    const std::string open_key = dir.write("open.key", key, 0644);
    const std::string open_tls =
        dir.write("open-tls.yml",
                  "tls_server_config:\n  cert_file: " + secured.certs.server_cert +
                      "\n  key_file: " + open_key + "\n",
                  0644);
    refused({"exporter", "--web.config.file", open_tls}, "is accessible by other users");
}

TEST(ExporterHttp, StatusPageHealthAndReadiness) {
    Emulator emulator{{"--registers", "20"}};
    TempDir home;
    ExporterProcess exporter({}, atol_kkt_env(emulator, home));
    EXPECT_EQ(http_get(exporter.url() + "/-/healthy").body, "Healthy.\n");
    HttpReply ready;
    for (int i = 0; i < 100 && ready.status != 200; ++i) {
        ready = http_get(exporter.url() + "/-/ready");
        if (ready.status != 200) std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(ready.status, 200);
    HttpReply page = http_get(exporter.url() + "/");
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
    EXPECT_THAT(page.headers["content-security-policy"], HasSubstr("default-src 'none'"));
    EXPECT_THAT(page.body, HasSubstr("<span class=\"n\" id=\"count-total\">20</span>"));
    EXPECT_THAT(page.body, HasSubstr("Test mode"));
    EXPECT_THAT(page.body, Not(HasSubstr("<script")));
}

TEST(ExporterHttp, SigtermAnswersTheRequestUnderWayThenExitsZero) {
    Emulator emulator{{"--registers", "15", "--latency", "1500"}};
    TempDir home;
    // -vvv: it logs each request as it takes it in, so SIGTERM comes once the scrape is under
    // way, however slowly a loaded machine starts the request.
    ExporterProcess exporter({"--timeout", "20", "-vvv"}, atol_kkt_env(emulator, home));
    // No scrape timeout header: it waits for the read (1.5 s per request to the emulator).
    auto in_flight = std::async(std::launch::async, [&] {
        return http_get(exporter.url() + "/metrics", {.timeout = 30s});
    });
    ASSERT_TRUE(exporter.wait_for_log("GET /metrics", 10s)) << exporter.log();
    exporter.signal(SIGTERM);
    ASSERT_TRUE(exporter.wait_for_log("stopping", 5s));
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(http_get(exporter.url() + "/-/healthy", {.timeout = 2s}).status, 0);  // not accepting
    const HttpReply reply = in_flight.get();
    EXPECT_EQ(reply.status, 200) << reply.error;
    EXPECT_THAT(reply.body, HasSubstr("atol_kkt_up 1"));
    EXPECT_EQ(exporter.wait(20s), 0);
    EXPECT_THAT(exporter.log(), HasSubstr("stopped"));
}

// A read that outlives the scrape that started it (answered at its own timeout) is still under
// way at SIGTERM: the exporter waits for it and exits 0, the connection closed on the server's
// threads while they still exist (scripts/sanitize.sh reports the use of a destroyed
// io_context otherwise).
TEST(ExporterHttp, SigtermWhileAReadOutlivesItsScrapeExitsZero) {
    Emulator emulator{{"--registers", "5", "--latency", "1500"}};
    TempDir home;
    ExporterProcess exporter({"--timeout", "20"}, atol_kkt_env(emulator, home));
    const HttpReply early = http_get(exporter.url() + "/metrics",
                                     {.headers = {"X-Prometheus-Scrape-Timeout-Seconds: 0.6"}});
    EXPECT_EQ(early.status, 200) << early.error;
    EXPECT_THAT(early.body, HasSubstr("atol_kkt_up 0"));  // answered before the read ended
    exporter.signal(SIGTERM);
    EXPECT_EQ(exporter.wait(20s), 0);
    EXPECT_THAT(exporter.log(), HasSubstr("stopped"));
}

TEST(ExporterHttp, PasswordsNeverReachTheLog) {
    Emulator emulator{{"--password", "emulator-Secret-9"}};
    TempDir home;
    ExporterProcess exporter(
        {"-vvv"}, atol_kkt_env(emulator, home, {{"ATOL_KKT_PASSWORD", "emulator-Secret-9"}}));
    const HttpReply reply = http_get(exporter.url() + "/metrics");
    EXPECT_EQ(reply.status, 200);
    EXPECT_THAT(reply.body, HasSubstr("atol_kkt_up 1"));
    exporter.signal(SIGTERM);
    EXPECT_EQ(exporter.wait(20s), 0);
    EXPECT_THAT(exporter.log(), Not(HasSubstr("emulator-Secret-9")));
    EXPECT_THAT(exporter.log(), HasSubstr("GET /metrics"));
}

}  // namespace
}  // namespace kkt::testing
