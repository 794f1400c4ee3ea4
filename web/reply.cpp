#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/url/parse.hpp>
// Boost.URL compiled into this file (header-only mode): Debian has no libboost-url package.
#include <boost/url/src.hpp>
#include <boost/url/url_view.hpp>

#include "web/reply_state.hpp"

namespace kkt::web {

namespace asio = boost::asio;

Response Response::text(http::status status, std::string_view text) {
    Response response;
    response.status = status;
    response.body.push_back(std::make_shared<const std::string>(std::string(text) + "\n"));
    return response;
}

std::size_t Response::body_size() const {
    std::size_t size = 0;
    for (const auto& piece : body)
        size += std::visit([](const auto& held) { return held->size(); }, piece);
    return size;
}

Reply::State::State(Executor executor, std::function<void(Response)> deliver)
    : executor_(executor), deliver_(std::move(deliver)), work_(asio::make_work_guard(executor)) {}

Reply::State::~State() {
    finish(Response::text(http::status::internal_server_error, "no answer"));
}

bool Reply::State::finish(Response response) {
    if (sent_.exchange(true)) return false;
    deliver_(std::move(response));
    std::shared_ptr<asio::steady_timer> timer;
    {
        std::lock_guard lock(mutex_);
        timer = std::move(timer_);
    }
    if (timer) asio::post(executor_, [timer] { timer->cancel(); });
    work_.reset();
    return true;
}

void Reply::send(Response response) const {
    state_->finish(std::move(response));
}

void Reply::send_from(std::function<Response()> produce) && {
    const auto executor = state_->executor();
    asio::post(executor, [state = std::move(state_), produce = std::move(produce)] {
        if (!state->sent()) state->finish(produce());
    });
}

void Reply::send_after(std::chrono::milliseconds wait, std::function<Response()> fallback) const {
    if (state_->sent()) return;
    auto timer = std::make_shared<asio::steady_timer>(state_->executor(), wait);
    state_->set_timer(timer);
    if (state_->sent()) return;  // answered meanwhile: nothing to wait for
    timer->async_wait([state = state_, timer,
                       fallback = std::move(fallback)](const boost::system::error_code& error) {
        if (error || state->sent()) return;
        state->finish(fallback());
    });
}

std::optional<std::string> query_parameter(std::string_view target, std::string_view name) {
    const auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) return std::nullopt;
    for (const auto& param : parsed->params())
        if (param.key == name) return std::string(param.has_value ? param.value : "");
    return std::nullopt;
}

std::string target_path(std::string_view target) {
    return std::string(target.substr(0, target.find('?')));
}

}  // namespace kkt::web
