// Options from the command line, the ATOL_KKT_* environment and an INI file, in that
// precedence (README.md, "Configuration"). Program_options keeps the first
// value stored for a key, so the sources are stored in precedence order; its default values
// are "defaulted" and give way to any later explicit value, so they never block a source.
#include "common/config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>

#include "common/errors.hpp"
#include "common/format.hpp"
#include "common/posix_io.hpp"
#include "common/sys_text.hpp"
#include "common/text.hpp"

namespace kkt {

namespace {

constexpr const char* default_config_dir = "/etc/atol-kkt";
constexpr const char* env_prefix = "ATOL_KKT_";
constexpr std::size_t max_private_file_size = 1024 * 1024;

// -v, -vv, -v -v: each occurrence adds one. (In the file and the environment "verbose" is
// an integer level instead: see file_description().)
class CountValue : public po::typed_value<int> {
  public:
    CountValue() : po::typed_value<int>(nullptr) { zero_tokens(); }
    void xparse(boost::any& store, const std::vector<std::string>&) const override {
        store = store.empty() ? 1 : boost::any_cast<int>(store) + 1;
    }
};

void check_private_stat(const struct stat& st, const std::string& path, const char* what) {
    if (!S_ISREG(st.st_mode))
        throw ConfigError(std::string(what) + " " + path + " is not a regular file");
    if ((st.st_mode & 077) != 0) {
        throw ConfigError(std::string(what) + " " + path + " is accessible by other users (mode " +
                          mode_text(st.st_mode) + "); run: chmod 600 " + path);
    }
}

// Opens first and checks the open file, so what is checked is what is read.
std::string read_private_file(const std::string& path, const char* what) {
    // O_NONBLOCK: a FIFO planted at the path must not hang the run before fstat refuses it.
    const OwnedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    auto cannot_read = [&] {
        return ConfigError("cannot read " + std::string(what) + " " + path + ": " +
                           errno_text(errno));
    };
    if (!fd.valid()) throw cannot_read();
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw cannot_read();
    check_private_stat(st, path, what);
    std::string content;
    if (!read_all(fd.get(), content, max_private_file_size)) throw cannot_read();
    if (content.size() > max_private_file_size) {
        throw ConfigError(std::string(what) + " " + path + " is too large");
    }
    return content;
}

std::string env_name(const std::string& option) {
    std::string name = env_prefix;
    for (char c : option) {
        // "web.listen-address" -> ATOL_KKT_WEB_LISTEN_ADDRESS: a dot cannot be in a variable name.
        name += c == '-' || c == '.'
                    ? '_'
                    : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return name;
}

// The keys an INI file (and the environment) may set: every long option of `cli` that takes
// a value or is a bool flag, plus "password". Not help/version (actions, not settings) and not
// config/profile (a file naming another file would be a puzzle).
po::options_description file_description(const po::options_description& cli) {
    static const std::set<std::string> excluded{"help", "version", "config", "profile"};
    po::options_description file;
    for (const auto& option : cli.options()) {
        const std::string& name = option->long_name();
        if (name.empty() || excluded.count(name) != 0) continue;
        const po::value_semantic* semantic = option->semantic().get();
        if (semantic->max_tokens() > 0) {
            file.add(option);
        } else if (dynamic_cast<const CountValue*>(semantic) != nullptr) {
            file.add_options()(name.c_str(), po::value<int>(), option->description().c_str());
        } else if (dynamic_cast<const po::typed_value<bool>*>(semantic) != nullptr) {
            file.add_options()(name.c_str(), po::value<bool>(), option->description().c_str());
        }
        // Other switches (untyped ones) exist on the command line only.
    }
    file.add_options()("password", po::value<std::string>(), "the account password");
    return file;
}

std::set<std::string> keys_of(const po::parsed_options& parsed) {
    std::set<std::string> keys;
    for (const auto& option : parsed.options) {
        if (!option.string_key.empty()) keys.insert(option.string_key);
    }
    return keys;
}

// Options that are one setting under two names: the first source that sets any of a group
// decides it, so a later source cannot contradict it ("--test" beats "prod = true").
const std::vector<std::set<std::string>> exclusive_groups{{"prod", "test"}, {"config", "profile"}};

void block_groups_of(const std::set<std::string>& given, std::set<std::string>& blocked) {
    for (const auto& group : exclusive_groups) {
        for (const auto& key : group) {
            if (given.count(key) != 0) blocked.insert(group.begin(), group.end());
        }
    }
}

void drop_blocked(po::parsed_options& parsed, const std::set<std::string>& blocked) {
    std::erase_if(parsed.options,
                  [&](const po::option& option) { return blocked.count(option.string_key) != 0; });
}

// The option name of a program_options error, without any "=value" (never echo values: a
// mistyped option could carry a password).
std::string option_name_of(const po::error_with_option_name& e) {
    std::string name = e.get_option_name();
    return name.substr(0, name.find('='));
}

// program_options' what() replaces each "%name%" of its message by that name's value until none
// is left, so a value holding its own placeholder ("-t %value%") never returns.
// Its substitutions are protected: read through a pointer to member (the way C++
// allows in); such a value is put back with every '%' written "%25".
struct ErrorSubstitutions : po::error_with_option_name {
    static auto member() { return &ErrorSubstitutions::m_substitutions; }
};

std::string error_text(const po::error& e) {
    const auto* named = dynamic_cast<const po::error_with_option_name*>(&e);
    if (named == nullptr) return e.what();
    po::error_with_option_name safe = *named;  // the message template lives in this base
    for (const auto& [name, value] : named->*ErrorSubstitutions::member()) {
        // The option name also makes "%canonical_option%".
        if (value.find('%' + name + '%') == std::string::npos &&
            value.find("%canonical_option%") == std::string::npos) {
            continue;
        }
        std::string escaped;
        for (char c : value) escaped += c == '%' ? std::string("%25") : std::string(1, c);
        safe.set_substitute(name, escaped);
    }
    return safe.what();
}

[[noreturn]] void throw_config_error(const std::string& where, const po::error& e) {
    std::string prefix = where.empty() ? "" : where + ": ";
    if (const auto* unknown = dynamic_cast<const po::unknown_option*>(&e)) {
        throw ConfigError(prefix + "unknown option '" + option_name_of(*unknown) +
                          "' (see --help)");
    }
    if (const auto* ambiguous = dynamic_cast<const po::ambiguous_option*>(&e)) {
        throw ConfigError(prefix + "ambiguous option '" + option_name_of(*ambiguous) + "'");
    }
    throw ConfigError(prefix + error_text(e));
}

void refuse_password_argument(const std::vector<std::string>& args) {
    for (const auto& arg : args) {
        if (arg == "--") break;
        if (arg == "--password" || arg.rfind("--password=", 0) == 0) {
            throw ConfigError(
                "passwords are not accepted on the command line (they would show in ps); use "
                "--password-file, ATOL_KKT_PASSWORD or password= in the config file");
        }
    }
}

po::parsed_options parse_command_line(const std::vector<std::string>& args,
                                      const po::options_description& cli) {
    // No prefix guessing: "--pass secret" must not quietly become "--password-file secret".
    int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    try {
        return po::command_line_parser(args).options(cli).style(style).run();
    } catch (const po::error& e) {
        throw_config_error("", e);
    }
}

// The environment is looked up by name for each known key, so unknown ATOL_KKT_* variables
// (ATOL_KKT_CONFIG_DIR, ATOL_KKT_NOW for the tests, or ones of another version of this
// program) are never even seen: they cannot break a run. An empty variable counts as unset.
void store_environment(const po::options_description& env_desc, const EnvLookup& env,
                       const std::set<std::string>& blocked, po::variables_map& vm,
                       std::set<std::string>& given) {
    for (const auto& option : env_desc.options()) {
        const std::string& key = option->long_name();
        if (blocked.count(key) != 0) continue;
        std::string name = env_name(key);
        std::optional<std::string> value = env(name);
        if (!value || value->empty()) continue;
        po::parsed_options parsed(&env_desc);
        parsed.options.emplace_back(key, std::vector<std::string>{*value});
        parsed.options.back().original_tokens = {name};
        try {
            po::store(parsed, vm);
        } catch (const po::error& e) {
            throw_config_error("environment variable " + name, e);
        }
        given.insert(key);
    }
}

std::optional<std::string> config_file_path(const po::variables_map& vm, const EnvLookup& env) {
    bool has_config = vm.count("config") != 0;
    bool has_profile = vm.count("profile") != 0;
    if (has_config && has_profile) throw ConfigError("--config and --profile exclude each other");
    if (has_config) {
        std::string path = vm["config"].as<std::string>();
        if (path.empty()) throw ConfigError("--config needs a file name");
        return path;
    }
    if (!has_profile) return std::nullopt;
    std::string profile = vm["profile"].as<std::string>();
    return profile_path(profile, env);
}

// program_options' own message for a bad line would echo it, and the line might hold the
// password: say which line instead.
std::string syntax_error_text(const std::string& content) {
    std::istringstream lines(content);
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
        const std::string_view text = trim(line);
        if (text.empty() || text.front() == '#' || text.front() == '[') continue;
        if (line.find('=') == std::string::npos) {
            return "line " + std::to_string(number) + " is not of the form 'key = value'";
        }
    }
    return "a line is not of the form 'key = value'";
}

void store_config_file(const std::string& path, const po::options_description& file_desc,
                       const std::set<std::string>& blocked, po::variables_map& vm) {
    std::string content = read_private_file(path, "config file");
    std::istringstream stream(content);
    po::parsed_options parsed(&file_desc);
    try {
        parsed = po::parse_config_file(stream, file_desc, /*allow_unregistered=*/true);
    } catch (const po::invalid_config_file_syntax&) {
        throw ConfigError("config file " + path + ": " + syntax_error_text(content));
    } catch (const po::error& e) {
        throw_config_error("config file " + path, e);
    }
    for (const auto& option : parsed.options) {
        if (option.unregistered) {
            throw ConfigError("config file " + path + ": unknown key '" + option.string_key + "'");
        }
    }
    drop_blocked(parsed, blocked);
    try {
        po::store(parsed, vm);
    } catch (const po::error& e) {
        throw_config_error("config file " + path, e);
    }
}

}  // namespace

bool valid_profile_name(std::string_view name) {
    if (name.empty() || name.front() == '.') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    });
}

