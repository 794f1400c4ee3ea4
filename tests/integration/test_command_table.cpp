// The command table (plugin/command_table.cpp) seen from outside: `atol-kkt --help` lists the
// commands, each answers --help; unknown commands and subcommands are usage errors (exit 2);
// the help shows the defaults the code uses (Thresholds::defaults(), Config).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
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

using ::testing::HasSubstr;
using ::testing::StartsWith;

RunResult atol_kkt(const std::vector<std::string>& args) {
    return run_program(ATOL_KKT_BIN, args, {});
}

std::vector<std::string> with(std::vector<std::string> words, const std::string& last) {
    words.push_back(last);
    return words;
}

// `text` with every run of white space one space: Program_options wraps long help lines.
std::string one_line(const std::string& text) {
    return std::regex_replace(text, std::regex(R"(\s+)"), " ");
}

// The METRIC=RANGE words after "<level> threshold, ... Defaults:" in a help text.
std::set<std::string> defaults_shown(const std::string& help, const std::string& level) {
    const std::string text = one_line(help);
    const std::string marker =
        level + " threshold, repeatable; METRIC= removes the default. Defaults: ";
    const auto at = text.find(marker);
    EXPECT_NE(at, std::string::npos) << help;
    std::set<std::string> words;
    if (at == std::string::npos) return words;
    std::istringstream rest(text.substr(at + marker.size()));
    static const std::regex assignment(R"([a-z_]+=\S+)");
    for (std::string word; rest >> word && std::regex_match(word, assignment);) words.insert(word);
    return words;
}

std::set<std::string> code_defaults(std::optional<Range> MetricThresholds::*level) {
    std::set<std::string> words;
    const Thresholds defaults = Thresholds::defaults();
    for (const MetricInfo& info : all_metrics())
        if (const auto& range = defaults.of(info.id).*level)
            words.insert(std::string(info.name) + "=" + range->text);
    return words;
}

TEST(ProgramHelp, HelpDashHAndTheWordHelpShowTheSameOnStdout) {
    const RunResult help = atol_kkt({"--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_EQ(help.err, "");
    EXPECT_THAT(help.out, StartsWith("Usage: atol-kkt COMMAND [OPTIONS]\n"));
    for (const char* same : {"-h", "help"}) {
        const RunResult r = atol_kkt({same});
        EXPECT_EQ(r.exit_code, 0) << same;
        EXPECT_EQ(r.out, help.out) << same;
    }
    const std::vector<ListedCommand> commands = listed_commands();
    EXPECT_EQ(commands.size(), 9u);  // check, list, get, zabbix discovery|registers|get|send,
                                     // prometheus, exporter: a new one must reach the man page
                                     // too
}

TEST(ProgramHelp, NoCommandOrAnUnknownOneIsAUsageErrorOnStderr) {
    const std::string help = atol_kkt({"--help"}).out;
    const RunResult none = atol_kkt({});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_EQ(none.out, "");
    EXPECT_EQ(none.err, help);
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"bogus"}, {"bogus", "--help"}, {"--bogus"}}) {
        const RunResult r = atol_kkt(args);
        EXPECT_EQ(r.exit_code, 2) << args.front();
        EXPECT_EQ(r.out, "") << args.front();
        EXPECT_EQ(r.err, "atol-kkt: unknown command '" + args.front() + "'\n\n" + help);
    }
}

TEST(ProgramHelp, VersionOnStdout) {
    for (const char* flag : {"--version", "-V"}) {
        const RunResult r = atol_kkt({flag});
        EXPECT_EQ(r.exit_code, 0);
        EXPECT_THAT(r.out, ::testing::MatchesRegex("atol-kkt [0-9]+\\.[0-9]+\\.[0-9]+\n"));
    }
}

