// AtolClient against a scripted HttpTransport: exact request sequences for paging, tokens,
// re-authentication and error bodies (docs/atol-api.md, "Authentication" to "Single register").
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <deque>
#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "common/atol_client.hpp"
#include "common/errors.hpp"

namespace kkt {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const std::string base_url = "http://emu.test/api";
const std::string auth_url = base_url + "/auth/v1/gettoken";
const std::string auth_request_line = "POST " + auth_url;

std::string list_line(std::size_t limit, std::size_t offset) {
    return "GET " + base_url + "/kkt/v1/cash-registers?limit=" + std::to_string(limit) +
           "&offset=" + std::to_string(offset);
}

HttpResponse reply(long status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

HttpResponse token_reply(const std::string& token) {
    return reply(200,
                 R"({"error":null,"token":")" + token + R"(","timestamp":"28.11.2026 10:15:00"})");
}

HttpResponse error_reply(long status, int code, const std::string& text) {
    return reply(status, R"({"error":{"error_id":"4f6b","code":)" + std::to_string(code) +
                             R"(,"text":")" + text +
                             R"(","type":"system"},"timestamp":"28.11.2026 10:15:00"})");
}

json::object register_object(const std::string& serial) {
    return {{"serialNumber", serial}, {"groupCode", "shop_1"}, {"networkErrorCode", 0}};
}

std::string page_text(const std::vector<std::string>& serials) {
    json::array page;
    for (const auto& serial : serials) page.push_back(register_object(serial));
    return json::serialize(page);
}

std::vector<std::string> serials_of(const json::array& registers) {
    std::vector<std::string> serials;
    for (const auto& r : registers) {
        serials.emplace_back(r.at("serialNumber").as_string());
    }
    return serials;
}

std::vector<std::string> fleet(std::size_t count) {
    std::vector<std::string> serials;
    for (std::size_t i = 0; i < count; ++i) serials.push_back("SN" + std::to_string(1000 + i));
    return serials;
}

// Answers from a handler when one is set, else from a queue of scripted responses; records
// every request either way.
class FakeTransport final : public HttpTransport {
  public:
    std::function<HttpResponse(const HttpRequest&)> handler;
    std::deque<HttpResponse> script;
    std::vector<HttpRequest> requests;

    HttpResponse perform(const HttpRequest& request, const Deadline&) override {
        requests.push_back(request);
        if (handler) return handler(request);
        if (script.empty()) throw std::logic_error("unscripted request " + request.url);
        HttpResponse response = std::move(script.front());
        script.pop_front();
        return response;
    }

    std::vector<std::string> lines() const {
        std::vector<std::string> result;
        for (const auto& r : requests) result.push_back(r.method + " " + r.url);
        return result;
    }
};

class FakeTokenStore final : public TokenStore {
  public:
    std::optional<std::string> token;
    TimePoint expires_at{};
    int saves = 0;
    int forgets = 0;

    std::optional<std::string> load(TimePoint) override { return token; }
    void save(const std::string& t, TimePoint expires) override {
        ++saves;
        token = t;
        expires_at = expires;
    }
    void forget() override {
        ++forgets;
        token.reset();
    }
};

enum class Paging { honoured, capped, ignores_offset, ignored };

// A list endpoint over `serials` that treats limit/offset the way `mode` says.
std::function<HttpResponse(const HttpRequest&)> list_server(std::vector<std::string> serials,
                                                            Paging mode, std::size_t cap = 0) {
    return [serials, mode, cap](const HttpRequest& request) {
        if (request.method == "POST") return token_reply("tok-1");
        static const std::regex query(R"(limit=(\d+)&offset=(\d+)$)");
        std::smatch match;
        if (!std::regex_search(request.url, match, query)) return reply(400, "bad query");
        std::size_t limit = std::stoul(match[1]);
        std::size_t offset = std::stoul(match[2]);
        if (mode == Paging::ignored) return reply(200, page_text(serials));
        if (mode == Paging::ignores_offset) offset = 0;
        if (mode == Paging::capped) limit = std::min(limit, cap);
        const std::size_t begin = std::min(offset, serials.size());
        const std::size_t end = std::min(begin + limit, serials.size());
        return reply(200, page_text({serials.begin() + begin, serials.begin() + end}));
    };
}