std::string profile_path(const std::string& name, const EnvLookup& env) {
    if (!valid_profile_name(name)) {
        throw ConfigError("invalid profile name '" + name +
                          "': use letters, digits, '_', '.' and '-', not starting with '.'");
    }
    std::optional<std::string> dir = env("ATOL_KKT_CONFIG_DIR");
    return (dir && !dir->empty() ? *dir : std::string(default_config_dir)) + "/" + name + ".conf";
}

po::typed_value<bool>* switch_value() {
    return po::value<bool>()->zero_tokens()->implicit_value(true, "");
}

po::options_description common_options() {
    // The defaults shown are Config's own: make_config() falls back to the same.
    const Config defaults;
    const double timeout_seconds = std::chrono::duration<double>(defaults.timeout).count();
    po::options_description o("Options every command takes");
    o.add_options()  //
        ("config", po::value<std::string>()->value_name("FILE"),
         "INI file of 'key = value' lines: any long option below without the dashes "
         "(login = ..., insecure = true) and password = ...; must not be accessible by "
         "group/others")  //
        ("profile", po::value<std::string>()->value_name("NAME"),
         "read /etc/atol-kkt/NAME.conf (directory overridable by ATOL_KKT_CONFIG_DIR) as "
         "--config")                                                                    //
        ("prod", switch_value(), "use the production API, https://online.atol.ru/api")  //
        ("test", switch_value(),
         "use the test API, https://testonline.atol.ru/api, with ATOL's public demo account "
         "unless --login is given (the default)")  //
        ("base-url", po::value<std::string>()->value_name("URL"),
         "API root instead of the mode's: a proxy or the emulator, e.g. "
         "http://127.0.0.1:8080/api")  //
        ("login,l", po::value<std::string>()->value_name("LOGIN"),
         "account login (required with --prod; test mode: the public demo login)")  //
        ("password-file", po::value<std::string>()->value_name("FILE"),
         "file whose first line is the password; must not be accessible by group/others. "
         "Else ATOL_KKT_PASSWORD or password = in the config file; never on the command "
         "line")  //
        ("timeout,t",
         po::value<double>()
             ->default_value(timeout_seconds, format_number(timeout_seconds))
             ->value_name("SECONDS"),
         ("budget of the whole run, all requests included; decimals allowed, at most " +
          format_number(max_timeout_seconds))
             .c_str())  //
        ("ca-file", po::value<std::string>()->value_name("FILE"),
         "CA certificates (PEM) to verify the API's TLS certificate with")  //
        ("proxy", po::value<std::string>()->value_name("URL"),
         "HTTP(S) proxy for the API, e.g. http://proxy.example:3128")  //
        ("insecure", switch_value(),
         "do not verify the API's TLS certificate (said in the output)")  //
        ("cache-dir", po::value<std::string>()->value_name("DIR"),
         "token, register list and shift state cache, created 0700 (default: "
         "$XDG_CACHE_HOME/atol-kkt, else $HOME/.cache/atol-kkt, else /tmp/atol-kkt-UID)")  //
        ("cache-ttl",
         po::value<long long>()->default_value(defaults.cache_ttl.count())->value_name("SECONDS"),
         ("how long a fetched register list serves later runs; 0 disables, at most " +
          std::to_string(max_cache_ttl_seconds) + " (a week)")
             .c_str())  //
        ("page-size",
         po::value<long long>()
             ->default_value(static_cast<long long>(defaults.page_size))
             ->value_name("N"),
         ("registers asked for per API page, 1 to " + std::to_string(max_page_size)).c_str())  //
        ("max-pages",
         po::value<long long>()
             ->default_value(static_cast<long long>(defaults.max_pages))
             ->value_name("N"),
         ("more API pages than this is an error, never a truncated list; 1 to " +
          std::to_string(max_pages_limit))
             .c_str())  //
        ("serial", po::value<std::vector<std::string>>()->value_name("SN"),
         "only this register (serial number); repeatable")  //
        ("exclude-serial", po::value<std::vector<std::string>>()->value_name("SN"),
         "skip this register; repeatable")  //
        ("group", po::value<std::string>()->value_name("CODE"),
         "only the registers of this group code")  //
        ("inn", po::value<std::string>()->value_name("INN"),
         "only the registers of this company tax id (INN)")  //
        ("verbose,v", new CountValue(),
         "more detail, repeat for more (-vv); never a password or token. In the config file "
         "and ATOL_KKT_VERBOSE: a level, e.g. verbose = 2")  //
        ("help,h", "show this help and exit")                //
        ("version,V", "show the version and exit");
    return o;
}

