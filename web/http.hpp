#pragma once
// What a handler of web::Server (web/server.hpp) sees and gives back: the request as Beast
// parsed it, a response whose body pieces are shared (a large cached body is sent, never
// copied; one kept in an OutputSpool's temporary file is read as it is sent), and a Reply that
// takes the response once, from any thread, now or later.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/output_spool.hpp"

namespace kkt::web {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;

// A piece of a body: text in memory, or a finished OutputSpool (never written to again).
using BodyPiece =
    std::variant<std::shared_ptr<const std::string>, std::shared_ptr<const OutputSpool>>;

struct Response {
    http::status status = http::status::ok;
    std::string content_type = "text/plain; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;  // more fields, as given
    std::vector<BodyPiece> body;                               // sent in this order

    // A plain text answer: `text` and a line feed.
    static Response text(http::status status, std::string_view text);
    std::size_t body_size() const;
};

// The one answer to one request. Copies share it: the first send() (or the fallback of
// send_after()) is sent, later ones are dropped. A Reply dropped unanswered sends a 500, so a
// connection never waits forever.
class Reply {
  public:
    struct State;
    explicit Reply(std::shared_ptr<State> state) : state_(std::move(state)) {}

    // Any thread.
    void send(Response response) const;
    // Sends what produce() returns, produce() being called on the server's threads: for a caller
    // on another thread that must not do the work there. It consumes the reply, so that caller
    // keeps no reference: the last one (which closes the connection) always goes on the server's
    // threads, even when the reply was already sent.
    void send_from(std::function<Response()> produce) &&;
    // Unless send() comes first, sends fallback() (called on the server's threads) after `wait`.
    void send_after(std::chrono::milliseconds wait, std::function<Response()> fallback) const;

  private:
    std::shared_ptr<State> state_;
};

using Handler = std::function<void(const Request&, const Reply&)>;

// The decoded value of query parameter `name` of a request target ("/probe?profile=shop"):
// nullopt when absent; the first when repeated.
std::optional<std::string> query_parameter(std::string_view target, std::string_view name);
// The target's path without its query ("/probe").
std::string target_path(std::string_view target);

}  // namespace kkt::web
