#include "web/server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <map>
#include <mutex>
#include <sstream>
#include <type_traits>

#include "common/errors.hpp"
#include "common/sys_text.hpp"
#include "web/reply_state.hpp"

namespace kkt::web {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::size_t first_read_bytes = 1024;
constexpr std::size_t body_chunk_bytes = 256 * 1024;
constexpr std::string_view too_many_connections =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 21\r\nConnection: close\r\n\r\ntoo many connections\n";

class SessionBase {
  public:
    virtual ~SessionBase() = default;
    // Graceful stop: an idle connection closes now, a busy one after its answer.
    virtual void shutdown() = 0;
};

}  // namespace

struct Server::Shared {
    ServerLimits limits;
    Handler handler;
    const Log& log;
    std::mutex mutex;
    std::shared_ptr<const Security> security;
    std::map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
    bool stopping = false;

    Shared(ServerLimits l, std::shared_ptr<const Security> s, Handler h, const Log& lg)
        : limits(l), handler(std::move(h)), log(lg), security(std::move(s)) {}

    std::shared_ptr<const Security> current_security() {
        std::lock_guard lock(mutex);
        return security;
    }
};

namespace {

// One connection: TLS handshake (for TlsStream), then requests one after another (keep-alive).
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
    static constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;
    enum class Phase { opening, idle, reading, handling, writing, closed };

  public:
    Session(tcp::socket socket, std::shared_ptr<Server::Shared> shared,
            std::shared_ptr<const Security> security) requires(!is_tls)
        : stream_(std::move(socket)), shared_(std::move(shared)), security_(std::move(security)) {}
    Session(tcp::socket socket, std::shared_ptr<Server::Shared> shared,
            std::shared_ptr<const Security> security) requires is_tls
        : stream_(std::move(socket), *security->tls),
          shared_(std::move(shared)),
          security_(std::move(security)) {}

    ~Session() override {
        std::lock_guard lock(shared_->mutex);
        shared_->sessions.erase(this);
    }

