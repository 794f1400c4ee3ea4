// The admin's shell around `atol-kkt`: bash completion (commands, options from each command's
// --help, metric names for -w/-c), the manual page naming every option, and where
// `cmake --install` puts them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "common/config.hpp"
#include "common/format.hpp"
#include "common/metrics.hpp"
#include "common/state.hpp"
#include "integration/support/command_list.hpp"
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
    // Names may have dots (the exporter's --web.listen-address).
    static const std::regex option(R"(^  +(?:-[a-zA-Z] \[ )?(--[a-z][a-z.-]*[a-z]))");
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

// The words of every command `atol-kkt --help` lists: {"check"}, ..., {"zabbix", "send"}.
const std::vector<std::vector<std::string>>& commands() {
    static const std::vector<std::vector<std::string>> words = [] {
        std::vector<std::vector<std::string>> all;
        for (const ListedCommand& c : listed_commands()) all.push_back(c.words);
        return all;
    }();
    return words;
}

TEST(Completion, CommandsThenZabbixSubcommands) {
    EXPECT_EQ(complete({ATOL_KKT_BIN, ""}),
              (Words{"check", "exporter", "get", "help", "list", "prometheus", "zabbix"}));
    EXPECT_EQ(complete({ATOL_KKT_BIN, "pr"}), Words{"prometheus"});
    EXPECT_EQ(complete({ATOL_KKT_BIN, "zabbix", ""}),
              (Words{"discovery", "get", "registers", "send"}));
    // An option's value is not taken for the command.
    EXPECT_EQ(complete({ATOL_KKT_BIN, "--profile", "shop", "zabbix", "s"}), Words{"send"});
}

TEST(Completion, OffersExactlyTheCommandsOfHelp) {
    Words first_words{"help"};
    std::map<std::string, Words> subcommands;
    for (const ListedCommand& c : listed_commands()) {
        first_words.insert(c.words.front());
        if (c.words.size() == 2) subcommands[c.words[0]].insert(c.words[1]);
    }
    EXPECT_EQ(complete({ATOL_KKT_BIN, ""}), first_words);
    ASSERT_FALSE(subcommands.empty());
    for (const auto& [group, members] : subcommands)
        EXPECT_EQ(complete({ATOL_KKT_BIN, group, ""}), members) << group;
}

TEST(Completion, OptionsAreThoseOfEachCommandsHelp) {
    for (const auto& command : commands()) {
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
    EXPECT_EQ(complete({ATOL_KKT_BIN, "exporter", "--web.l"}), Words{"--web.listen-address"});
    // Its value is not taken for the command.
    EXPECT_EQ(complete({ATOL_KKT_BIN, "exporter", "--web.listen-address", ":9632", "--web.t"}),
              Words{"--web.telemetry-path"});
}

// The long options whose --help line shows a value ("--profile NAME", "-w [ --warning ] arg").
Words help_options_with_values(const std::vector<std::string>& command) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    RunResult r = run_program(ATOL_KKT_BIN, args, {});
    Words out;
    static const std::regex option(
        R"(^  +(?:-[a-zA-Z] \[ )?(--[a-z][a-z.-]*[a-z])(?: \])? (arg|[A-Z\[]))");
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, option)) out.insert(m[1]);
    }
    return out;
}

TEST(Completion, KnowsWhichOptionsTakeAValue) {
    Words with_values;
    for (const auto& command : commands())
        for (const std::string& option : help_options_with_values(command))
            with_values.insert(option);
    EXPECT_GT(with_values.size(), 20u);
    std::string script =
        "source \"$1\"; shift; for o; do _atol_kkt_takes_value \"$o\" && echo \"$o\"; done";
    std::vector<std::string> args{"-c", script, "bash", completion.string()};
    Words all;
    for (const auto& command : commands())
        for (const std::string& option : help_options(command)) all.insert(option);
    args.insert(args.end(), all.begin(), all.end());
    RunResult r = run_program("/bin/bash", args, {});
    EXPECT_EQ(lines_of(r.out), with_values);  // exactly: a switch must not swallow the command
}

TEST(Completion, ThresholdsCompleteEveryMetricName) {
    Words expected;
    for (const std::string& m : valid_metrics()) expected.insert(m + "=");
    ASSERT_EQ(expected.size(), 14u);
    EXPECT_EQ(complete({ATOL_KKT_BIN, "list", "-w", ""}), expected);
    EXPECT_EQ(complete({ATOL_KKT_BIN, "check", "--critical", "fn_"}),
              (Words{"fn_days_left=", "fn_usage=", "fn_full_days_left=", "fn_replace_days_left="}));
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
    for (const auto& command : commands()) {
        const std::string name = command.size() == 1 ? command[0] : command[0] + " " + command[1];
        EXPECT_THAT(text, HasSubstr(".B " + name)) << name;
        for (const std::string& option : help_options(command))
            EXPECT_THAT(text, HasSubstr(option)) << option << " of " << name;
    }
    for (const std::string& metric : valid_metrics()) EXPECT_THAT(text, HasSubstr(metric));
}

