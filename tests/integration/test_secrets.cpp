// Secrets: every command, with -vvv and the password from each of its three sources, never
// shows the password or an issued token on stdout or stderr, never in any cache file but the
// 0600 token file (which never holds the password), never in the argv of the process; and the
// program starts no other process (so no argv of a child can hold one either).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "integration/support/cache_check.hpp"
#include "integration/support/emulator.hpp"
#include "integration/support/report.hpp"
#include "integration/support/spawner.hpp"

namespace kkt::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* secrets_login = "kkt-secrets-login";
constexpr const char* register0_serial = "00106710186412";  // register 0 of every generated fleet
constexpr const char* strace_path = "/usr/bin/strace";

std::string random_secret(const char* prefix) {
    std::random_device random;
    std::string text = prefix;
    for (int i = 0; i < 24; ++i) text += "0123456789abcdefghijklmnopqrstuvwxyz"[random() % 36];
    return text;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every command a user can run, as arguments after the program name; `as_check`: started
// under the plugin name check_atol_kkt.
struct Command {
    std::string label;
    std::vector<std::string> args;
    bool as_check = false;
    int exit_code = 0;  // what a run must end with (-1: a Nagios state, 0 to 3)
};

std::vector<Command> every_command() {
    return {
        {"list", {"list"}},
        {"list --json", {"list", "--json"}},
        {"get", {"get", register0_serial}},
        {"check_atol_kkt", {}, true, -1},
        {"atol-kkt check", {"check"}, false, -1},
        {"zabbix discovery", {"zabbix", "discovery"}},
        {"zabbix registers", {"zabbix", "registers"}},
        {"zabbix get", {"zabbix", "get", register0_serial, "fn_days_left"}},
        {"prometheus", {"prometheus"}},
        // Nothing listens there: the error path, with the credentials loaded.
        {"zabbix send",
         {"zabbix", "send", "--zabbix-server", "127.0.0.1:1", "--host", "h"},
         false,
         1},
    };
}

// One way of giving the password: extra arguments and environment.
struct Source {
    std::string label;
    std::vector<std::string> args;
    Env env;
};

class Secrets : public ::testing::Test {
  protected:
    Secrets()
        : password(random_secret("Pw-")),
          emulator({"--registers", "5", "--login", secrets_login, "--password-file",
                    files.write("emulator-password", password + "\n")}) {}

    std::vector<Source> sources() const {
        return {
            {"--password-file", {"--password-file", files.write("password", password + "\n")}, {}},
            {"ATOL_KKT_PASSWORD", {}, {{"ATOL_KKT_PASSWORD", password}}},
            {"config password =",
             {"--config", files.write("atol.conf", "password = " + password + "\n")},
             {}},
        };
    }

    RunResult run(const Command& command, const Source& source,
                  std::vector<std::string> extra = {"-vvv"}) {
        std::vector<std::string> args = command.args;
        args.insert(args.end(), {"-l", secrets_login});
        args.insert(args.end(), source.args.begin(), source.args.end());
        args.insert(args.end(), extra.begin(), extra.end());
        return command.as_check ? check_atol_kkt(emulator, home, args, source.env)
                                : atol_kkt(emulator, home, args, source.env);
    }

    std::string cache() const { return home.path() + "/cache"; }

    // No secret in `text`; `where` names it in the failure.
    void expect_clean(const std::string& text, const std::string& where) {
        EXPECT_EQ(text.find(password), std::string::npos) << "the password in " << where;
        for (const auto& token : tokens)
            EXPECT_EQ(text.find(token), std::string::npos) << "a token in " << where;
    }

    TempDir files;
    std::string password;
    Emulator emulator;
    TempDir home;
    std::set<std::string> tokens;  // every token the runs were issued
};

TEST_F(Secrets, NeverInOutputOrCacheFilesForAnyCommandOrPasswordSource) {
    std::size_t runs = 0;
    for (const Source& source : sources()) {
        for (const Command& command : every_command()) {
            // A fresh token each run, no list cache: every run authenticates, sending the
            // password, and fetches with the token.
            emulator.expire_tokens();
            const RunResult r = run(command, source, {"-vvv", "--cache-ttl", "0"});
            ++runs;
            const std::string token = cached_token(cache());
            if (!token.empty()) tokens.insert(token);
            const std::string where = command.label + " (" + source.label + ")";
            // The command must really have run: a refusal would prove nothing.
            if (command.exit_code >= 0) {
                EXPECT_EQ(r.exit_code, command.exit_code) << where << ": " << r.err << r.out;
            } else {
                EXPECT_TRUE(r.exit_code >= 0 && r.exit_code <= 3) << where;
                EXPECT_EQ(r.out.rfind("ATOL KKT ", 0), 0u) << where << ": " << r.out;
            }
            expect_clean(r.out, where + " stdout");
            expect_clean(r.err, where + " stderr");
            EXPECT_FALSE(r.timed_out) << where;
        }
    }
    // Every token issued was seen in the cache, so the outputs were checked against all of them.
    EXPECT_EQ(static_cast<std::int64_t>(tokens.size()),
              emulator.stats().at("tokens_issued").as_int64());
    EXPECT_EQ(tokens.size(), runs);

    // Outputs can only be checked against tokens known by then: check them all again now.
    for (const Source& source : sources()) {
        for (const Command& command : every_command()) {
            const RunResult r = run(command, source);
            expect_clean(r.out + r.err, command.label + " (" + source.label + "), cached token");
        }
    }

    std::size_t token_files = 0;
    for (const auto& entry : fs::directory_iterator(cache())) {
        const std::string name = entry.path().filename().string();
        const std::string content = read_file(entry.path());
        EXPECT_EQ(content.find(password), std::string::npos) << "the password in " << name;
        if (name.rfind("token-", 0) == 0) {
            ++token_files;
            struct stat st {};
            ASSERT_EQ(stat(entry.path().c_str(), &st), 0);
            EXPECT_EQ(st.st_mode & 0777, 0600u) << name;
            EXPECT_NE(content.find(cached_token(cache())), std::string::npos);
            continue;
        }
        for (const auto& token : tokens)
            EXPECT_EQ(content.find(token), std::string::npos) << "a token in " << name;
    }
    EXPECT_EQ(token_files, 1u);
    report_row({"secrets: " + std::to_string(every_command().size()) +
                    " commands × 3 password sources, `-vvv`, each authenticating",
                "password and " + std::to_string(tokens.size()) +
                    " issued tokens absent from stdout and stderr",
                "absent from every cache file but the 0600 token file (which has no password)",
                HasFailure() ? "FAILED" : "passed"});
}

// /proc/PID/cmdline of the live process: slow answers keep it alive while it is read.
TEST_F(Secrets, NeverInTheProcessArgv) {
    emulator.set_faults({{"latency_ms", 400}});
    std::vector<Launch> launches;
    for (const Source& source : sources()) {
        std::vector<std::string> args{"list", "-l", secrets_login, "-vvv", "--cache-ttl", "0"};
        args.insert(args.end(), source.args.begin(), source.args.end());
        Env env{{"HOME", home.path()},
                {"ATOL_KKT_BASE_URL", emulator.url()},
                {"ATOL_KKT_CACHE_DIR", cache()}};
        for (const auto& [k, v] : source.env) env[k] = v;
        launches.push_back({ATOL_KKT_BIN, args, env, std::nullopt});
    }
    std::vector<std::string> cmdlines;
    const auto results = run_concurrently(
        launches, 1, 20s, [&](std::size_t, int pid) { cmdlines.push_back(proc_cmdline(pid)); });
    ASSERT_EQ(cmdlines.size(), launches.size());
    for (std::size_t i = 0; i < cmdlines.size(); ++i) {
        EXPECT_NE(cmdlines[i].find(ATOL_KKT_BIN), std::string::npos)
            << "not read while alive: [" << cmdlines[i] << "]";
        expect_clean(cmdlines[i], "/proc/PID/cmdline");
        EXPECT_EQ(results[i].run.exit_code, 0) << results[i].run.err;
    }
}

// The program starts no process: strace sees exactly one execve, its own.
TEST_F(Secrets, TheProgramStartsNoProcess) {
    ASSERT_EQ(access(strace_path, X_OK), 0)
        << strace_path << " is not installed (scripts/setup.sh --tests installs strace)";
    const Source source = sources().front();
    for (const Command& command : every_command()) {
        emulator.expire_tokens();
        const std::string trace = files.path() + "/strace.txt";
        std::vector<std::string> args{"-f", "-qq", "-e", "trace=execve,execveat",
                                      "-o", trace, "--"};
        if (command.as_check) {
            args.push_back(home.path() + "/check_atol_kkt");
            if (!fs::exists(args.back())) fs::create_symlink(ATOL_KKT_BIN, args.back());
        } else {
            args.push_back(ATOL_KKT_BIN);
        }
        args.insert(args.end(), command.args.begin(), command.args.end());
        args.insert(args.end(), {"-l", secrets_login, "-vvv"});
        args.insert(args.end(), source.args.begin(), source.args.end());
        const RunResult r = run_program(strace_path, args,
                                        {{"HOME", home.path()},
                                         {"ATOL_KKT_BASE_URL", emulator.url()},
                                         {"ATOL_KKT_CACHE_DIR", cache()}});
        EXPECT_FALSE(r.timed_out) << command.label;
        const std::string text = read_file(trace);
        std::size_t execs = 0;
        for (std::size_t at = text.find("execve"); at != std::string::npos;
             at = text.find("execve", at + 1))
            ++execs;
        EXPECT_EQ(execs, 1u) << command.label << ":\n" << text;
        expect_clean(text, command.label + " execve");
    }
    report_row({"processes started",
                "strace -f: one execve per run (its own) for each of the " +
                    std::to_string(every_command().size()) + " commands",
                "no child, so no child argv; the password never in its own argv",
                HasFailure() ? "FAILED" : "passed"});
}

// Wrong input that carries a secret is refused without echoing it.
TEST_F(Secrets, RefusalsNeverEchoTheSecret) {
    const Source source = sources().front();
    const std::vector<std::pair<std::string, std::vector<std::string>>> refusals{
        {"--password on the command line", {"list", "--password=" + password}},
        {"--password SECRET", {"list", "--password", password}},
        {"an unknown --pass option", {"list", "--pass", password}},
        {"a config line without '='",
         {"list", "--config", files.write("bad.conf", "password" + password + "\n")}},
        {"an unknown config key",
         {"list", "--config", files.write("bad2.conf", "passwd = " + password + "\n")}},
        {"a password file readable by others",
         {"list", "--password-file", files.write("open-password", password + "\n", 0644)}},
    };
    for (const auto& [label, args] : refusals) {
        const RunResult r = atol_kkt(emulator, home, args);
        EXPECT_EQ(r.exit_code, 2) << label << ": " << r.err;
        EXPECT_EQ(r.out, "") << label;
        EXPECT_FALSE(r.err.empty()) << label;
        expect_clean(r.err, label);
    }
    // Wrong credentials: the server's refusal, not our password.
    emulator.expire_tokens();
    const RunResult wrong = atol_kkt(emulator, home, {"list", "-l", secrets_login, "-vvv"},
                                     {{"ATOL_KKT_PASSWORD", password + "-wrong"}});
    EXPECT_EQ(wrong.exit_code, 1);
    EXPECT_NE(wrong.err.find("ATOL error 12"), std::string::npos) << wrong.err;
    expect_clean(wrong.err, "wrong password error");
    EXPECT_EQ(emulator.stats().at("auth").as_int64(), 1);  // only the wrong-password run
}

}  // namespace
}  // namespace kkt::testing