    // False when the server is stopping (the connection is dropped).
    bool start() {
        {
            std::lock_guard lock(shared_->mutex);
            if (shared_->stopping) return false;
            shared_->sessions[this] = this->weak_from_this();
        }
        asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
            if constexpr (is_tls) {
                self->lowest().expires_after(self->shared_->limits.read_header_timeout);
                self->stream_.async_handshake(ssl::stream_base::server, [self](error_code error) {
                    if (error) {
                        self->shared_->log(2, "TLS handshake failed: " + error.message());
                        return self->close();
                    }
                    self->wait_request();
                });
            } else {
                self->wait_request();
            }
        });
        return true;
    }

    void shutdown() override {
        asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
            self->stopping_ = true;
            if (self->phase_ != Phase::handling && self->phase_ != Phase::writing) self->close();
        });
    }

  private:
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

    // Waits for the first bytes of the next request: up to the idle timeout on a kept-alive
    // connection, the header timeout on a new one (a client that connects and says nothing).
    void wait_request() {
        if (stopping_) return close();
        phase_ = Phase::idle;
        if (buffer_.size() > 0) return read_request();
        lowest().expires_after(first_ ? shared_->limits.read_header_timeout
                                      : shared_->limits.idle_timeout);
        stream_.async_read_some(
            buffer_.prepare(first_read_bytes),
            [self = this->shared_from_this()](error_code error, std::size_t bytes) {
                if (error) return self->close();
                self->buffer_.commit(bytes);
                self->read_request();
            });
    }

    // The whole request (head and any body) within the header timeout.
    void read_request() {
        phase_ = Phase::reading;
        parser_.emplace();
        parser_->header_limit(shared_->limits.max_header_bytes);
        parser_->body_limit(shared_->limits.max_body_bytes);
        lowest().expires_after(shared_->limits.read_header_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](error_code error, std::size_t) {
                             self->on_read(error);
                         });
    }

    void on_read(error_code error) {
        lowest().expires_never();
        if (error == http::error::header_limit)
            return refuse(http::status::request_header_fields_too_large, "request head too large");
        if (error == http::error::body_limit)
            return refuse(http::status::payload_too_large, "request body not accepted");
        if (error == beast::error::timeout) {
            shared_->log(2, "closed a connection: request not received in time");
            return close();
        }
        if (error == http::error::end_of_stream || error == asio::error::eof ||
            error == asio::error::connection_reset || error == asio::error::operation_aborted)
            return close();
        if (error) return refuse(http::status::bad_request, "malformed request");
        first_ = false;
        handle(parser_->release());
    }

    // An answer, then the connection closes (its stream can no longer be trusted).
    void refuse(http::status status, std::string_view text) {
        keep_alive_ = false;
        write(Response::text(status, text));
    }

    void handle(Request request) {
        phase_ = Phase::handling;
        keep_alive_ = request.keep_alive();
        head_only_ = request.method() == http::verb::head;
        const auto security = shared_->current_security();
        if (security->auth && !security->auth->allows(request[http::field::authorization])) {
            shared_->log(2, "401 for " + std::string(request.target()) + " (user '" +
                                BasicAuth::user_of(request[http::field::authorization]) + "')");
            Response response = Response::text(http::status::unauthorized, "Unauthorized");
            response.headers.emplace_back("WWW-Authenticate",
                                          "Basic realm=\"atol-kkt\", charset=\"UTF-8\"");
            return write(std::move(response));
        }
        if (request.method() != http::verb::get && !head_only_) {
            Response response = Response::text(http::status::method_not_allowed,
                                               "method not allowed: use GET or HEAD");
            response.headers.emplace_back("Allow", "GET, HEAD");
            return write(std::move(response));
        }
        shared_->log(3, std::string(request.method_string()) + " " + std::string(request.target()));
        auto state = std::make_shared<Reply::State>(
            stream_.get_executor(), [self = this->shared_from_this()](Response response) {
                asio::post(self->stream_.get_executor(),
                           [self, response = std::move(response)]() mutable {
                               self->write(std::move(response));
                           });
            });
        shared_->handler(request, Reply(std::move(state)));
    }

    void write(Response response) {
        if (phase_ == Phase::closed || phase_ == Phase::writing) return;
        phase_ = Phase::writing;
        response_ = std::move(response);
        http::response<http::empty_body> head{response_.status, 11};
        head.set(http::field::content_type, response_.content_type);
        head.set("X-Content-Type-Options", "nosniff");
        for (const auto& [name, value] : response_.headers) head.set(name, value);
        head.content_length(response_.body_size());
        head.keep_alive(keep_alive_ && !stopping_);
        std::ostringstream text;
        text << head.base();
        head_text_ = text.str();
        head_sent_ = false;
        piece_ = head_only_ ? response_.body.size() : 0;
        offset_ = 0;
        lowest().expires_after(shared_->limits.write_timeout);
        send_more();
    }

    // The next buffers of the answer into buffers_: the head the first time, then the body's
    // pieces in order, a spool's a chunk at a time (so that a large one is never in memory
    // whole). Empty when everything was sent; false when a spool cannot be read.
    bool next_buffers() {
        buffers_.clear();
        if (!head_sent_) {
            buffers_.push_back(asio::buffer(head_text_));
            head_sent_ = true;
        }
        while (piece_ < response_.body.size()) {
            const BodyPiece& piece = response_.body[piece_];
            if (const auto* text = std::get_if<std::shared_ptr<const std::string>>(&piece)) {
                buffers_.push_back(asio::buffer(**text));
                ++piece_;
                continue;
            }
            const auto& spool = std::get<std::shared_ptr<const OutputSpool>>(piece);
            if (!spool->read_at(offset_, body_chunk_bytes, chunk_)) return false;
            if (chunk_.empty()) {
                ++piece_;
                offset_ = 0;
                continue;
            }
            offset_ += chunk_.size();
            buffers_.push_back(asio::buffer(chunk_));
            break;
        }
        return true;
    }

    void send_more() {
        if (!next_buffers()) {
            // The head promised a length the body can no longer reach: only closing tells.
            shared_->log(1, "cannot read an answer's temporary file: " + errno_text(errno));
            response_ = Response{};
            return close();
        }
        if (buffers_.empty()) return on_written({});
        asio::async_write(stream_, buffers_,
                          [self = this->shared_from_this()](error_code error, std::size_t) {
                              if (error) return self->on_written(error);
                              self->send_more();
                          });
    }

    void on_written(error_code error) {
        lowest().expires_never();
        response_ = Response{};  // lets go of shared bodies
        buffers_.clear();
        chunk_ = std::string();
        if (error || !keep_alive_ || stopping_) {
            if (!error) lowest().socket().shutdown(tcp::socket::shutdown_send, error);
            return close();
        }
        wait_request();
    }

    void close() {
        phase_ = Phase::closed;
        error_code ignored;
        lowest().socket().close(ignored);
    }

    Stream stream_;
    std::shared_ptr<Server::Shared> shared_;
    std::shared_ptr<const Security> security_;  // keeps the TLS context of this connection
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    Phase phase_ = Phase::opening;
    bool first_ = true;
    bool keep_alive_ = true;
    bool head_only_ = false;
    bool stopping_ = false;
    Response response_;
    std::string head_text_;
    bool head_sent_ = false;
    std::size_t piece_ = 0;   // the body piece being sent
    std::size_t offset_ = 0;  // how much of a spool piece was read
    std::string chunk_;       // the part of a spool being sent
    std::vector<asio::const_buffer> buffers_;
};

