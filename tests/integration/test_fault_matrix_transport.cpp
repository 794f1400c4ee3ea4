// Fault matrix, network side: refused connections, DNS failure, slow servers past -t, HTTP
// error statuses and Retry-After, through the real binary as `list` and as the Nagios check.
// Each case: the exact exit code and message, nothing on stderr from the check, the cache
// left consistent and the next healthy run correct (support/fault_matrix.hpp).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "integration/support/fault_matrix.hpp"

namespace kkt::testing {
namespace {

using namespace std::chrono_literals;

class TransportFaults : public FaultMatrix {
  protected:
    std::string list_url() const { return emulator.url() + "/kkt/v1/cash-registers"; }
    std::string auth_url() const { return emulator.url() + "/auth/v1/gettoken"; }

    // The same message from both front ends: list prints it, the check makes it UNKNOWN.
    Expected unknown(const std::string& message) const {
        return {1, message, 3, unknown_line(message)};
    }
};

// A loopback port bound but not listening: connecting is refused, and no other process can
// take the port while the test runs.
class ClosedPort {
  public:
    ClosedPort() {
        fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            throw std::runtime_error("cannot bind a loopback port");
        port_ = ntohs(address.sin_port);
    }
    ~ClosedPort() { close(fd_); }
    int port() const { return port_; }

  private:
    int fd_ = -1;
    int port_ = 0;
};

TEST_F(TransportFaults, ConnectionRefused) {
    ClosedPort closed;
    const std::string url = "http://127.0.0.1:" + std::to_string(closed.port()) + "/api";
    const std::string message =
        regex_literal("POST " + url +
                      "/auth/v1/gettoken failed: Couldn't connect to server (Failed to connect "
                      "to 127.0.0.1 port " +
                      std::to_string(closed.port()) + " after ") +
        "\\d+" + regex_literal(" ms: Couldn't connect to server)");
    expect_fault(
        "connection refused", {}, {"--base-url", url},
        {1, message, 3,
         regex_literal("ATOL KKT UNKNOWN - ") + message + regex_literal(" [test mode]"), true},
        2s);
}

// A name under .invalid never resolves (RFC 6761); RES_OPTIONS is not needed: whatever the
// resolver does, the run's budget bounds it.
TEST_F(TransportFaults, DnsFailureOfTheConfiguredHost) {
    const std::string url = "http://no-such-host.invalid/api";
    expect_fault("DNS failure (`no-such-host.invalid`)", {}, {"--base-url", url, "-t", "5"},
                 unknown("POST " + url +
                         "/auth/v1/gettoken failed: Couldn't resolve host name (Could not "
                         "resolve host: no-such-host.invalid)"),
                 6s);
}

TEST_F(TransportFaults, SlowHeadersPastTheTimeout) {
    expect_fault("slow headers: 5 s latency, `-t 1`", {{"latency_ms", 5000}}, {"-t", "1"},
                 {1, "request timed out (run budget of 1 s exhausted) on " + list_url(), 3,
                  unknown_line("timed out after 1 s")},
                 2s);
}

TEST_F(TransportFaults, SlowBodyPastTheTimeout) {
    expect_fault("slow body: 5 s for the body, `-t 1`", {{"slow_body_ms", 5000}}, {"-t", "1"},
                 {1, "request timed out (run budget of 1 s exhausted) on " + list_url(), 3,
                  unknown_line("timed out after 1 s")},
                 2s);
}

TEST_F(TransportFaults, Http500) {
    expect_fault("HTTP 500 on the list", {{"fail_status", 500}, {"fail_path", "list"}}, {},
                 unknown("HTTP 500 from " + list_url()));
}

TEST_F(TransportFaults, Http502) {
    expect_fault("HTTP 502 on the list", {{"fail_status", 502}, {"fail_path", "list"}}, {},
                 unknown("HTTP 502 from " + list_url()));
}

TEST_F(TransportFaults, Http503) {
    expect_fault("HTTP 503 on the list", {{"fail_status", 503}, {"fail_path", "list"}}, {},
                 unknown("HTTP 503 from " + list_url()));
}

TEST_F(TransportFaults, Http429WithoutRetryAfter) {
    expect_fault("HTTP 429 on the list, no Retry-After",
                 {{"fail_status", 429}, {"fail_path", "list"}}, {},
                 unknown("HTTP 429 from " + list_url()));
}

// The token is rejected and the new one cannot be had: an outage, not bad credentials.
TEST_F(TransportFaults, Http503OnAuthentication) {
    expect_fault("HTTP 503 on authentication (cached token expired)",
                 {{"fail_status", 503}, {"fail_path", "auth"}}, {},
                 unknown("authentication failed: HTTP 503 from " + auth_url()), std::nullopt,
                 [this] { emulator.expire_tokens(); });
}

TEST_F(TransportFaults, RetryAfterPastTheBudgetFailsAtOnce) {
    expect_fault("HTTP 429, `Retry-After: 30`, `-t 5`",
                 {{"fail_status", 429}, {"fail_path", "list"}, {"retry_after", 30}}, {"-t", "5"},
                 unknown("HTTP 429 from " + list_url() + " (retry after 30 s)"), 1s);
}

TEST_F(TransportFaults, RetryAfterWithinTheBudgetIsRetriedOnce) {
    expect_survived(
        "HTTP 429 once, `Retry-After: 1`, `-t 5`",
        {{"fail_status", 429}, {"fail_path", "list"}, {"retry_after", 1}, {"fail_count", 1}},
        {"-t", "5"});
    // One 429 per faulted run (list, check), each followed by a successful retry.
    EXPECT_EQ(emulator.stats().at("errors").as_int64(), 2);
}

TEST_F(TransportFaults, RetryAfterThatFailsAgainIsReportedAfterOneRetry) {
    expect_fault("HTTP 503 twice, `Retry-After: 1`, `-t 5`",
                 {{"fail_status", 503}, {"fail_path", "list"}, {"retry_after", 1}}, {"-t", "5"},
                 unknown("HTTP 503 from " + list_url() + " (retry after 1 s)"), 2500ms);
}

}  // namespace
}  // namespace kkt::testing
