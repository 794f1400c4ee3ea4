// Limits: credentials over 100 characters are refused before anything is sent (the emulator
// counts no request), exactly 100 characters (also 100 Cyrillic letters, 200 bytes) pass; absurd
// option values are refused with a clear message, from the command line, the environment and
// the config file alike: `list` exits 2, the check says UNKNOWN (3) on stdout only.
#include <gtest/gtest.h>

#include <map>

#include "integration/support/emulator.hpp"
#include "integration/support/report.hpp"

namespace kkt::testing {
namespace {

std::string repeat(const std::string& unit, std::size_t times) {
    std::string text;
    for (std::size_t i = 0; i < times; ++i) text += unit;
    return text;
}

const std::string login_100_chars = repeat("l", 100);
const std::string password_100_chars = repeat("п", 100);  // 100 characters, 200 bytes of UTF-8

class Limits : public ::testing::Test {
  protected:
    Limits()
        : emulator({"--registers", "5", "--login", login_100_chars, "--password-file",
                    files.write("emulator-password", password_100_chars + "\n")}) {}

    // `list` and the check with `args` and `env`: both refused with `message`, nothing sent.
    void expect_refused(const std::string& what, const std::vector<std::string>& args,
                        const std::string& message, const Env& env = {}, bool report = true) {
        std::vector<std::string> list_args{"list"};
        list_args.insert(list_args.end(), args.begin(), args.end());
        const RunResult list = atol_kkt(emulator, home, list_args, env);
        EXPECT_EQ(list.exit_code, 2) << what;
        EXPECT_EQ(list.out, "") << what;
        EXPECT_EQ(list.err, "atol-kkt: " + message + "\n") << what;
        const RunResult check = check_atol_kkt(emulator, home, args, env);
        EXPECT_EQ(check.exit_code, 3) << what;
        EXPECT_EQ(check.out, "ATOL KKT UNKNOWN - " + message + "\n") << what;
        EXPECT_EQ(check.err, "") << what;
        EXPECT_EQ(emulator.stats().at("requests").as_int64(), 0) << what << ": a request was sent";
        if (report) {
            report_row({table_cell(what), "exit 2: " + table_cell(message),
                        "UNKNOWN (3): " + table_cell(message), "no request sent"});
        }
    }

