#include "integration/support/command_list.hpp"

#include <regex>
#include <sstream>
#include <stdexcept>

#include "integration/support/process.hpp"

namespace kkt::testing {

std::string ListedCommand::name() const {
    std::string text;
    for (const std::string& word : words) text += (text.empty() ? "" : " ") + word;
    return text;
}

std::vector<ListedCommand> listed_commands() {
    const RunResult help = run_program(ATOL_KKT_BIN, {"--help"}, {});
    if (help.exit_code != 0) throw std::runtime_error("atol-kkt --help failed: " + help.err);
    // "  zabbix get SERIAL KEY  one value": lower-case words, upper-case arguments, the summary.
    static const std::regex line_format(R"(^  ([a-z]+(?: [a-z]+)*)((?: [A-Z]+)*)  +(.*)$)");
    static const std::regex installed(R"(\(also installed as ([a-z_]+)\))");
    std::vector<ListedCommand> commands;
    std::istringstream lines(help.out);
    std::string line;
    while (std::getline(lines, line) && line != "Commands:") {
    }
    while (std::getline(lines, line) && !line.empty()) {
        std::smatch m;
        if (!std::regex_match(line, m, line_format))
            throw std::runtime_error("not a command line of --help: '" + line + "'");
        ListedCommand command;
        std::istringstream words(m[1].str());
        for (std::string word; words >> word;) command.words.push_back(word);
        command.arguments = m[2].str().empty() ? "" : m[2].str().substr(1);
        const std::string summary = m[3].str();
        std::smatch alias;
        if (std::regex_search(summary, alias, installed)) command.installed_as = alias[1];
        commands.push_back(command);
    }
    if (commands.empty()) throw std::runtime_error("atol-kkt --help lists no command");
    return commands;
}

}  // namespace kkt::testing
