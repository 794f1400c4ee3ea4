// `atol-kkt list` as people and spreadsheets see it: the table in the order of --json, colours
// on a terminal only (NO_COLOR respected, never in --json/--csv), --csv with the values of
// --json.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <regex>

#include "integration/support/emulator.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* fixed_now = "2026-11-28T12:00:00Z";

// Runs atol-kkt with stdout and stderr on a pseudo-terminal, as a person at a shell would;
// returns what the terminal got (line ends as the program wrote them).
std::string run_on_terminal(const Emulator& emulator, const TempDir& home,
                            const std::vector<std::string>& args, const Env& extra) {
    Env env{{"HOME", home.path()},
            {"ATOL_KKT_BASE_URL", emulator.url()},
            {"ATOL_KKT_CACHE_DIR", home.path() + "/cache"},
            {"ATOL_KKT_NOW", fixed_now},
            {"LC_ALL", "C.UTF-8"},
            {"TERM", "xterm"},
            {"PATH", "/usr/local/bin:/usr/bin:/bin"}};
    for (const auto& [k, v] : extra) env[k] = v;
    std::vector<std::string> argv_strings{ATOL_KKT_BIN};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);

    struct winsize size {};
    size.ws_row = 50;
    size.ws_col = 250;
    int master = -1;
    const pid_t pid = forkpty(&master, nullptr, nullptr, &size);
    if (pid < 0) throw std::runtime_error("forkpty failed");
    if (pid == 0) {
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    char buf[65536];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
        const ssize_t n = ::read(master, buf, sizeof buf);
        if (n <= 0) break;  // EIO once the program has exited and the slave is closed
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(master);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
    // The terminal turns \n into \r\n.
    std::string text;
    for (char c : out)
        if (c != '\r') text += c;
    return text;
}

// RFC 4180 records: fields split on commas outside quotes, "" inside quotes a quote.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            record.push_back(std::move(field));
            field.clear();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            record.push_back(std::move(field));
            field.clear();
            records.push_back(std::move(record));
            record.clear();
            ++i;
        } else {
            EXPECT_NE(c, '\n') << "bare LF outside quotes at byte " << i;
            field += c;
        }
    }
    EXPECT_FALSE(quoted);
    EXPECT_TRUE(field.empty() && record.empty()) << "last record without CRLF";
    return records;
}

class ListView : public ::testing::Test {
  protected:
    Emulator emulator{{"--registers", "50", "--seed", "3", "--now", fixed_now}};
    TempDir home;
    Env env{{"ATOL_KKT_NOW", fixed_now}};

    json::array list_json() {
        auto r = atol_kkt(emulator, home, {"list", "--json"}, env);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return json::parse(r.out).as_array();
    }
};