    TempDir files;
    Emulator emulator;
    TempDir home;
};

TEST_F(Limits, LoginOver100CharactersIsRefusedBeforeSending) {
    expect_refused("login of 101 characters", {"-l", login_100_chars + "x"},
                   "the login is longer than 100 characters");
}

TEST_F(Limits, PasswordOver100CharactersIsRefusedBeforeSendingFromEverySource) {
    const std::string password = password_100_chars + "x";
    const std::string message = "the password is longer than 100 characters";
    expect_refused("password of 101 characters (`--password-file`)",
                   {"-l", login_100_chars, "--password-file", files.write("long", password + "\n")},
                   message);
    expect_refused("password of 101 characters (`ATOL_KKT_PASSWORD`)", {"-l", login_100_chars},
                   message, {{"ATOL_KKT_PASSWORD", password}});
    expect_refused(
        "password of 101 characters (config `password =`)",
        {"-l", login_100_chars, "--config", files.write("a.conf", "password = " + password)},
        message);
}

TEST_F(Limits, ExactlyOneHundredCharactersPass) {
    const RunResult list = atol_kkt(emulator, home, {"list", "--json", "-l", login_100_chars},
                                    {{"ATOL_KKT_PASSWORD", password_100_chars}});
    EXPECT_EQ(list.exit_code, 0) << list.err;
    EXPECT_EQ(emulator.stats().at("tokens_issued").as_int64(), 1);
}

struct AbsurdValue {
    std::string option;  // the long option
    std::string value;
    std::string message;
};

std::vector<AbsurdValue> absurd_values() {
    return {
        {"cache-ttl", "-1",
         "--cache-ttl must be between 0 and 604800 seconds (0 disables) (got -1)"},
        {"cache-ttl", "1000000000000",
         "--cache-ttl must be between 0 and 604800 seconds (0 disables) (got 1000000000000)"},
        {"timeout", "0", "--timeout must be more than 0 and at most 3600 seconds (got 0)"},
        {"timeout", "-5", "--timeout must be more than 0 and at most 3600 seconds (got -5)"},
        {"timeout", "0.0001",
         "--timeout must be more than 0 and at most 3600 seconds (got 0.0001)"},
        {"timeout", "1000000000",
         "--timeout must be more than 0 and at most 3600 seconds (got 1e+09)"},
        {"timeout", "nan", "--timeout must be more than 0 and at most 3600 seconds (got nan)"},
        {"max-pages", "1000000000", "--max-pages must be between 1 and 100000 (got 1000000000)"},
        {"max-pages", "0", "--max-pages must be between 1 and 100000 (got 0)"},
        {"page-size", "0", "--page-size must be between 1 and 100000 (got 0)"},
        {"page-size", "-3", "--page-size must be between 1 and 100000 (got -3)"},
    };
}

TEST_F(Limits, AbsurdOptionValuesAreRefusedOnTheCommandLine) {
    // --opt=VALUE: a bare "-1" would be read as an option of its own. One report row per option.
    std::map<std::string, std::pair<std::string, std::string>> rows;  // option: values, message
    for (const auto& v : absurd_values()) {
        expect_refused("`--" + v.option + "=" + v.value + "`", {"--" + v.option + "=" + v.value},
                       v.message, {}, false);
        auto& [values, message] = rows[v.option];
        values += (values.empty() ? "" : ", ") + v.value;
        if (message.empty()) message = v.message;
    }
    for (const auto& [option, row] : rows) {
        report_row({"`--" + option + "` = " + row.first,
                    "exit 2: " + table_cell(row.second) + " (each with its value)",
                    "UNKNOWN (3), the same message", HasFailure() ? "FAILED" : "no request sent"});
    }
}

// The same values from ATOL_KKT_* and from the config file: the same refusal.
TEST_F(Limits, AbsurdOptionValuesAreRefusedFromTheEnvironmentAndTheConfigFile) {
    for (const auto& v : absurd_values()) {
        std::string variable = "ATOL_KKT_";
        for (char c : v.option) variable += c == '-' ? '_' : static_cast<char>(std::toupper(c));
        expect_refused(variable + "=" + v.value, {}, v.message, {{variable, v.value}}, false);
        const std::string config = files.write("absurd.conf", v.option + " = " + v.value + "\n");
        expect_refused("config `" + v.option + " = " + v.value + "`", {"--config", config},
                       v.message, {}, false);
    }
    report_row({"the same " + std::to_string(absurd_values().size()) +
                    " values from `ATOL_KKT_*` and from the config file",
                "exit 2, the same messages", "UNKNOWN (3), the same messages",
                HasFailure() ? "FAILED" : "no request sent"});
}

TEST_F(Limits, NonNumbersAreRefusedNamingTheOption) {
    const RunResult list = atol_kkt(emulator, home, {"list", "--page-size", "lots"});
    EXPECT_EQ(list.exit_code, 2);
    EXPECT_NE(list.err.find("--page-size"), std::string::npos) << list.err;
    const RunResult check = check_atol_kkt(emulator, home, {"-t", "soon"});
    EXPECT_EQ(check.exit_code, 3);
    EXPECT_EQ(check.out.rfind("ATOL KKT UNKNOWN - ", 0), 0u) << check.out;
    EXPECT_NE(check.out.find("timeout"), std::string::npos) << check.out;
    EXPECT_EQ(check.err, "");
    EXPECT_EQ(emulator.stats().at("requests").as_int64(), 0);
}

}  // namespace
}  // namespace kkt::testing
