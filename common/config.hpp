#pragma once
// The run's configuration: command line > ATOL_KKT_* environment > --config / --profile INI
// file > defaults (README.md, "Configuration"), via Boost.Program_options.
#include <boost/program_options.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kkt {

namespace po = boost::program_options;

inline constexpr const char* test_base_url = "https://testonline.atol.ru/api";
inline constexpr const char* prod_base_url = "https://online.atol.ru/api";
inline constexpr const char* demo_login = "v4-online-atol-ru";
inline constexpr const char* demo_password = "iGFFuihss";

// Which registers a command looks at.
struct Selection {
    std::vector<std::string> serials;
    std::vector<std::string> exclude_serials;
    std::optional<std::string> group;
    std::optional<std::string> inn;
    bool empty() const { return serials.empty() && exclude_serials.empty() && !group && !inn; }
};

// Where the numeric options' values may lie: the checks and the help texts both read these.
inline constexpr double max_timeout_seconds = 3600;
inline constexpr long long max_cache_ttl_seconds = 7 * 24 * 3600;  // a week
inline constexpr long long max_page_size = 100000;
inline constexpr long long max_pages_limit = 100000;

struct Config {
    bool prod = false;
    std::string base_url;  // resolved: --base-url or by mode
    std::string login;     // resolved: demo login in test mode when not given
    std::string password;  // secret: never printed, never logged
    std::chrono::milliseconds timeout{10000};
    std::string ca_file;
    std::string proxy;
    bool insecure = false;
    std::string cache_dir;  // resolved per the spec's fallbacks
    std::chrono::seconds cache_ttl{60};
    std::size_t page_size = 1000;
    std::size_t max_pages = 1000;
    Selection selection;
    int verbosity = 0;  // count of -v

    bool test_mode() const { return !prod; }
};

// Looks up an environment variable; injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_environment();

// The options every command takes, as shown in --help (no password option: on purpose).
po::options_description common_options();

// A bool switch that can also be set in the config file and the environment
// ("insecure = true", ATOL_KKT_INSECURE=1): absent unless given, true when given bare.
// Use it for a front end's own flags; plain untyped switches stay command-line only.
po::typed_value<bool>* switch_value();

struct ParsedOptions {
    po::variables_map vm;
    std::vector<std::string> positional;  // what is left after the options (subcommand args)
};

// Parses argv (without argv[0]) against `cli` (which must include common_options()), then the
// ATOL_KKT_* environment, then the INI file named by --config or --profile, in that
// precedence (a later source never overrides an earlier one; defaults come last). The file
// and the environment may set every long option of `cli` that takes a value or is a
// switch_value() or -v (a level there), plus "password" (never on the command line); not
// help or version. Only the environment may also name the file (ATOL_KKT_CONFIG,
// ATOL_KKT_PROFILE). Plain arguments are returned in `positional`.
// The config file must be a regular file, not accessible by group/others: else ConfigError.
// Throws ConfigError with a clear message for any bad option or file.
ParsedOptions parse_options(const std::vector<std::string>& args,
                            const po::options_description& cli, const EnvLookup& env);

// Builds the validated Config from parsed options: resolves mode, base URL, login, the
// password (--password-file > ATOL_KKT_PASSWORD > config password= > demo in test mode),
// cache dir, ranges of numeric options. Throws ConfigError.
Config make_config(const po::variables_map& vm, const EnvLookup& env);

// A profile name is a plain file name: letters, digits, '_', '.' and '-', not starting with '.'
// (so never "..", never a path).
bool valid_profile_name(std::string_view name);

// The file of profile `name`: /etc/atol-kkt/NAME.conf, the directory overridable by
// ATOL_KKT_CONFIG_DIR. Throws ConfigError for a name valid_profile_name() refuses.
std::string profile_path(const std::string& name, const EnvLookup& env);

// Reads the first line of a password file, refusing one accessible by group/others.
std::string read_password_file(const std::string& path);

// Throws ConfigError unless `path` is a regular file whose mode gives group/others nothing.
void check_private_file(const std::string& path, const char* what);

}  // namespace kkt