TEST_F(ListView, CsvHasTheKeysAndValuesOfJsonInTheSameOrder) {
    const json::array listed = list_json();
    auto r = atol_kkt(emulator, home, {"list", "--csv"}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto records = parse_csv(r.out);
    ASSERT_EQ(records.size(), 51u);
    const std::vector<std::string>& header = records[0];
    std::vector<std::string> keys;
    for (const auto& e : listed.at(0).as_object()) keys.emplace_back(e.key());
    EXPECT_EQ(header, keys);

    int numbers = 0, nulls = 0;
    for (std::size_t i = 0; i < listed.size(); ++i) {
        const json::object& o = listed[i].as_object();
        const std::vector<std::string>& row = records[i + 1];
        ASSERT_EQ(row.size(), header.size());
        for (std::size_t c = 0; c < header.size(); ++c) {
            const json::value& v = o.at(header[c]);
            const std::string& cell = row[c];
            const std::string where = header[c] + " of " + row[0];
            if (v.is_null()) {
                EXPECT_EQ(cell, "") << where;
                ++nulls;
            } else if (v.is_string()) {
                EXPECT_EQ(cell, v.as_string()) << where;
            } else if (v.is_bool()) {
                EXPECT_EQ(cell, v.as_bool() ? "true" : "false") << where;
            } else if (v.is_number()) {
                // C locale, plain notation: digits, an optional sign and point only.
                EXPECT_EQ(cell.find_first_not_of("-0123456789."), std::string::npos) << where;
                EXPECT_DOUBLE_EQ(std::stod(cell), v.to_number<double>()) << where;
                ++numbers;
            } else if (v.is_array()) {
                std::string joined;
                for (const auto& e : v.as_array())
                    joined += (joined.empty() ? "" : "; ") + std::string(e.as_string());
                EXPECT_EQ(cell, joined) << where;
            }
        }
    }
    EXPECT_GT(numbers, 500);
    EXPECT_GT(nulls, 0);
    EXPECT_THAT(r.err, HasSubstr("test mode"));  // CSV has no room for it: stderr says it
}

TEST_F(ListView, TableRowsFollowTheJsonOrderWorstFirst) {
    const json::array listed = list_json();
    auto r = atol_kkt(emulator, home, {"list"}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::size_t position = r.out.find('\n');  // after the header
    ASSERT_THAT(r.out.substr(0, position), ::testing::StartsWith("STATE     SERIAL  "));
    for (const json::value& v : listed) {
        const std::string line_start = std::string(v.at("state").as_string());
        const std::size_t at = r.out.find(std::string(v.at("serial_number").as_string()), position);
        ASSERT_NE(at, std::string::npos) << v.at("serial_number");
        const std::size_t line = r.out.rfind('\n', at) + 1;
        EXPECT_EQ(r.out.substr(line, line_start.size()), line_start);
        position = at;
    }
    EXPECT_THAT(r.out, Not(HasSubstr("\033")));  // piped: no colour
}

TEST_F(ListView, ColoursOnATerminalUnlessNoColorAndNeverInJsonOrCsv) {
    const std::string coloured = run_on_terminal(emulator, home, {"list"}, {});
    EXPECT_THAT(coloured, HasSubstr("\033[1;31mCRITICAL\033[0m  "));
    EXPECT_THAT(coloured, HasSubstr("\033[32mOK\033[0m        "));

    const std::string plain = run_on_terminal(emulator, home, {"list"}, {{"NO_COLOR", "1"}});
    EXPECT_THAT(plain, Not(HasSubstr("\033")));
    EXPECT_THAT(plain, HasSubstr("\nCRITICAL  "));
    // Same table apart from the colour codes.
    std::string stripped = coloured;
    for (std::size_t at; (at = stripped.find('\033')) != std::string::npos;)
        stripped.erase(at, stripped.find('m', at) - at + 1);
    EXPECT_EQ(stripped, plain);

    // An empty NO_COLOR does not count (no-color.org); TERM=dumb gets none.
    EXPECT_THAT(run_on_terminal(emulator, home, {"list"}, {{"NO_COLOR", ""}}), HasSubstr("\033["));
    EXPECT_THAT(run_on_terminal(emulator, home, {"list"}, {{"TERM", "dumb"}}),
                Not(HasSubstr("\033")));
    EXPECT_THAT(run_on_terminal(emulator, home, {"list", "--json"}, {}), Not(HasSubstr("\033")));
    EXPECT_THAT(run_on_terminal(emulator, home, {"list", "--csv"}, {}), Not(HasSubstr("\033")));
}

TEST_F(ListView, JsonNumbersArePlainDecimalsAsPeopleWriteThem) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"list", "--json"}, std::vector<std::string>{"list", "--csv"}}) {
        auto r = atol_kkt(emulator, home, args, env);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_FALSE(std::regex_search(r.out, std::regex("[0-9][eE][-+]?[0-9]"))) << args[1];
        EXPECT_TRUE(std::regex_search(r.out, std::regex("[:,][0-9]+\\.[0-9]+[,}\r]"))) << args[1];
    }
}

TEST_F(ListView, JsonAndCsvTogetherIsAUsageError) {
    auto r = atol_kkt(emulator, home, {"list", "--json", "--csv"}, env);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.err, HasSubstr("--json and --csv exclude each other"));
}

}  // namespace
}  // namespace kkt::testing