class AtolClientTest : public ::testing::Test {
  protected:
    AtolClient make_client(std::size_t page_size = 1000, std::size_t max_pages = 1000) {
        options.page_size = page_size;
        options.max_pages = max_pages;
        return AtolClient(http, options, &store, clock);
    }

    AtolClientOptions options{.base_url = base_url + "//", .login = "user", .password = "secret"};
    FakeTransport http;
    FakeTokenStore store;
    FixedClock clock{TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 11 / 28))};
    Deadline deadline = Deadline(10s);
};

// --- paging -------------------------------------------------------------------------------

TEST_F(AtolClientTest, HonouredPagingReadsEveryPageUntilAnEmptyOne) {
    http.handler = list_server(fleet(5), Paging::honoured);
    auto client = make_client(2);
    const json::array registers = client.list_registers(deadline);
    EXPECT_EQ(serials_of(registers), fleet(5));
    EXPECT_EQ(http.lines(),
              (std::vector<std::string>{auth_request_line, list_line(2, 0), list_line(2, 2),
                                        list_line(2, 4), list_line(2, 5)}));
    EXPECT_EQ(client.stats().list_pages, 4u);
    EXPECT_EQ(client.stats().auth_requests, 1u);
    EXPECT_EQ(client.stats().requests, 5u);
}

// The sink gets each register once, page by page, as the API sent it: the elements of the array
// the other form gathers, in its order.
TEST_F(AtolClientTest, ASinkTakesEachRegisterAsItsPageArrives) {
    class Texts final : public RegisterSink {
      public:
        void add(const json::value& element, std::string_view text) override {
            EXPECT_TRUE(element.is_object());
            EXPECT_EQ(json::parse(text), element);
            texts.push_back(json::serialize(element));
            pages_seen.push_back(pages());
        }
        std::function<std::size_t()> pages;
        std::vector<std::string> texts;
        std::vector<std::size_t> pages_seen;  // pages received when each register came
    } sink;
    http.handler = list_server(fleet(5), Paging::honoured);
    auto client = make_client(2);
    sink.pages = [&client] { return client.stats().list_pages; };
    client.list_registers(deadline, sink);
    EXPECT_EQ(sink.pages_seen, (std::vector<std::size_t>{1, 1, 2, 2, 3}));

    http.handler = list_server(fleet(5), Paging::honoured);
    std::vector<std::string> gathered;
    for (const json::value& element : make_client(2).list_registers(deadline))
        gathered.push_back(json::serialize(element));
    EXPECT_EQ(sink.texts, gathered);
}

// The text a sink gets is each element's own bytes in the page, however the server spaced
// them: keeping the list as text (common/fleet.cpp) costs a copy, not a serialisation. A
// register a later page repeats is still taken once.
TEST_F(AtolClientTest, ASinkGetsEachElementAsThePageSpelledIt) {
    class Texts final : public RegisterSink {
      public:
        void add(const json::value&, std::string_view text) override { texts.emplace_back(text); }
        std::vector<std::string> texts;
    } sink;
    const std::string first = "{ \"serialNumber\" : \"A\",\n  \"unsentDocs\": 1e0 }";
    const std::string second = "{\"serialNumber\":\"B\",\"groupCode\":\"\\u0073hop\"}";
    const std::string third = "{\"groupCode\":\"no serial\"}";
    store.token = "t";
    http.script = {reply(200, "[\n  " + first + " ,\n\t" + second + "\r\n]\n"),
                   reply(200, "[" + second + "," + third + "]"), reply(200, "[]")};
    make_client(2).list_registers(deadline, sink);
    EXPECT_EQ(sink.texts, (std::vector<std::string>{first, second, third}));
}

