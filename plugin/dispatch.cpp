#include "plugin/dispatch.hpp"

#include <iostream>

#include "plugin/cli.hpp"
#include "plugin/help.hpp"
#include "plugin/nagios_run.hpp"
#include "plugin/stdout_writer.hpp"

namespace kkt::plugin {
namespace {

bool is_help_word(std::string_view word) {
    return word == "-h" || word == "--help" || word == "help";
}

bool is_version_word(std::string_view word) {
    return word == "-V" || word == "--version";
}

// Help and version on stdout, with the exit code `kind` gives them.
int show(CommandKind kind, const std::string& text) {
    if (kind == CommandKind::nagios_plugin) return emit_result(text, help_exit_code(kind));
    write_stdout(text);
    return help_exit_code(kind);
}

// "discovery, registers, get, send"
std::string member_list(const CommandGroup& group) {
    std::string names;
    for (const Command* member : members_of(group))
        names += (names.empty() ? "" : ", ") + std::string(subcommand_name(*member));
    return names;
}

int run_group(const CommandGroup& group, const Args& args) {
    if (args.empty()) {
        std::cerr << group_usage(group);
        return exit_usage;
    }
    const std::string& word = args.front();
    if (is_help_word(word)) return show(CommandKind::tool, group_help(group));
    if (is_version_word(word)) return show(CommandKind::tool, version_line() + "\n");
    const Command* command = find_command(std::string(group.name) + " " + word);
    if (command) return run_command(*command, Args(args.begin() + 1, args.end()));
    std::cerr << "atol-kkt: unknown " << group.name << " command '" << word << "' ("
              << member_list(group) << "; see atol-kkt " << group.name << " --help)\n";
    return exit_usage;
}

int run_words(const Args& args) {
    if (args.empty()) {
        std::cerr << program_help();
        return exit_usage;
    }
    const std::string& word = args.front();
    if (is_help_word(word)) return show(CommandKind::tool, program_help());
    if (is_version_word(word)) return show(CommandKind::tool, version_line() + "\n");
    const Args rest(args.begin() + 1, args.end());
    if (const Command* command = find_command(word)) return run_command(*command, rest);
    if (const CommandGroup* group = find_group(word)) return run_group(*group, rest);
    std::cerr << "atol-kkt: unknown command '" << word << "'\n\n" << program_help();
    return exit_usage;
}

}  // namespace

int dispatch(const Args& args) {
    try {
        return run_words(args);
    } catch (...) {
        return report(CommandKind::tool, failure_of(CommandKind::tool, std::current_exception()));
    }
}

int run_command(const Command& command, const Args& args) {
    if (command.kind == CommandKind::nagios_plugin) begin_nagios_run();
    try {
        if (wants_help(args)) return show(command.kind, command_help(command));
        if (wants_version(args)) return show(command.kind, version_line() + "\n");
        return command.run(args, command.options());
    } catch (...) {
        return report(command.kind, failure_of(command.kind, std::current_exception()));
    }
}

}  // namespace kkt::plugin
