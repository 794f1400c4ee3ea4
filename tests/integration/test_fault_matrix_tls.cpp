// Fault matrix, TLS: the emulator over HTTPS with certificates made here by openssl. An
// untrusted certificate fails (never a fallback, nothing reaches the server), --ca-file makes
// it pass, --insecure passes and every output says "[TLS not verified]".
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>

#include "integration/support/cache_check.hpp"
#include "integration/support/emulator.hpp"
#include "integration/support/fault_matrix.hpp"
#include "integration/support/report.hpp"
#include "integration/support/tls.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;

constexpr const char* unverified_note = "[TLS not verified]";

class TlsFaults : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        certificates_dir = new TempDir;
        certificates = new TestCertificates(make_test_certificates(*certificates_dir));
    }
    static void TearDownTestSuite() {
        delete certificates;
        delete certificates_dir;
    }

    // An HTTPS emulator with the CA-signed or the self-signed certificate.
    static std::unique_ptr<Emulator> https_emulator(bool self_signed) {
        const auto& c = *certificates;
        std::vector<std::string> args{"--registers", "30", "--seed", "5", "--now", fleet_now};
        const auto tls = self_signed ? tls_emulator_args(c.self_signed_cert, c.self_signed_key)
                                     : tls_emulator_args(c.server_cert, c.server_key);
        args.insert(args.end(), tls.begin(), tls.end());
        return std::make_unique<Emulator>(args);
    }

    RunResult list(const Emulator& e, std::vector<std::string> args, bool json = true) {
        args.insert(args.begin(), "list");
        if (json) args.insert(args.begin() + 1, "--json");
        return atol_kkt(e, home, args, {{"ATOL_KKT_NOW", fleet_time(2)}});
    }
    RunResult check(const Emulator& e, const std::vector<std::string>& args) {
        return check_atol_kkt(e, home, args, {{"ATOL_KKT_NOW", fleet_time(2)}});
    }

    // A refused certificate: exact messages, and the server never saw an HTTP request.
    void expect_refused(const std::string& row, const Emulator& e,
                        const std::vector<std::string>& args, const std::string& url,
                        const std::string& reason) {
        const std::string message = "POST " + url +
                                    "/auth/v1/gettoken failed: SSL peer certificate or SSH "
                                    "remote key was not OK (" +
                                    reason + ")";
        const RunResult l = list(e, args);
        EXPECT_EQ(l.exit_code, 1);
        EXPECT_EQ(l.out, "");
        EXPECT_EQ(l.err, "atol-kkt: " + message + "\n");
        const RunResult c = check(e, args);
        EXPECT_EQ(c.exit_code, 3);
        EXPECT_EQ(c.out, "ATOL KKT UNKNOWN - " + message + " [test mode]\n");
        EXPECT_EQ(c.err, "");
        EXPECT_EQ(https_stats(e, "").at("requests").as_int64(), 0) << "a request got through";
        const CacheInspection cache = inspect_cache(home.path() + "/cache");
        EXPECT_TRUE(cache.consistent()) << cache.summary();
        EXPECT_EQ(cache.token_files + cache.list_files, 0u);
        report_row({row, list_outcome(l, e.url()), check_outcome(c, e.url()),
                    HasFailure() ? "FAILED" : "nothing stored; no request reached the server"});
    }

    static TempDir* certificates_dir;
    static TestCertificates* certificates;
    TempDir home;
};

TempDir* TlsFaults::certificates_dir = nullptr;
TestCertificates* TlsFaults::certificates = nullptr;

TEST_F(TlsFaults, EmulatorServesHttps) {
    auto e = https_emulator(false);
    EXPECT_EQ(e->url().rfind("https://127.0.0.1:", 0), 0u) << e->url();
}

TEST_F(TlsFaults, SelfSignedCertificateIsRefused) {
    auto e = https_emulator(true);
    expect_refused("TLS: self-signed certificate", *e, {}, e->url(),
                   "SSL certificate problem: self-signed certificate");
}