TEST_F(AtolClientTest, ServerCappingBelowLimitAdvancesByItemsReceived) {
    http.handler = list_server(fleet(7), Paging::capped, 3);
    auto client = make_client(10);
    EXPECT_EQ(serials_of(client.list_registers(deadline)), fleet(7));
    EXPECT_EQ(http.lines(),
              (std::vector<std::string>{auth_request_line, list_line(10, 0), list_line(10, 3),
                                        list_line(10, 6), list_line(10, 7)}));
}

TEST_F(AtolClientTest, ServerIgnoringOffsetStopsAtTheRepeatedPageWithoutDuplicates) {
    http.handler = list_server(fleet(10), Paging::ignores_offset);
    auto client = make_client(3);
    EXPECT_EQ(serials_of(client.list_registers(deadline)), fleet(3));
    EXPECT_EQ(http.lines(),
              (std::vector<std::string>{auth_request_line, list_line(3, 0), list_line(3, 3)}));
}

TEST_F(AtolClientTest, OversizedPageMeansPagingIgnoredAndIsTheCompleteList) {
    http.handler = list_server(fleet(7), Paging::ignored);
    auto client = make_client(3);
    EXPECT_EQ(serials_of(client.list_registers(deadline)), fleet(7));
    EXPECT_EQ(http.lines(), (std::vector<std::string>{auth_request_line, list_line(3, 0)}));
}

TEST_F(AtolClientTest, MorePagesThanTheCapIsAnErrorNotATruncatedList) {
    http.handler = list_server(fleet(100), Paging::honoured);
    auto client = make_client(2, 3);
    try {
        client.list_registers(deadline);
        FAIL() << "no exception";
    } catch (const ProtocolError& e) {
        EXPECT_STREQ(e.what(), "register list did not end after 3 pages");
    }
    EXPECT_EQ(http.lines(),
              (std::vector<std::string>{auth_request_line, list_line(2, 0), list_line(2, 2),
                                        list_line(2, 4), list_line(2, 6)}));
}

TEST_F(AtolClientTest, ExactlyTheCapOfPagesEndsWithAnEmptyPage) {
    http.handler = list_server(fleet(6), Paging::honoured);
    auto client = make_client(2, 3);
    EXPECT_EQ(serials_of(client.list_registers(deadline)), fleet(6));
    EXPECT_EQ(http.requests.size(), 5u);
}

TEST_F(AtolClientTest, ListGrowingBetweenPagesYieldsNoDuplicates) {
    // A register inserted at the front after page 1 shifts B into page 2.
    http.script = {token_reply("tok-1"), reply(200, page_text({"A", "B"})),
                   reply(200, page_text({"B", "C"})), reply(200, page_text({"D"})),
                   reply(200, "[]")};
    auto client = make_client(2);
    EXPECT_EQ(serials_of(client.list_registers(deadline)),
              (std::vector<std::string>{"A", "B", "C", "D"}));
    EXPECT_EQ(http.lines().back(), list_line(2, 5));
}

TEST_F(AtolClientTest, ListShrinkingBetweenPagesYieldsNoDuplicates) {
    // A removed after page 1: C moves into page 1's range and is not seen (unavoidable).
    http.script = {token_reply("tok-1"), reply(200, page_text({"A", "B"})),
                   reply(200, page_text({"D", "E"})), reply(200, "[]")};
    auto client = make_client(2);
    EXPECT_EQ(serials_of(client.list_registers(deadline)),
              (std::vector<std::string>{"A", "B", "D", "E"}));
    EXPECT_EQ(http.lines().back(), list_line(2, 4));
}

TEST_F(AtolClientTest, RegistersWithoutSerialAreIdentifiedByTheirJson) {
    const std::string page = R"([{"groupCode":"g1"},{"groupCode":"g2"},{"serialNumber":7}])";
    http.script = {token_reply("tok-1"), reply(200, page), reply(200, page)};
    auto client = make_client(3);
    const json::array registers = client.list_registers(deadline);
    EXPECT_EQ(json::serialize(registers), page);
    EXPECT_EQ(http.requests.size(), 3u);
}

