#include "zabbix/tcp_connection.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <memory>
#include <utility>

#include "common/errors.hpp"
#include "common/format.hpp"
#include "common/sys_text.hpp"

namespace kkt::zabbix {
namespace {

std::string seconds_text(const Deadline& deadline) {
    return format_number(static_cast<double>(deadline.budget().count()) / 1000.0);
}

int poll_timeout_ms(const Deadline& deadline) {
    const auto left = deadline.remaining().count();
    return left > 60'000 ? 60'000 : static_cast<int>(left);
}

// Waits until a non-blocking connect on `fd` finishes; 0 or the errno of the failure.
int finish_connect(int fd, const Deadline& deadline) {
    while (true) {
        if (deadline.expired()) return ETIMEDOUT;
        pollfd p{fd, POLLOUT, 0};
        const int ready = ::poll(&p, 1, poll_timeout_ms(deadline));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) return errno;
        if (ready == 0) continue;  // the loop re-checks the deadline
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
        return error;
    }
}

}  // namespace

TcpConnection::TcpConnection(const std::string& host, std::uint16_t port, const Deadline& deadline)
    : deadline_(deadline) {
    peer_ = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
            std::to_string(port);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
    if (rc != 0)
        throw TransportError("cannot resolve Zabbix server " + host + ": " + gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);

    std::string last_error = "no address";
    for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
        OwnedFd fd(
            ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
        if (!fd.valid()) {
            last_error = errno_text(errno);
            continue;
        }
        int error = 0;
        if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0)
            error = errno == EINPROGRESS ? finish_connect(fd.get(), deadline) : errno;
        if (error == 0) {
            fd_ = std::move(fd);
            return;
        }
        if (error == ETIMEDOUT && deadline.expired())
            throw TimeoutError("timed out after " + seconds_text(deadline) +
                               " s connecting to Zabbix server " + peer_);
        last_error = errno_text(error);
    }
    throw TransportError("cannot connect to Zabbix server " + peer_ + ": " + last_error);
}

void TcpConnection::wait_for(short events, const char* doing) {
    while (true) {
        if (deadline_.expired())
            throw TimeoutError("timed out after " + seconds_text(deadline_) + " s " + doing +
                               " Zabbix server " + peer_);
        pollfd p{fd_.get(), events, 0};
        const int ready = ::poll(&p, 1, poll_timeout_ms(deadline_));
        if (ready > 0) return;
        if (ready < 0 && errno != EINTR)
            throw TransportError(std::string("poll failed ") + doing + " " + peer_ + ": " +
                                 errno_text(errno));
    }
}

void TcpConnection::write_all(std::string_view data) {
    while (!data.empty()) {
        wait_for(POLLOUT, "sending to");
        const ssize_t sent = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            throw TransportError("cannot send to Zabbix server " + peer_ + ": " +
                                 errno_text(errno));
        }
        data.remove_prefix(static_cast<std::size_t>(sent));
    }
}

std::size_t TcpConnection::read_some(char* buffer, std::size_t size) {
    while (true) {
        wait_for(POLLIN, "waiting for the reply of");
        const ssize_t got = ::recv(fd_.get(), buffer, size, 0);
        if (got >= 0) return static_cast<std::size_t>(got);
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
        throw TransportError("cannot read the reply of Zabbix server " + peer_ + ": " +
                             errno_text(errno));
    }
}

}  // namespace kkt::zabbix
