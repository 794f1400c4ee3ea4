#include "server.hpp"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include "handlers.hpp"

namespace emu {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = boost::beast::ssl_stream<tcp::socket>;
using error_code = boost::system::error_code;

std::atomic<bool> g_verbose{false};
constexpr std::uint64_t max_request_body = 1ULL << 30;  // POST /_emulator/fleet can be big
constexpr std::size_t slow_body_chunks = 20;

// One connection; Stream is tcp::socket (HTTP) or TlsStream (HTTPS, handshake first).
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
    static constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;

  public:
    Session(tcp::socket socket, EmulatorState& state) requires(!is_tls)
        : socket_(std::move(socket)), timer_(socket_.get_executor()), state_(state) {}
    Session(tcp::socket socket, ssl::context& tls, EmulatorState& state) requires is_tls
        : socket_(std::move(socket), tls),
          timer_(socket_.get_executor()),
          state_(state) {}

    void start() {
        asio::dispatch(socket_.get_executor(), [self = this->shared_from_this()] {
            if constexpr (is_tls) {
                // A client that refuses the certificate ends here: nothing is read or counted.
                self->socket_.async_handshake(ssl::stream_base::server, [self](error_code error) {
                    if (error) return self->close();
                    self->read();
                });
            } else {
                self->read();
            }
        });
    }

  private:
    void read() {
        parser_.emplace();
        parser_->body_limit(max_request_body);
        http::async_read_header(socket_, buffer_, *parser_,
                                [self = this->shared_from_this()](error_code error, std::size_t) {
                                    self->on_header(error);
                                });
    }

    // Answers "Expect: 100-continue" (curl sends it for big POST /_emulator/fleet bodies and
    // would otherwise wait a second before sending them), then reads the body.
    void on_header(error_code error) {
        if (error) return on_read(error);
        std::string expect(parser_->get()[http::field::expect]);
        for (char& c : expect) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (expect == "100-continue") {
            static constexpr std::string_view continue_response = "HTTP/1.1 100 Continue\r\n\r\n";
            return write({asio::buffer(continue_response.data(), continue_response.size())},
                         [this] { read_body(); });
        }
        read_body();
    }

    void read_body() {
        http::async_read(socket_, buffer_, *parser_,
                         [self = this->shared_from_this()](error_code error, std::size_t) {
                             self->on_read(error);
                         });
    }

    void on_read(error_code error) {
        if (error == http::error::end_of_stream || error == asio::error::eof ||
            error == asio::error::connection_reset || error == asio::error::operation_aborted) {
            return close();
        }
        if (error) {
            keep_alive_ = false;
            response_ = api_error(400, 40, "Некорректный HTTP-запрос: " + error.message());
            return send();
        }
        const Request& request = parser_->get();
        keep_alive_ = request.keep_alive();
        response_ = handle_request(request, state_);
        if (g_verbose) {
            log_line(std::string(request.method_string()) + " " + std::string(request.target()) +
                     " -> " + std::to_string(response_.status) + " (" +
                     std::to_string(response_.body.size()) + " bytes)");
        }
        send();
    }

    void send() {
        head_ = response_.head(keep_alive_);
        after(response_.delay, [this] { write_head(); });
    }

    // Runs `next` after `delay` (at once when there is none), keeping the session alive.
    template <class Next>
    void after(std::chrono::milliseconds delay, Next next) {
        if (delay.count() <= 0) return next();
        timer_.expires_after(delay);
        timer_.async_wait([self = this->shared_from_this(), next](error_code error) {
            if (!error) next();
        });
    }

    void write_head() {
        std::vector<asio::const_buffer> buffers{asio::buffer(head_)};
        if (response_.slow_body.count() <= 0) {
            for (const auto view : response_.body.slice(0, response_.body.size())) {
                buffers.push_back(asio::buffer(view.data(), view.size()));
            }
            return write(std::move(buffers), [this] { finish(); });
        }
        const std::size_t size = response_.body.size();
        chunks_ = std::min(slow_body_chunks, size);
        chunk_size_ = chunks_ == 0 ? 0 : (size + chunks_ - 1) / chunks_;
        sent_ = 0;
        write(std::move(buffers), [this] { write_slow_chunk(); });
    }

    void write_slow_chunk() {
        const std::size_t size = response_.body.size();
        if (sent_ >= size) return finish();
        const auto interval = response_.slow_body / static_cast<long>(chunks_);
        after(interval, [this, size] {
            const std::size_t length = std::min(chunk_size_, size - sent_);
            std::vector<asio::const_buffer> buffers;
            for (const auto view : response_.body.slice(sent_, length)) {
                buffers.push_back(asio::buffer(view.data(), view.size()));
            }
            sent_ += length;
            write(std::move(buffers), [this] { write_slow_chunk(); });
        });
    }

    template <class Next>
    void write(std::vector<asio::const_buffer> buffers, Next next) {
        buffers_ = std::move(buffers);
        asio::async_write(socket_, buffers_,
                          [self = this->shared_from_this(), next](error_code error, std::size_t) {
                              if (error) return self->close();
                              next();
                          });
    }

    void finish() {
        response_ = Response{};  // lets go of the fleet snapshot it may hold
        if (keep_alive_) return read();
        error_code ignored;
        boost::beast::get_lowest_layer(socket_).shutdown(tcp::socket::shutdown_send, ignored);
        close();
    }

    void close() {
        error_code ignored;
        boost::beast::get_lowest_layer(socket_).close(ignored);
    }

    Stream socket_;
    asio::steady_timer timer_;
    EmulatorState& state_;
    boost::beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    bool keep_alive_ = true;
    Response response_;
    std::string head_;
    std::vector<asio::const_buffer> buffers_;
    std::size_t chunks_ = 0, chunk_size_ = 0, sent_ = 0;
};

}  // namespace

Server::Server(asio::io_context& io, const tcp::endpoint& endpoint, EmulatorState& state,
               ssl::context* tls)
    : io_(io), acceptor_(io), state_(state), tls_(tls) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
}

void Server::start() {
    accept();
}

void Server::stop() {
    error_code ignored;
    acceptor_.close(ignored);
}

void Server::accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](error_code error, tcp::socket socket) {
        if (error == asio::error::operation_aborted) return;
        // Without TCP_NODELAY a page whose last segment is small waits ~40 ms for the client's
        // delayed ACK: that would distort every timing taken against the emulator.
        if (!error) socket.set_option(tcp::no_delay(true), error);
        if (!error && tls_ != nullptr) {
            std::make_shared<Session<TlsStream>>(std::move(socket), *tls_, state_)->start();
        } else if (!error) {
            std::make_shared<Session<tcp::socket>>(std::move(socket), state_)->start();
        }
        accept();
    });
}

ssl::context make_tls_context(const std::string& cert_file, const std::string& key_file) {
    ssl::context context(ssl::context::tls_server);
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    error_code error;
    context.use_certificate_chain_file(cert_file, error);
    if (error) {
        throw std::runtime_error("cannot load the TLS certificate " + cert_file + ": " +
                                 error.message());
    }
    context.use_private_key_file(key_file, ssl::context::pem, error);
    if (error) {
        throw std::runtime_error("cannot load the TLS key " + key_file + ": " + error.message());
    }
    return context;
}

void set_verbose(bool verbose) {
    g_verbose = verbose;
}

void log_line(const std::string& line) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    std::cerr << "atol-kkt-emulator: " << line << std::endl;
}

}  // namespace emu