TEST_F(TlsFaults, CertificateOfAnUnknownCaIsRefused) {
    auto e = https_emulator(false);
    expect_refused("TLS: certificate of a CA not in the trust store", *e, {}, e->url(),
                   "SSL certificate problem: unable to get local issuer certificate");
}

TEST_F(TlsFaults, CaFileOfAnotherCaDoesNotMakeASelfSignedCertificatePass) {
    auto e = https_emulator(true);
    expect_refused("TLS: self-signed certificate, `--ca-file` of another CA", *e,
                   {"--ca-file", certificates->ca_file}, e->url(),
                   "SSL certificate problem: self-signed certificate");
}

TEST_F(TlsFaults, HostNameIsVerified) {
    auto e = https_emulator(false);
    std::string url = e->url();
    url.replace(url.find("127.0.0.1"), 9, "localhost");  // the certificate names 127.0.0.1 only
    expect_refused("TLS: trusted certificate for another host name", *e,
                   {"--base-url", url, "--ca-file", certificates->ca_file}, url,
                   "SSL: no alternative certificate subject name matches target host name "
                   "'localhost'");
}

TEST_F(TlsFaults, CaFilePasses) {
    auto e = https_emulator(false);
    const std::vector<std::string> args{"--ca-file", certificates->ca_file};
    const RunResult l = list(*e, args);
    ASSERT_EQ(l.exit_code, 0) << l.err;
    EXPECT_EQ(json::parse(l.out).as_array().size(), 30u);
    EXPECT_EQ(l.err.find(unverified_note), std::string::npos) << l.err;
    const RunResult table = list(*e, args, /*json=*/false);
    EXPECT_EQ(table.out.find(unverified_note), std::string::npos) << table.out;
    const RunResult c = check(*e, args);
    EXPECT_EQ(c.exit_code, 2);
    EXPECT_EQ(c.out.rfind("ATOL KKT CRITICAL - 10 critical, 2 warning, 18 ok of 30 registers "
                          "[test mode] | ",
                          0),
              0u)
        << c.out;
    EXPECT_EQ(c.err, "");
    EXPECT_GT(https_stats(*e, certificates->ca_file).at("list_pages").as_int64(), 0);
    const CacheInspection cache = inspect_cache(home.path() + "/cache");
    EXPECT_TRUE(cache.consistent()) << cache.summary();
    report_row({"TLS: CA-signed certificate with `--ca-file`", list_outcome(l, e->url()),
                check_outcome(c, e->url()), HasFailure() ? "FAILED" : "consistent"});
}

TEST_F(TlsFaults, InsecurePassesAndEveryOutputSaysSo) {
    auto e = https_emulator(true);
    const std::vector<std::string> args{"--insecure"};
    const RunResult l = list(*e, args);
    ASSERT_EQ(l.exit_code, 0) << l.err;
    EXPECT_EQ(json::parse(l.out).as_array().size(), 30u);
    // JSON has no room for notes: stderr says it, as it says "test mode".
    EXPECT_NE(l.err.find("atol-kkt: [TLS not verified] (--insecure)\n"), std::string::npos)
        << l.err;
    const RunResult table = list(*e, args, /*json=*/false);
    ASSERT_EQ(table.exit_code, 0) << table.err;
    const std::string footer = table.out.substr(table.out.rfind('\n', table.out.size() - 2) + 1);
    EXPECT_TRUE(footer.ends_with(" [test mode] [TLS not verified]\n")) << footer;
    const RunResult c = check(*e, args);
    EXPECT_EQ(c.exit_code, 2);
    EXPECT_EQ(c.out.rfind("ATOL KKT CRITICAL - 10 critical, 2 warning, 18 ok of 30 registers "
                          "[test mode] [TLS not verified] | ",
                          0),
              0u)
        << c.out;
    EXPECT_EQ(c.err, "");
    report_row({"TLS: self-signed certificate with `--insecure`",
                "exit 0, 30 registers; table footer ends `[test mode] [TLS not verified]`, "
                "`--json` says `[TLS not verified] (--insecure)` on stderr",
                check_outcome(c, e->url()), HasFailure() ? "FAILED" : "consistent"});
}

}  // namespace
}  // namespace kkt::testing
