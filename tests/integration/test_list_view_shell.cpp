// The admin's shell around `atol-kkt`: bash completion (commands, options from each command's
// --help, metric names for -w/-c), the manual page naming every option, and where
// `cmake --install` puts them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "integration/support/process.hpp"

namespace kkt::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Words = std::set<std::string>;

const fs::path completion = source_dir() / "plugin/completion/atol-kkt.bash";
const fs::path man_page = source_dir() / "plugin/atol-kkt.1";

std::string read_file(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

Words lines_of(const std::string& text) {
    Words out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.insert(line);
    return out;
}

// What bash completion offers for the command line `words` (the last one being completed).
Words complete(const std::vector<std::string>& words, const Env& env = {}) {
    const std::string script =
        "source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMPREPLY=();"
        "_atol_kkt \"$1\" \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\";"
        "printf '%s\\n' \"${COMPREPLY[@]}\"";
    std::vector<std::string> args{"-c", script, "bash", completion.string()};
    args.insert(args.end(), words.begin(), words.end());
    RunResult r = run_program("/bin/bash", args, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    return lines_of(r.out);
}

// The long options a command's --help lists.
Words help_options(const std::vector<std::string>& command) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    RunResult r = run_program(ATOL_KKT_BIN, args, {});
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.err;  // check: 3 as Nagios wants
    Words out;
    static const std::regex option(R"(^  +(?:-[a-zA-Z] \[ )?(--[a-z][a-z-]*))");
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, option)) out.insert(m[1]);
    }
    EXPECT_GT(out.size(), 20u) << r.out;
    return out;
}

// The metrics the program accepts for -w, from its own error message.
Words valid_metrics() {
    RunResult r = run_program(ATOL_KKT_BIN, {"list", "-w", "bogus=1"}, {});
    EXPECT_EQ(r.exit_code, 2);
    const std::string marker = "valid metrics: ";
    const std::size_t at = r.err.find(marker);
    EXPECT_NE(at, std::string::npos) << r.err;
    std::string list = r.err.substr(at + marker.size());
    Words out;
    for (const auto& word : {std::regex("[a-z_]+")}) {
        for (auto it = std::sregex_iterator(list.begin(), list.end(), word);
             it != std::sregex_iterator(); ++it)
            out.insert(it->str());
    }
    return out;
}

const std::vector<std::vector<std::string>> commands = {{"check"},
                                                        {"list"},
                                                        {"get"},
                                                        {"prometheus"},
                                                        {"zabbix", "discovery"},
                                                        {"zabbix", "registers"},
                                                        {"zabbix", "get"},
                                                        {"zabbix", "send"}};

TEST(Completion, CommandsThenZabbixSubcommands) {
    EXPECT_EQ(complete({ATOL_KKT_BIN, ""}),
              (Words{"check", "get", "help", "list", "prometheus", "zabbix"}));
    EXPECT_EQ(complete({ATOL_KKT_BIN, "pr"}), Words{"prometheus"});
    EXPECT_EQ(complete({ATOL_KKT_BIN, "zabbix", ""}),
              (Words{"discovery", "get", "registers", "send"}));
    // An option's value is not taken for the command.
    EXPECT_EQ(complete({ATOL_KKT_BIN, "--profile", "shop", "zabbix", "s"}), Words{"send"});
}

TEST(Completion, OptionsAreThoseOfEachCommandsHelp) {
    for (const auto& command : commands) {
        std::vector<std::string> words{ATOL_KKT_BIN};
        words.insert(words.end(), command.begin(), command.end());
        words.push_back("--");
        EXPECT_EQ(complete(words), help_options(command)) << command.front();
    }
    const Words list = complete({ATOL_KKT_BIN, "list", "--c"});
    EXPECT_EQ(list, (Words{"--ca-file", "--cache-dir", "--cache-ttl", "--config", "--critical",
                           "--csv"}));
    EXPECT_EQ(complete({ATOL_KKT_BIN, "prometheus", "--o"}), Words{"--output"});
    EXPECT_EQ(complete({ATOL_KKT_BIN, "check", "--timeout-s"}), Words{"--timeout-state"});
}

// The long options whose --help line shows a value ("--profile NAME", "-w [ --warning ] arg").
Words help_options_with_values(const std::vector<std::string>& command) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    RunResult r = run_program(ATOL_KKT_BIN, args, {});
    Words out;
    static const std::regex option(R"(^  +(?:-[a-zA-Z] \[ )?(--[a-z][a-z-]*)(?: \])? (arg|[A-Z]))");
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, option)) out.insert(m[1]);
    }
    return out;
}

