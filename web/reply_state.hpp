#pragma once
// Reply's shared state (web/http.hpp), for web/server.cpp: who delivers the response to the
// connection, on which executor, and the work guard that keeps the server's io_context running
// until the answer is sent (so a graceful stop waits for it).
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>

#include "web/http.hpp"

namespace kkt::web {

struct Reply::State {
    using Executor = boost::asio::any_io_executor;
    // `deliver` gets the response once, on whatever thread answers; it posts it to the session.
    State(Executor executor, std::function<void(Response)> deliver);
    ~State();
    State(const State&) = delete;
    State& operator=(const State&) = delete;

    // True when this call sent the response (false: one was sent before).
    bool finish(Response response);
    bool sent() const { return sent_.load(); }
    const Executor& executor() const { return executor_; }
    void set_timer(std::shared_ptr<boost::asio::steady_timer> timer) {
        std::lock_guard lock(mutex_);
        timer_ = std::move(timer);
    }

  private:
    Executor executor_;
    std::function<void(Response)> deliver_;
    std::atomic<bool> sent_{false};
    std::mutex mutex_;
    std::shared_ptr<boost::asio::steady_timer> timer_;
    boost::asio::executor_work_guard<Executor> work_;
};

}  // namespace kkt::web
