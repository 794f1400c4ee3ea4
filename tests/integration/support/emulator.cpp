#include "integration/support/emulator.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "common/deadline.hpp"
#include "common/http.hpp"

namespace kkt::testing {
namespace {

// Reads the emulator's first line, waiting at most `limit`.
std::string read_first_line(int fd, std::chrono::milliseconds limit) {
    std::string line;
    const auto end = std::chrono::steady_clock::now() + limit;
    char c;
    while (std::chrono::steady_clock::now() < end) {
        pollfd p{fd, POLLIN, 0};
        int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        end - std::chrono::steady_clock::now())
                                        .count());
        if (poll(&p, 1, std::max(left, 1)) <= 0) continue;
        if (read(fd, &c, 1) != 1) break;
        if (c == '\n') return line;
        line += c;
    }
    throw std::runtime_error("emulator did not print its URL (got '" + line + "')");
}

}  // namespace

Emulator::Emulator(std::vector<std::string> args) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    std::vector<std::string> argv_strings{ATOL_KKT_EMULATOR_BIN, "--port", "0"};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, ATOL_KKT_EMULATOR_BIN, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        throw std::system_error(rc, std::generic_category(), "spawn emulator");
    }
    pid_ = pid;
    stdout_fd_ = fds[0];
    url_ = read_first_line(stdout_fd_, std::chrono::seconds(10));
}

Emulator::~Emulator() {
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
    }
    if (stdout_fd_ >= 0) close(stdout_fd_);
}

std::string Emulator::control_url() const {
    const auto api = url_.rfind("/api");
    return api == std::string::npos ? url_ : url_.substr(0, api);
}

std::string Emulator::control(const std::string& method, const std::string& path,
                              const std::string& body) const {
    CurlTransport http(HttpOptions{});
    HttpRequest request;
    request.method = method;
    request.url = control_url() + path;
    request.body = body;
    request.headers.push_back("Content-Type: application/json");
    HttpResponse response = http.perform(request, Deadline(std::chrono::seconds(10)));
    if (response.status != 200)
        throw std::runtime_error("emulator control " + path + " -> HTTP " +
                                 std::to_string(response.status) + ": " + response.body);
    return response.body;
}

boost::json::object Emulator::stats() const {
    return boost::json::parse(control("GET", "/_emulator/stats", "")).as_object();
}
void Emulator::reset_stats() const {
    control("POST", "/_emulator/reset-stats", "{}");
}
void Emulator::set_faults(const boost::json::object& faults) const {
    control("POST", "/_emulator/faults", boost::json::serialize(faults));
}
void Emulator::expire_tokens() const {
    control("POST", "/_emulator/expire-tokens", "{}");
}
void Emulator::set_fleet(const std::string& fleet_json) const {
    control("POST", "/_emulator/fleet", fleet_json);
}

Env atol_kkt_env(const Emulator& emulator, const TempDir& home, const Env& extra) {
    Env env{{"HOME", home.path()},
            {"ATOL_KKT_BASE_URL", emulator.url()},
            {"ATOL_KKT_CACHE_DIR", home.path() + "/cache"},
            {"LC_ALL", "C.UTF-8"}};
    for (const auto& [k, v] : extra) env[k] = v;
    return env;
}

boost::json::array dumped_fleet(int registers, int seed, const std::string& now) {
    auto r = run_program(ATOL_KKT_EMULATOR_BIN,
                         {"--dump-fleet", "--registers", std::to_string(registers), "--seed",
                          std::to_string(seed), "--now", now},
                         {});
    if (r.exit_code != 0) throw std::runtime_error("emulator --dump-fleet failed: " + r.err);
    return boost::json::parse(r.out).as_array();
}

RunResult atol_kkt(const Emulator& emulator, const TempDir& home,
                   const std::vector<std::string>& args, const Env& extra,
                   std::chrono::milliseconds limit) {
    return run_program(ATOL_KKT_BIN, args, atol_kkt_env(emulator, home, extra), limit);
}

RunResult check_atol_kkt(const Emulator& emulator, const TempDir& home,
                         const std::vector<std::string>& args, const Env& extra,
                         std::chrono::milliseconds limit) {
    const std::string link = home.path() + "/check_atol_kkt";
    if (!std::filesystem::exists(link)) std::filesystem::create_symlink(ATOL_KKT_BIN, link);
    return run_program(link, args, atol_kkt_env(emulator, home, extra), limit);
}

}  // namespace kkt::testing