// --- tokens ---------------------------------------------------------------------------------

TEST_F(AtolClientTest, AuthRequestSendsLoginAndPassAsJson) {
    options.login = "вход";
    options.password = R"(pa"ss\word)";
    http.handler = list_server({}, Paging::honoured);
    make_client().list_registers(deadline);

    const HttpRequest& auth = http.requests.at(0);
    EXPECT_EQ(auth.method, "POST");
    EXPECT_EQ(auth.url, auth_url);
    EXPECT_EQ(json::parse(auth.body),
              (json::value(json::object{{"login", "вход"}, {"pass", R"(pa"ss\word)"}})));
    EXPECT_NE(std::find(auth.headers.begin(), auth.headers.end(),
                        "Content-Type: application/json; charset=utf-8"),
              auth.headers.end());
    EXPECT_EQ(store.token, "tok-1");
    EXPECT_EQ(store.expires_at, clock.now() + std::chrono::hours(24));
}

TEST_F(AtolClientTest, EveryRequestCarriesTheRawTokenAndJsonHeaders) {
    http.handler = list_server(fleet(1), Paging::honoured);
    make_client().list_registers(deadline);
    ASSERT_EQ(http.requests.size(), 3u);
    for (std::size_t i = 1; i < 3; ++i) {
        EXPECT_EQ(http.requests[i].headers,
                  (std::vector<std::string>{"Token: tok-1",
                                            "Content-Type: application/json; charset=utf-8",
                                            "Accept: application/json"}));
    }
}

TEST_F(AtolClientTest, StoredTokenIsUsedWithoutAuthenticating) {
    store.token = "stored";
    http.handler = list_server(fleet(1), Paging::honoured);
    auto client = make_client();
    client.list_registers(deadline);
    EXPECT_EQ(http.lines(), (std::vector<std::string>{list_line(1000, 0), list_line(1000, 1)}));
    EXPECT_EQ(http.requests[0].headers.at(0), "Token: stored");
    EXPECT_EQ(client.stats().auth_requests, 0u);
    EXPECT_EQ(store.saves, 0);
}

TEST_F(AtolClientTest, Http401ReauthenticatesOnceAndRepeatsTheRequest) {
    store.token = "old";
    http.script = {reply(401, ""), token_reply("new"), reply(200, page_text({"A"})),
                   reply(200, "[]")};
    auto client = make_client();
    EXPECT_EQ(serials_of(client.list_registers(deadline)), (std::vector<std::string>{"A"}));
    EXPECT_EQ(http.lines(), (std::vector<std::string>{list_line(1000, 0), auth_request_line,
                                                      list_line(1000, 0), list_line(1000, 1)}));
    EXPECT_EQ(http.requests[0].headers.at(0), "Token: old");
    EXPECT_EQ(http.requests[2].headers.at(0), "Token: new");
    EXPECT_EQ(http.requests[3].headers.at(0), "Token: new");
    EXPECT_EQ(store.forgets, 1);
    EXPECT_EQ(store.token, "new");
}

TEST_F(AtolClientTest, TokenRejectedMidPagingReauthenticatesAndResumesAtThatPage) {
    http.script = {token_reply("t1"), reply(200, page_text({"A", "B"})), reply(401, ""),
                   token_reply("t2"), reply(200, page_text({"C"})),      reply(200, "[]")};
    auto client = make_client(2);
    EXPECT_EQ(serials_of(client.list_registers(deadline)),
              (std::vector<std::string>{"A", "B", "C"}));
    EXPECT_EQ(http.lines(),
              (std::vector<std::string>{auth_request_line, list_line(2, 0), list_line(2, 2),
                                        auth_request_line, list_line(2, 2), list_line(2, 3)}));
    EXPECT_EQ(client.stats().auth_requests, 2u);
    EXPECT_EQ(store.token, "t2");
}

TEST_F(AtolClientTest, ExpiredTokenCodeInAnyStatusReauthenticates) {
    for (const long status : {200L, 400L}) {
        for (const int code : {10, 11}) {
            SCOPED_TRACE(std::to_string(status) + "/" + std::to_string(code));
            http.requests.clear();
            store.token = "old";
            http.script = {error_reply(status, code, "Переданный токен не активен"),
                           token_reply("new"), reply(200, "[]")};
            make_client().list_registers(deadline);
            EXPECT_EQ(http.lines(), (std::vector<std::string>{list_line(1000, 0), auth_request_line,
                                                              list_line(1000, 0)}));
        }
    }
}

TEST_F(AtolClientTest, SecondRejectionIsAnAuthError) {
    store.token = "old";
    http.script = {reply(401, ""), token_reply("new"),
                   error_reply(401, 11, "Переданный токен не активен")};
    auto client = make_client();
    try {
        client.list_registers(deadline);
        FAIL() << "no exception";
    } catch (const AuthError& e) {
        EXPECT_EQ(e.http_status(), 401);
        EXPECT_EQ(e.code(), 11);
        EXPECT_STREQ(e.what(),
                     "authentication failed: the server refused a freshly issued token: "
                     "ATOL error 11: Переданный токен не активен (HTTP 401)");
    }
    EXPECT_EQ(http.requests.size(), 3u);
}

TEST_F(AtolClientTest, WrongPasswordIsAnAuthErrorWithAtolCodeAndText) {
    http.script = {error_reply(400, 12, "Неверный логин или пароль")};
    try {
        make_client().list_registers(deadline);
        FAIL() << "no exception";
    } catch (const AuthError& e) {
        EXPECT_EQ(e.code(), 12);
        EXPECT_EQ(e.text(), "Неверный логин или пароль");
        EXPECT_EQ(e.http_status(), 400);
        EXPECT_STREQ(e.what(),
                     "authentication failed: ATOL error 12: Неверный логин или пароль (HTTP 400)");
    }
    EXPECT_EQ(http.requests.size(), 1u);
    EXPECT_EQ(store.saves, 0);
}

TEST_F(AtolClientTest, AuthAnswerWithoutTokenOrWithErrorObjectFails) {
    for (const char* body : {R"({"error":null})", R"({"error":null,"token":""})",
                             R"({"error":{"code":14,"text":"blocked"},"token":"t"})"}) {
        SCOPED_TRACE(body);
        http.requests.clear();
        http.script = {reply(200, body)};
        EXPECT_THROW(make_client().list_registers(deadline), AuthError);
        EXPECT_EQ(http.requests.size(), 1u);
    }
    EXPECT_EQ(store.saves, 0);
}

TEST_F(AtolClientTest, AuthServerOutageIsAnApiErrorNotAnAuthError) {
    http.script = {reply(502, "<html>Bad Gateway</html>")};
    try {
        make_client().list_registers(deadline);
        FAIL() << "no exception";
    } catch (const AuthError& e) {
        FAIL() << "reported as bad credentials: " << e.what();
    } catch (const ApiError& e) {
        EXPECT_EQ(std::string(e.what()), "authentication failed: HTTP 502 from " + auth_url);
    }
}

TEST_F(AtolClientTest, TransportErrorsPropagateUnchanged) {
    store.token = "t";
    http.handler = [](const HttpRequest&) -> HttpResponse { throw TimeoutError("out of time"); };
    EXPECT_THROW(make_client().list_registers(deadline), TimeoutError);
    EXPECT_EQ(http.requests.size(), 1u);
}

TEST_F(AtolClientTest, OverlongCredentialsAreRejectedBeforeAnyRequest) {
    options.login = std::string(101, 'l');
    EXPECT_THROW(make_client().list_registers(deadline), ConfigError);
    options.login = "user";
    options.password = std::string(101, 'p');
    EXPECT_THROW(make_client().get_register("SN1", deadline), ConfigError);
    EXPECT_TRUE(http.requests.empty());

    // 100 Cyrillic characters are 200 bytes but within the limit.
    std::string cyrillic;
    for (int i = 0; i < 100; ++i) cyrillic += "ж";
    options.password = cyrillic;
    http.handler = list_server({}, Paging::honoured);
    make_client().list_registers(deadline);
    EXPECT_EQ(http.requests.size(), 2u);
}

// --- error bodies -----------------------------------------------------------------------------

TEST_F(AtolClientTest, AtolErrorObjectBecomesApiError) {
    http.script = {token_reply("t"), error_reply(400, 13, "Запрос не прошёл валидацию")};
    try {
        make_client().list_registers(deadline);
        FAIL() << "no exception";
    } catch (const AuthError&) {
        FAIL() << "not an auth failure";
    } catch (const ApiError& e) {
        EXPECT_STREQ(e.what(), "ATOL API error 13: Запрос не прошёл валидацию (HTTP 400)");
        EXPECT_EQ(e.code(), 13);
    }
}

TEST_F(AtolClientTest, NonJsonErrorBodyNamesStatusAndUrlWithoutQuery) {
    HttpResponse busy = reply(503, "<html>Service Unavailable</html>");
    busy.retry_after_seconds = 30;
    http.script = {token_reply("t"), busy};
    try {
        make_client().list_registers(deadline);
        FAIL() << "no exception";
    } catch (const ApiError& e) {
        EXPECT_STREQ(e.what(), ("HTTP 503 from " + base_url + "/kkt/v1/cash-registers" +
                                " (retry after 30 s)")
                                   .c_str());
        EXPECT_EQ(e.code(), std::nullopt);
        EXPECT_EQ(e.http_status(), 503);
    }
}

TEST_F(AtolClientTest, BadListBodiesAreProtocolErrors) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"([{"serialNumber":"A"},)", "is truncated JSON"},
        {R"([{"serialNumber":"A"}]]})", "is malformed JSON"},
        {R"({"data":[]})", "is not a JSON array but an object"},
        {R"([{"serialNumber":"A"},42])", "element 1 of the register list page at offset 0"},
        {"", "is empty"},
    };
    for (const auto& [body, expected] : cases) {
        SCOPED_TRACE(body);
        http.requests.clear();
        store.token = "t";
        http.script = {reply(200, body)};
        try {
            make_client().list_registers(deadline);
            ADD_FAILURE() << "no exception";
        } catch (const ProtocolError& e) {
            EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
        }
        EXPECT_EQ(http.requests.size(), 1u);
    }
}