EnvLookup process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

ParsedOptions parse_options(const std::vector<std::string>& args,
                            const po::options_description& cli, const EnvLookup& env) {
    refuse_password_argument(args);
    ParsedOptions result;
    po::parsed_options command_line = parse_command_line(args, cli);
    // Without a positional description, program_options keeps the plain arguments unnamed.
    for (const auto& option : command_line.options) {
        if (option.string_key.empty()) result.positional.push_back(option.value.front());
    }
    try {
        po::store(command_line, result.vm);
    } catch (const po::error& e) {
        throw_config_error("", e);
    }

    std::set<std::string> given = keys_of(command_line);
    std::set<std::string> blocked;
    block_groups_of(given, blocked);
    po::options_description file_desc = file_description(cli);
    po::options_description env_desc;
    env_desc.add(file_desc);
    for (const auto& option : cli.options()) {
        const std::string& key = option->long_name();
        if (key == "config" || key == "profile") env_desc.add(option);
    }
    store_environment(env_desc, env, blocked, result.vm, given);
    block_groups_of(given, blocked);

    if (auto path = config_file_path(result.vm, env)) {
        store_config_file(*path, file_desc, blocked, result.vm);
    }
    try {
        po::notify(result.vm);
    } catch (const po::error& e) {
        throw_config_error("", e);
    }
    return result;
}

std::string read_password_file(const std::string& path) {
    std::string content = read_private_file(path, "password file");
    std::string password = content.substr(0, content.find('\n'));
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) throw ConfigError("password file " + path + " has an empty first line");
    return password;
}

void check_private_file(const std::string& path, const char* what) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        throw ConfigError("cannot read " + std::string(what) + " " + path + ": " +
                          errno_text(errno));
    }
    check_private_stat(st, path, what);
}

}  // namespace kkt
