#include "integration/support/forward_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace kkt::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* tinyproxy = "/usr/bin/tinyproxy";

// A socket bound to 127.0.0.1 and a port the kernel picked; returns the descriptor.
int bind_loopback(int& port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        const int error = errno;
        close(fd);
        throw std::system_error(error, std::generic_category(), "bind 127.0.0.1:0");
    }
    port = ntohs(address.sin_port);
    return fd;
}

bool accepts_connections(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    const bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    close(fd);
    return connected;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

ForwardProxy::ForwardProxy(ForwardProxyRules rules) {
    if (access(tinyproxy, X_OK) != 0) {
        throw std::runtime_error(std::string(tinyproxy) +
                                 " is not installed (scripts/setup.sh --tests installs "
                                 "tinyproxy-bin)");
    }
    // The port is free when picked but not reserved: another process may take it before
    // tinyproxy binds it, so a failed start is retried on another port.
    for (int attempt = 0; attempt < 5; ++attempt) {
        int port = 0;
        close(bind_loopback(port));
        if (start(rules, port)) return;
    }
    throw std::runtime_error("tinyproxy did not start: " + log());
}

bool ForwardProxy::start(const ForwardProxyRules& rules, int port) {
    std::string config = "Port " + std::to_string(port) +
                         "\n"
                         "Listen 127.0.0.1\n"
                         "Timeout 30\n"
                         "MaxClients 50\n"
                         "LogLevel Connect\n";  // one line per connection and per request
    config += rules.admit_loopback ? "Allow 127.0.0.1\n" : "Allow 192.0.2.1\n";
    for (const int connect_port : rules.connect_ports)
        config += "ConnectPort " + std::to_string(connect_port) + "\n";
    const std::string config_file = dir_.write("tinyproxy.conf", config);
    const std::string log_file = dir_.path() + "/tinyproxy.log";

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log_file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::string program = tinyproxy, foreground = "-d", config_option = "-c";
    std::string config_path = config_file;
    char* argv[] = {program.data(), foreground.data(), config_option.data(), config_path.data(),
                    nullptr};
    char path_variable[] = "PATH=/usr/bin:/bin";
    char* envp[] = {path_variable, nullptr};
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, tinyproxy, &actions, nullptr, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::system_error(rc, std::generic_category(), "posix_spawn tinyproxy");

    const auto end = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < end) {
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid) return false;  // it exited: port taken?
        if (accepts_connections(port)) {
            pid_ = pid;
            url_ = "http://127.0.0.1:" + std::to_string(port);
            return true;
        }
        std::this_thread::sleep_for(20ms);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return false;
}

ForwardProxy::~ForwardProxy() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    const auto end = std::chrono::steady_clock::now() + 5s;
    while (waitpid(pid_, nullptr, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() >= end) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
            break;
        }
        std::this_thread::sleep_for(20ms);
    }
}

std::string ForwardProxy::log() const {
    return read_file(dir_.path() + "/tinyproxy.log");
}

std::vector<std::string> ForwardProxy::requests() const {
    // "CONNECT   Nov 30 10:31:36.671 [10686]: Request (file descriptor 4): GET http://..."
    static const std::string marker = "]: Request (file descriptor ";
    std::vector<std::string> lines;
    std::istringstream in(log());
    for (std::string line; std::getline(in, line);) {
        const auto at = line.find(marker);
        if (at == std::string::npos) continue;
        const auto colon = line.find("): ", at + marker.size());
        if (colon != std::string::npos) lines.push_back(line.substr(colon + 3));
    }
    return lines;
}

ClosedPort::ClosedPort() {
    fd_ = bind_loopback(port_);
}
ClosedPort::~ClosedPort() {
    close(fd_);
}

}  // namespace kkt::testing