// --- one register -----------------------------------------------------------------------------

TEST_F(AtolClientTest, SingleRegisterIsPathEncodedWithHalAccept) {
    store.token = "t";
    http.script = {reply(200, R"({"data":{"serialNumber":"00 1/2"},"_links":{}})")};
    const Register r = make_client().get_register("  00 1/2\t", deadline);
    EXPECT_EQ(r.serial_number, "00 1/2");
    ASSERT_EQ(http.requests.size(), 1u);
    EXPECT_EQ(http.requests[0].url, base_url + "/kkt/v1/cash-registers/00%201%2F2");
    EXPECT_EQ(http.requests[0].headers,
              (std::vector<std::string>{"Token: t", "Content-Type: application/json; charset=utf-8",
                                        "Accept: application/hal+json"}));
}

TEST_F(AtolClientTest, UnknownRegisterIsNotFound) {
    store.token = "t";
    http.script = {error_reply(404, 40, "not found")};
    try {
        make_client().get_register("00106709186412", deadline);
        FAIL() << "no exception";
    } catch (const NotFoundError& e) {
        EXPECT_STREQ(e.what(), "register 00106709186412 not found in the account");
        EXPECT_EQ(e.http_status(), 404);
    }
}

TEST_F(AtolClientTest, BlankSerialIsAConfigError) {
    EXPECT_THROW(make_client().get_register(" \t ", deadline), ConfigError);
    EXPECT_TRUE(http.requests.empty());
}

}  // namespace
}  // namespace kkt
