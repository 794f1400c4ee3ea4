// AtolClient and Retry-After: a 429 or 503 that says when to come back gets exactly one more
// try when the wait fits in what is left of the run's budget, else fails at once naming it.
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <string>
#include <vector>

#include "common/atol_client.hpp"
#include "common/errors.hpp"

namespace kkt {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

const std::string base_url = "http://emu.test/api";
const std::string two_register_list = "[{\"serialNumber\":\"A\"},{\"serialNumber\":\"B\"}]";

HttpResponse reply(long status, std::string body, std::optional<long> retry_after = {}) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    response.retry_after_seconds = retry_after;
    return response;
}

HttpResponse token_reply() {
    return reply(200, R"({"error":null,"token":"tok-1","timestamp":"28.11.2026 10:15:00"})");
}

const std::string busy_page = "<html><body>429 Too Many Requests</body></html>";

// Answers from a script, recording the URL of every request.
class ScriptedTransport final : public HttpTransport {
  public:
    std::deque<HttpResponse> script;
    std::vector<std::string> urls;

    HttpResponse perform(const HttpRequest& request, const Deadline&) override {
        urls.push_back(request.url);
        if (script.empty()) throw std::logic_error("unscripted request " + request.url);
        HttpResponse response = std::move(script.front());
        script.pop_front();
        return response;
    }
};

class AtolClientRetryTest : public ::testing::Test {
  protected:
    AtolClient client() { return AtolClient(http, options, nullptr, clock); }

    // Lists with a fresh budget, returning how long it took.
    milliseconds timed_list(AtolClient& c, milliseconds budget, std::size_t* count = nullptr) {
        const auto start = steady_clock::now();
        auto registers = c.list_registers(Deadline(budget));
        if (count) *count = registers.size();
        return std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);
    }

    AtolClientOptions options{
        .base_url = base_url, .login = "user", .password = "secret", .page_size = 1000};
    ScriptedTransport http;
    FixedClock clock{TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 11 / 28))};
};

// The run's error message for a list that failed (ApiError expected).
std::string api_error_of(AtolClient& c, milliseconds budget) {
    try {
        c.list_registers(Deadline(budget));
    } catch (const AuthError& e) {
        return std::string("AuthError: ") + e.what();
    } catch (const ApiError& e) {
        return e.what();
    }
    return "no error";
}

TEST_F(AtolClientRetryTest, TooManyRequestsIsRetriedOnceAfterRetryAfter) {
    http.script = {token_reply(), reply(429, busy_page, 0), reply(200, two_register_list),
                   reply(200, "[]")};
    auto c = client();
    std::size_t count = 0;
    timed_list(c, 5s, &count);
    EXPECT_EQ(count, 2u);
    // gettoken, the refused page, the same page again, the empty page after the end
    EXPECT_EQ(http.urls.size(), 4u);
    EXPECT_EQ(http.urls[1], http.urls[2]);
    EXPECT_EQ(c.stats().requests, 4u);
    EXPECT_EQ(c.stats().auth_requests, 1u);
}

TEST_F(AtolClientRetryTest, TheRetryWaitsTheRetryAfterSeconds) {
    http.script = {token_reply(), reply(503, busy_page, 1), reply(200, two_register_list),
                   reply(200, "[]")};
    auto c = client();
    const milliseconds took = timed_list(c, 5s);
    EXPECT_GE(took, 1000ms);
    EXPECT_LT(took, 1900ms);
    EXPECT_EQ(http.urls.size(), 4u);
}

TEST_F(AtolClientRetryTest, OnlyOneRetry) {
    http.script = {token_reply(), reply(429, busy_page, 0), reply(429, busy_page, 0)};
    auto c = client();
    EXPECT_EQ(api_error_of(c, 5s),
              "HTTP 429 from " + base_url + "/kkt/v1/cash-registers (retry after 0 s)");
    EXPECT_EQ(http.urls.size(), 3u);
}

TEST_F(AtolClientRetryTest, RetryAfterPastTheBudgetFailsAtOnceNamingIt) {
    http.script = {token_reply(), reply(429, busy_page, 5)};
    auto c = client();
    const auto start = steady_clock::now();
    EXPECT_EQ(api_error_of(c, 2s),
              "HTTP 429 from " + base_url + "/kkt/v1/cash-registers (retry after 5 s)");
    EXPECT_LT(steady_clock::now() - start, 300ms);  // no waiting for a retry that cannot fit
    EXPECT_EQ(http.urls.size(), 2u);
}

// The wait must leave the request itself some time (200 ms): 1 s of 1.1 s does not.
TEST_F(AtolClientRetryTest, RetryAfterLeavingNoTimeForTheRequestIsNotWaitedFor) {
    http.script = {token_reply(), reply(503, busy_page, 1)};
    auto c = client();
    const auto start = steady_clock::now();
    EXPECT_EQ(api_error_of(c, 1100ms),
              "HTTP 503 from " + base_url + "/kkt/v1/cash-registers (retry after 1 s)");
    EXPECT_LT(steady_clock::now() - start, 300ms);
    EXPECT_EQ(http.urls.size(), 2u);
}

TEST_F(AtolClientRetryTest, OtherStatusesAndMissingRetryAfterAreNotRetried) {
    for (const auto& [status, retry_after] : std::vector<std::pair<long, std::optional<long>>>{
             {500, 0}, {502, 0}, {429, {}}, {503, {}}}) {
        http.urls.clear();
        http.script = {token_reply(), reply(status, busy_page, retry_after)};
        auto c = client();
        const std::string message = api_error_of(c, 5s);
        EXPECT_EQ(message.rfind("HTTP " + std::to_string(status) + " from ", 0), 0u) << message;
        EXPECT_EQ(http.urls.size(), 2u) << status;
    }
}

TEST_F(AtolClientRetryTest, AuthenticationIsRetriedTooAndCounted) {
    http.script = {reply(429, busy_page, 0), token_reply(), reply(200, two_register_list),
                   reply(200, "[]")};
    auto c = client();
    std::size_t count = 0;
    timed_list(c, 5s, &count);
    EXPECT_EQ(count, 2u);
    EXPECT_EQ(c.stats().auth_requests, 2u);
    EXPECT_EQ(c.stats().requests, 4u);
}

TEST_F(AtolClientRetryTest, RetryOnEveryPageIsOncePerRequest) {
    options.page_size = 2;
    http.script = {token_reply(), reply(429, busy_page, 0), reply(200, two_register_list),
                   reply(429, busy_page, 0), reply(200, "[]")};
    auto c = client();
    std::size_t count = 0;
    timed_list(c, 5s, &count);
    EXPECT_EQ(count, 2u);
    EXPECT_EQ(http.urls.size(), 5u);
    EXPECT_EQ(c.stats().list_pages, 2u);
}

}  // namespace
}  // namespace kkt