TEST(GroupHelp, ZabbixListsItsSubcommandsAndRefusesUnknownOnes) {
    std::vector<ListedCommand> members;
    for (const ListedCommand& c : listed_commands())
        if (c.words.size() == 2 && c.words[0] == "zabbix") members.push_back(c);
    ASSERT_EQ(members.size(), 4u);

    const RunResult help = atol_kkt({"zabbix", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_EQ(help.err, "");
    std::string names;
    for (const ListedCommand& m : members) {
        const std::string usage =
            "atol-kkt " + m.name() + (m.arguments.empty() ? "" : " " + m.arguments) + " ";
        EXPECT_THAT(help.out, HasSubstr(usage)) << m.name();
        names += (names.empty() ? "" : ", ") + m.words[1];
    }
    EXPECT_THAT(help.out, HasSubstr("--warning"));
    EXPECT_EQ(atol_kkt({"zabbix", "-h"}).out, help.out);

    const RunResult none = atol_kkt({"zabbix"});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_EQ(none.out, "");
    EXPECT_THAT(help.out, StartsWith(none.err));  // the usage part, without the options

    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"zabbix", "bogus"}, {"zabbix", "bogus", "--help"}, {"zabbix", "list"}}) {
        const RunResult r = atol_kkt(args);
        EXPECT_EQ(r.exit_code, 2) << args[1];
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(r.err, "atol-kkt: unknown zabbix command '" + args[1] + "' (" + names +
                             "; see atol-kkt zabbix --help)\n");
    }
}

TEST(CommandHelp, EveryListedCommandAnswersHelpAndDashH) {
    for (const ListedCommand& c : listed_commands()) {
        const RunResult help = atol_kkt(with(c.words, "--help"));
        // The Nagios plugin conventions: --help is UNKNOWN.
        EXPECT_EQ(help.exit_code, c.installed_as.empty() ? 0 : 3) << c.name();
        EXPECT_EQ(help.err, "") << c.name();
        const std::string usage =
            c.installed_as.empty()
                ? "Usage: atol-kkt " + c.name() + (c.arguments.empty() ? "" : " " + c.arguments)
                : "Usage: " + c.installed_as;
        EXPECT_THAT(help.out, StartsWith(usage + " ")) << c.name();
        EXPECT_THAT(help.out, HasSubstr("Options every command takes:")) << c.name();
        EXPECT_EQ(atol_kkt(with(c.words, "-h")).out, help.out) << c.name();
    }
}

TEST(CommandHelp, ThresholdDefaultsAreThoseOfTheCode) {
    const auto warning = code_defaults(&MetricThresholds::warning);
    const auto critical = code_defaults(&MetricThresholds::critical);
    ASSERT_FALSE(warning.empty());
    ASSERT_FALSE(critical.empty());
    for (const ListedCommand& c : listed_commands()) {
        const std::string help = atol_kkt(with(c.words, "--help")).out;
        EXPECT_EQ(defaults_shown(help, "warning"), warning) << c.name();
        EXPECT_EQ(defaults_shown(help, "critical"), critical) << c.name();
    }
}

TEST(CommandHelp, OptionDefaultsAreThoseOfConfig) {
    const Config defaults;
    const std::string help = one_line(atol_kkt({"list", "--help"}).out);
    const double timeout = std::chrono::duration<double>(defaults.timeout).count();
    EXPECT_THAT(help, HasSubstr("--timeout ] SECONDS (=" + format_number(timeout) + ")"));
    EXPECT_THAT(
        help,
        HasSubstr("--cache-ttl SECONDS (=" + std::to_string(defaults.cache_ttl.count()) + ")"));
    EXPECT_THAT(help, HasSubstr("--page-size N (=" + std::to_string(defaults.page_size) + ")"));
    EXPECT_THAT(help, HasSubstr("--max-pages N (=" + std::to_string(defaults.max_pages) + ")"));
}

TEST(CheckAtolKkt, IsTheCheckUnderItsOwnName) {
    TempDir dir;
    for (const ListedCommand& c : listed_commands()) {
        if (c.installed_as.empty()) continue;
        const std::string link = dir.path() + "/" + c.installed_as;
        std::filesystem::create_symlink(ATOL_KKT_BIN, link);
        const RunResult as_installed = run_program(link, {"--help"}, {});
        const RunResult as_command = atol_kkt(with(c.words, "--help"));
        EXPECT_EQ(as_installed.exit_code, as_command.exit_code);
        EXPECT_EQ(as_installed.out, as_command.out);
    }
}

}  // namespace
}  // namespace kkt::testing
