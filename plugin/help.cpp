#include "plugin/help.hpp"

#include <algorithm>
#include <locale>
#include <sstream>

namespace kkt::plugin {
namespace {

constexpr std::string_view program_name = "atol-kkt";
constexpr std::string_view usage_lead = "Usage: ";

// `text` with every line after the first indented by `width` spaces.
std::string indented(std::string_view text, std::size_t width) {
    std::string out;
    for (char c : text) {
        out += c;
        if (c == '\n') out.append(width, ' ');
    }
    return out;
}

std::string padded(std::string text, std::size_t width) {
    text.resize(std::max(text.size(), width), ' ');
    return text;
}

// "zabbix get SERIAL KEY"
std::string invocation(const Command& command) {
    std::string text(command.name);
    if (!command.arguments.empty()) text += " " + std::string(command.arguments);
    return text;
}

// The command's usage line(s), the first starting with `lead` ("Usage: " or its width of
// spaces).
std::string usage_of(const Command& command, std::string_view lead) {
    std::string head(lead);
    if (command.installed_as.empty())
        head += std::string(program_name) + " " + std::string(command.name);
    else
        head += command.installed_as;
    if (!command.arguments.empty()) head += " " + std::string(command.arguments);
    head += " ";
    std::string text = head + indented(command.usage_options, head.size()) + "\n";
    if (!command.installed_as.empty())
        text += std::string(lead.size(), ' ') + "(also: " + std::string(program_name) + " " +
                std::string(command.name) + " ...)\n";
    return text;
}

// The command's own options and common_options(), as Program_options shows them.
std::string options_text(const po::options_description& own) {
    po::options_description all;
    all.add(own).add(common_options());
    std::ostringstream text;
    text.imbue(std::locale::classic());
    text << all;
    return text.str();
}

}  // namespace

std::string program_help() {
    std::size_t width = 0;
    for (const Command& command : all_commands())
        width = std::max(width, invocation(command).size() + 2);
    std::string text = std::string(usage_lead) + std::string(program_name) +
                       " COMMAND [OPTIONS]\n"
                       "\n"
                       "Watches the ATOL Online cloud cash registers (ККТ) of an account.\n"
                       "\n"
                       "Commands:\n";
    for (const Command& command : all_commands()) {
        text += "  " + padded(invocation(command), width) + std::string(command.summary);
        if (!command.installed_as.empty())
            text += " (also installed as " + std::string(command.installed_as) + ")";
        text += "\n";
    }
    text +=
        "\nRun '" + std::string(program_name) + " COMMAND --help' for the options of a command.\n";
    return text;
}

std::string group_usage(const CommandGroup& group) {
    const std::vector<const Command*> members = members_of(group);
    const std::string continuation(usage_lead.size(), ' ');
    std::string text;
    std::size_t width = 0;
    for (const Command* member : members) {
        text += usage_of(*member, text.empty() ? usage_lead : continuation);
        width = std::max(width, subcommand_name(*member).size() + 2);
    }
    text += "\n";
    for (const Command* member : members)
        text += padded(std::string(subcommand_name(*member)), width) +
                indented(member->description, width) + "\n";
    return text + "\n" + std::string(group.note) + "\n";
}

std::string group_help(const CommandGroup& group) {
    return group_usage(group) + "\n" + options_text(group.options()) + "\n";
}

std::string command_help(const Command& command) {
    std::string text = usage_of(command, usage_lead) + "\n" + std::string(command.description) +
                       "\n" + options_text(command.options()) + "\n";
    if (command.epilogue) text += command.epilogue();
    return text;
}

}  // namespace kkt::plugin