// The default a command's --help shows for `option` ("--answer-within SECONDS (=2)" -> "2").
std::string help_default(const std::vector<std::string>& command, const std::string& option) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    const RunResult help = run_program(ATOL_KKT_BIN, args, {});
    std::smatch m;
    const std::regex shown(option + R"( [A-Z]+ \(=([^)]+)\))");
    EXPECT_TRUE(std::regex_search(help.out, m, shown)) << help.out;
    return m.empty() ? std::string() : m[1].str();
}

// The man page with "\-" as "-".
std::string man_text() {
    std::string text = read_file(man_page);
    text = std::regex_replace(text, std::regex(R"(\\-)"), "-");
    return text;
}

// The lines of section `name` (".SH NAME" up to the next ".SH").
std::vector<std::string> man_section(const std::string& name) {
    std::istringstream in(man_text());
    std::vector<std::string> lines;
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(".SH ", 0) == 0)
            inside = line == ".SH " + name;
        else if (inside)
            lines.push_back(line);
    }
    return lines;
}

// ".BR check \", \" check_atol_kkt" -> "check check_atol_kkt"; ".B get \fISERIAL\fP" -> "get
// SERIAL".
std::string macro_words(const std::string& line) {
    std::string text = std::regex_replace(line, std::regex(R"(^\.[A-Z]+ |\\f[BIPR]|[",])"), "");
    text = std::regex_replace(text, std::regex(" +"), " ");
    return std::regex_replace(text, std::regex("^ | $"), "");
}

TEST(ManPage, CommandsSectionListsExactlyTheCommandsOfHelp) {
    std::vector<std::string> expected;
    for (const ListedCommand& c : listed_commands())
        expected.push_back(c.name() + (c.arguments.empty() ? "" : " " + c.arguments) +
                           (c.installed_as.empty() ? "" : " " + c.installed_as));
    std::vector<std::string> listed;
    const std::vector<std::string> lines = man_section("COMMANDS");
    for (std::size_t i = 0; i + 1 < lines.size(); ++i)
        if (lines[i] == ".TP") listed.push_back(macro_words(lines[i + 1]));
    EXPECT_EQ(listed, expected);
}

TEST(ManPage, SynopsisHasEveryCommandOfHelpWithItsArguments) {
    const std::vector<std::string> lines = man_section("SYNOPSIS");
    Words expected, shown;
    for (const ListedCommand& c : listed_commands()) {
        expected.insert("atol-kkt " + c.name() + (c.arguments.empty() ? "" : " " + c.arguments));
        if (!c.installed_as.empty()) expected.insert(c.installed_as);
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].rfind(".B ", 0) != 0) continue;
        std::string entry = macro_words(lines[i]);
        if (entry.front() == '-') continue;  // an option of the line before
        if (i + 1 < lines.size() && lines[i + 1].rfind(".I ", 0) == 0)
            entry += " " + macro_words(lines[i + 1]);
        shown.insert(entry);
    }
    EXPECT_EQ(shown, expected);
}

TEST(ManPage, DefaultsAreThoseOfTheCode) {
    const std::string text = std::regex_replace(man_text(), std::regex(R"(\s+)"), " ");
    const Thresholds defaults = Thresholds::defaults();
    const auto shown = [](const std::optional<Range>& r) { return r ? r->text : "none"; };
    for (const MetricInfo& info : all_metrics()) {
        const MetricThresholds& t = defaults.of(info.id);
        if (!t.warning && !t.critical) continue;
        EXPECT_THAT(text, HasSubstr(std::string(info.name) + " " + shown(t.warning) + " / " +
                                    shown(t.critical)));
    }
    const Config config;
    const std::vector<std::pair<std::string, std::string>> options{
        {"--timeout", format_number(std::chrono::duration<double>(config.timeout).count())},
        {"--cache-ttl", std::to_string(config.cache_ttl.count())},
        {"--page-size", std::to_string(config.page_size)},
        {"--max-pages", std::to_string(config.max_pages)},
        {"--answer-within", help_default({"zabbix", "registers"}, "--answer-within")}};
    for (const auto& [option, value] : options) {
        const auto heading = text.find(option + " \"");  // .BI --cache-ttl " SECONDS"
        ASSERT_NE(heading, std::string::npos) << option;
        const auto paragraph_end = text.find(".TP", heading);
        const std::string paragraph = text.substr(heading, paragraph_end - heading);
        EXPECT_THAT(paragraph, HasSubstr("(default " + value + ")")) << option;
    }
}

TEST(ManPage, CheckAtolKktPageIsTheSamePage) {
    EXPECT_EQ(read_file(source_dir() / "plugin/check_atol_kkt.1"), ".so man1/atol-kkt.1\n");
    EXPECT_THAT(man_section("NAME").front(), HasSubstr("atol-kkt, check_atol_kkt "));
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
    // The page as configured into the build tree (its .TH line carries the version).
    EXPECT_EQ(read_file(usr / "share/man/man1/atol-kkt.1"), read_file(build / "plugin/atol-kkt.1"));
    EXPECT_EQ(read_file(usr / "share/man/man1/check_atol_kkt.1"), ".so man1/atol-kkt.1\n");
    EXPECT_EQ(read_file(usr / "share/atol-kkt/prometheus/atol-kkt.rules.yml"),
              read_file(source_dir() / "prometheus/atol-kkt.rules.yml"));
}

}  // namespace
}  // namespace kkt::testing