TEST(Completion, KnowsWhichOptionsTakeAValue) {
    Words with_values;
    for (const auto& command : commands)
        for (const std::string& option : help_options_with_values(command))
            with_values.insert(option);
    EXPECT_GT(with_values.size(), 20u);
    std::string script =
        "source \"$1\"; shift; for o; do _atol_kkt_takes_value \"$o\" && echo \"$o\"; done";
    std::vector<std::string> args{"-c", script, "bash", completion.string()};
    Words all;
    for (const auto& command : commands)
        for (const std::string& option : help_options(command)) all.insert(option);
    args.insert(args.end(), all.begin(), all.end());
    RunResult r = run_program("/bin/bash", args, {});
    EXPECT_EQ(lines_of(r.out), with_values);  // exactly: a switch must not swallow the command
}

TEST(Completion, ThresholdsCompleteEveryMetricName) {
    Words expected;
    for (const std::string& m : valid_metrics()) expected.insert(m + "=");
    ASSERT_EQ(expected.size(), 11u);
    EXPECT_EQ(complete({ATOL_KKT_BIN, "list", "-w", ""}), expected);
    EXPECT_EQ(complete({ATOL_KKT_BIN, "check", "--critical", "fn_"}),
              (Words{"fn_days_left=", "fn_usage="}));
    EXPECT_EQ(complete({ATOL_KKT_BIN, "check", "--timeout-state", "C"}), Words{"CRITICAL"});
}

TEST(Completion, ProfilesFromTheConfigDirectory) {
    TempDir dir;
    dir.write("shop.conf", "");
    dir.write("warehouse.conf", "");
    dir.write("notes.txt", "");
    EXPECT_EQ(
        complete({ATOL_KKT_BIN, "list", "--profile", ""}, {{"ATOL_KKT_CONFIG_DIR", dir.path()}}),
        (Words{"shop", "warehouse"}));
}

TEST(Completion, CheckAtolKktIsTheCheck) {
    TempDir dir;
    const fs::path link = fs::path(dir.path()) / "check_atol_kkt";
    fs::create_symlink(ATOL_KKT_BIN, link);
    EXPECT_EQ(complete({link.string(), "--"}), help_options({"check"}));
}

TEST(ManPage, NamesEveryCommandOptionAndMetric) {
    std::string text = read_file(man_page);
    ASSERT_FALSE(text.empty());
    text = std::regex_replace(text, std::regex(R"(\\-)"), "-");
    for (const auto& command : commands) {
        const std::string name = command.size() == 1 ? command[0] : command[0] + " " + command[1];
        EXPECT_THAT(text, HasSubstr(".B " + name)) << name;
        for (const std::string& option : help_options(command))
            EXPECT_THAT(text, HasSubstr(option)) << option << " of " << name;
    }
    for (const std::string& metric : valid_metrics()) EXPECT_THAT(text, HasSubstr(metric));
}

TEST(ManPage, FormatsWithoutWarnings) {
    ASSERT_TRUE(fs::exists("/usr/bin/groff"))
        << "groff is not installed (scripts/setup.sh --tests installs groff-base)";
    RunResult r = run_program("/usr/bin/groff", {"-man", "-t", "-ww", "-z", man_page.string()}, {});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.err, "");
}

TEST(Install, CompletionManPageAndRulesGoWhereTheSystemLooks) {
    const fs::path build = fs::path(ATOL_KKT_BIN).parent_path().parent_path();
    TempDir dest;
    RunResult r =
        run_program("/usr/bin/env", {"cmake", "--install", build.string(), "--prefix", "/usr"},
                    {{"DESTDIR", dest.path()}}, std::chrono::seconds(120));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const fs::path usr = fs::path(dest.path()) / "usr";
    const fs::path completions = usr / "share/bash-completion/completions";
    EXPECT_EQ(read_file(completions / "atol-kkt"), read_file(completion));
    EXPECT_TRUE(fs::is_symlink(completions / "check_atol_kkt"));
    EXPECT_EQ(fs::read_symlink(completions / "check_atol_kkt"), "atol-kkt");
    EXPECT_EQ(read_file(usr / "share/man/man1/atol-kkt.1"), read_file(man_page));
    EXPECT_EQ(read_file(usr / "share/man/man1/check_atol_kkt.1"), ".so man1/atol-kkt.1\n");
    EXPECT_EQ(read_file(usr / "share/atol-kkt/prometheus/atol-kkt.rules.yml"),
              read_file(source_dir() / "prometheus/atol-kkt.rules.yml"));
}

}  // namespace
}  // namespace kkt::testing
