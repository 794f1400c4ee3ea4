#pragma once
// A fake Zabbix trapper on 127.0.0.1 for the sender tests: it accepts connections one after
// another on a thread, reads one framed message from each (checking the header and the
// declared length against what arrives), records it, and answers what the test's `reply`
// function returns — raw bytes, so a test can answer garbage or nothing at all.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kkt::testing {

struct TrapperMessage {
    bool signature_ok = false;  // "ZBXD" and flags 0x01
    std::uint64_t declared_length = 0;
    bool reserved_zero = false;  // the 4 bytes after the length
    std::string payload;         // what followed the header, up to the declared length
    std::string raw;             // every byte received, header included
};

// What to answer a message: raw bytes, or nullopt to close without answering. `hold` keeps
// the connection open, answering nothing, until the client closes it.
struct TrapperAnswer {
    std::optional<std::string> bytes;
    bool hold = false;
};

// The framed reply Zabbix sends: "ZBXD\x01", the length (4 bytes LE) and 4 zero bytes.
inline std::string zabbix_frame(const std::string& payload) {
    std::string out = "ZBXD\x01";
    const auto n = static_cast<std::uint32_t>(payload.size());
    for (int i = 0; i < 4; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
    out.append(4, '\0');
    return out + payload;
}

inline std::string zabbix_success(int processed, int failed) {
    return zabbix_frame(R"({"response":"success","info":"processed: )" + std::to_string(processed) +
                        "; failed: " + std::to_string(failed) + "; total: " +
                        std::to_string(processed + failed) + R"(; seconds spent: 0.000055"})");
}

// Counts the values of a "sender data" payload without a JSON library: one "clock" each.
inline int count_values(const std::string& payload) {
    int n = 0;
    for (std::size_t at = payload.find("\"clock\":"); at != std::string::npos;
         at = payload.find("\"clock\":", at + 1))
        ++n;
    return n;
}

class FakeTrapper {
  public:
    using Reply = std::function<TrapperAnswer(const TrapperMessage&)>;

    explicit FakeTrapper(Reply reply) : reply_(std::move(reply)) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (listen_fd_ < 0 ||
            ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(listen_fd_, 16) != 0 ||
            ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            throw std::runtime_error("fake trapper: cannot listen on 127.0.0.1");
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeTrapper() {
        ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
        thread_.join();
        ::close(listen_fd_);
    }
    FakeTrapper(const FakeTrapper&) = delete;
    FakeTrapper& operator=(const FakeTrapper&) = delete;

    std::uint16_t port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    std::vector<TrapperMessage> messages() const {
        std::lock_guard lock(mutex_);
        return messages_;
    }

  private:
    static bool read_exact(int fd, std::string& into, std::size_t n) {
        while (n > 0) {
            char buffer[65536];
            const ssize_t got = ::recv(fd, buffer, std::min(n, sizeof buffer), 0);
            if (got <= 0) return false;
            into.append(buffer, static_cast<std::size_t>(got));
            n -= static_cast<std::size_t>(got);
        }
        return true;
    }

    void serve() {
        while (true) {
            const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) return;  // shut down
            TrapperMessage message;
            if (read_exact(fd, message.raw, 13)) {
                message.signature_ok = message.raw.compare(0, 5, "ZBXD\x01") == 0;
                for (std::size_t i = 4; i-- > 0;)
                    message.declared_length = (message.declared_length << 8) |
                                              static_cast<unsigned char>(message.raw[5 + i]);
                message.reserved_zero = message.raw.compare(9, 4, std::string(4, '\0')) == 0;
                if (message.declared_length < (64u << 20))
                    read_exact(fd, message.raw, message.declared_length);
                message.payload = message.raw.substr(13);
            }
            const TrapperAnswer answer = reply_(message);
            {
                std::lock_guard lock(mutex_);
                messages_.push_back(message);
            }
            if (answer.bytes) {
                const std::string& bytes = *answer.bytes;
                std::size_t sent = 0;
                while (sent < bytes.size()) {
                    const ssize_t n =
                        ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
                    if (n <= 0) break;
                    sent += static_cast<std::size_t>(n);
                }
            }
            if (answer.hold) {
                char c;
                while (::recv(fd, &c, 1, 0) > 0) {
                }
            }
            ::close(fd);
        }
    }

    Reply reply_;
    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<TrapperMessage> messages_;
};

}  // namespace kkt::testing