// The plain 503 for a connection over the cap (a TLS client gets the connection closed: it
// could not read a plain answer).
void turn_away(tcp::socket socket, bool tls) {
    auto held = std::make_shared<tcp::socket>(std::move(socket));
    if (tls) return;
    asio::async_write(*held, asio::buffer(too_many_connections), [held](error_code, std::size_t) {
        error_code ignored;
        held->shutdown(tcp::socket::shutdown_send, ignored);
        held->close(ignored);
    });
}

tcp::endpoint endpoint_of(const ListenAddress& address, bool any_v6) {
    if (address.host.empty()) return tcp::endpoint(any_v6 ? tcp::v6() : tcp::v4(), address.port);
    error_code error;
    const auto ip = asio::ip::make_address(address.host, error);
    if (!error) return tcp::endpoint(ip, address.port);
    asio::io_context resolving;
    tcp::resolver resolver(resolving);
    const auto results = resolver.resolve(address.host, std::to_string(address.port), error);
    if (error || results.empty())
        throw ConfigError("--web.listen-address: cannot resolve '" + address.host +
                          "': " + error.message());
    return results.begin()->endpoint();
}

void open_and_bind(tcp::acceptor& acceptor, const tcp::endpoint& endpoint) {
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    if (endpoint.protocol() == tcp::v6() && endpoint.address().is_unspecified())
        acceptor.set_option(asio::ip::v6_only(false));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
}

}  // namespace

Server::Server(asio::io_context& io, const ListenAddress& address, ServerLimits limits,
               std::shared_ptr<const Security> security, Handler handler, const Log& log)
    : io_(io),
      acceptor_(io),
      shared_(std::make_shared<Shared>(limits, std::move(security), std::move(handler), log)) {
    tcp::endpoint endpoint = endpoint_of(address, true);
    try {
        open_and_bind(acceptor_, endpoint);
    } catch (const boost::system::system_error& first) {
        // Every interface on a system without IPv6: IPv4's.
        if (!address.host.empty() || first.code() != asio::error::address_family_not_supported)
            throw ConfigError("cannot listen on " + endpoint.address().to_string() + " port " +
                              std::to_string(address.port) + ": " + first.code().message());
        error_code ignored;
        acceptor_.close(ignored);
        endpoint = endpoint_of(address, false);
        try {
            open_and_bind(acceptor_, endpoint);
        } catch (const boost::system::system_error& e) {
            throw ConfigError("cannot listen on port " + std::to_string(address.port) + ": " +
                              e.code().message());
        }
    }
}

Server::~Server() = default;

tcp::endpoint Server::local_endpoint() const {
    return acceptor_.local_endpoint();
}

std::string Server::url() const {
    const tcp::endpoint endpoint = local_endpoint();
    const std::string host = endpoint.address().is_v6() ? "[" + endpoint.address().to_string() + "]"
                                                        : endpoint.address().to_string();
    const bool tls = shared_->current_security()->tls != nullptr;
    return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(endpoint.port());
}

void Server::start() {
    accept();
}

void Server::set_security(std::shared_ptr<const Security> security) {
    std::lock_guard lock(shared_->mutex);
    shared_->security = std::move(security);
}

void Server::stop() {
    asio::post(acceptor_.get_executor(), [this] {
        error_code ignored;
        acceptor_.close(ignored);
    });
    std::vector<std::shared_ptr<SessionBase>> sessions;
    {
        std::lock_guard lock(shared_->mutex);
        shared_->stopping = true;
        for (const auto& [raw, weak] : shared_->sessions)
            if (auto session = weak.lock()) sessions.push_back(std::move(session));
    }
    for (const auto& session : sessions) session->shutdown();
}

void Server::accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](error_code error, tcp::socket socket) {
        if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (error) {
            // Out of descriptors, say: try again shortly rather than spin.
            shared_->log(1, "accept failed: " + error.message());
            auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
            timer->async_wait([this, timer](error_code) { accept(); });
            return;
        }
        socket.set_option(tcp::no_delay(true), error);
        const auto security = shared_->current_security();
        std::size_t open = 0;
        {
            std::lock_guard lock(shared_->mutex);
            open = shared_->sessions.size();
        }
        if (open >= shared_->limits.max_connections) {
            shared_->log(2, "turned a connection away: " + std::to_string(open) + " open");
            turn_away(std::move(socket), security->tls != nullptr);
        } else if (security->tls) {
            std::make_shared<Session<TlsStream>>(std::move(socket), shared_, security)->start();
        } else {
            std::make_shared<Session<PlainStream>>(std::move(socket), shared_, security)->start();
        }
        accept();
    });
}

}  // namespace kkt::web
