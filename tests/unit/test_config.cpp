// Options: precedence (command line > ATOL_KKT_* environment > config file > defaults),
// credentials and their files, refusals with their exact messages.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "common/config.hpp"
#include "common/errors.hpp"
#include "shared/temp_dir.hpp"

namespace kkt {
namespace {

using TempDir = testing::ScratchDir;

std::string write_file(const std::string& path, const std::string& content, mode_t mode = 0600) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    if (::chmod(path.c_str(), mode) != 0) throw std::runtime_error("chmod failed");
    return path;
}

using Env = std::map<std::string, std::string>;

EnvLookup lookup(Env env) {
    return [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
    };
}

ParsedOptions parse(const std::vector<std::string>& args, const Env& env = {}) {
    return parse_options(args, common_options(), lookup(env));
}

Config configure(const std::vector<std::string>& args, const Env& env = {}) {
    Env with_home = env;
    with_home.emplace("HOME", "/tmp");
    return make_config(parse(args, with_home).vm, lookup(with_home));
}

// The ConfigError message of `action`, or a marker when it did not throw one.
template <typename Action>
std::string config_error(Action action) {
    try {
        action();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "<no ConfigError>";
}

std::string config_error(const std::vector<std::string>& args, const Env& env = {}) {
    return config_error([&] { configure(args, env); });
}

TEST(Config, DefaultsAreTestModeWithTheDemoAccount) {
    Config config = configure({});
    EXPECT_FALSE(config.prod);
    EXPECT_EQ(config.base_url, "https://testonline.atol.ru/api");
    EXPECT_EQ(config.login, "v4-online-atol-ru");
    EXPECT_EQ(config.password, "iGFFuihss");
    EXPECT_EQ(config.timeout, std::chrono::milliseconds(10000));
    EXPECT_EQ(config.cache_ttl, std::chrono::seconds(60));
    EXPECT_EQ(config.page_size, 1000u);
    EXPECT_EQ(config.max_pages, 1000u);
    EXPECT_EQ(config.verbosity, 0);
    EXPECT_FALSE(config.insecure);
    EXPECT_EQ(config.cache_dir, "/tmp/.cache/atol-kkt");
    EXPECT_TRUE(config.selection.empty());
}

TEST(Config, CommandLineBeatsEnvironmentBeatsFileBeatsDefault) {
    TempDir dir;
    std::string file = write_file(dir.file("a.conf"),
                                  "login = from-file\ntimeout = 5\ncache-ttl = 30\n"
                                  "base-url = http://file.example/api\npage-size = 50\n");
    Env env{{"ATOL_KKT_LOGIN", "from-env"},
            {"ATOL_KKT_TIMEOUT", "7"},
            {"ATOL_KKT_BASE_URL", "http://env.example/api"}};

    Config all = configure({"--config", file, "-l", "from-cli", "-t", "3"}, env);
    EXPECT_EQ(all.login, "from-cli");
    EXPECT_EQ(all.timeout, std::chrono::milliseconds(3000));
    EXPECT_EQ(all.base_url, "http://env.example/api");   // not on the command line
    EXPECT_EQ(all.cache_ttl, std::chrono::seconds(30));  // only in the file
    EXPECT_EQ(all.page_size, 50u);
    EXPECT_EQ(all.max_pages, 1000u);  // nowhere: the default

    Config no_cli = configure({"--config", file}, env);
    EXPECT_EQ(no_cli.login, "from-env");
    EXPECT_EQ(no_cli.timeout, std::chrono::milliseconds(7000));

    Config file_only = configure({"--config", file});
    EXPECT_EQ(file_only.login, "from-file");
    EXPECT_EQ(file_only.timeout, std::chrono::milliseconds(5000));
    EXPECT_EQ(file_only.base_url, "http://file.example/api");
}

TEST(Config, CommandLineValueEqualToTheDefaultStillBeatsTheFile) {
    TempDir dir;
    std::string file = write_file(dir.file("a.conf"), "timeout = 5\n");
    EXPECT_EQ(configure({"--config", file, "--timeout", "10"}).timeout,
              std::chrono::milliseconds(10000));
}

TEST(Config, ProfileIsReadFromTheConfigDir) {
    TempDir dir;
    write_file(dir.file("shop.conf"), "login = shop-login\npassword = shop-pass\n");
    Env env{{"ATOL_KKT_CONFIG_DIR", dir.path()}};
    Config config = configure({"--profile", "shop"}, env);
    EXPECT_EQ(config.login, "shop-login");
    EXPECT_EQ(config.password, "shop-pass");

    env.emplace("ATOL_KKT_PROFILE", "shop");
    EXPECT_EQ(configure({}, env).login, "shop-login");
}

TEST(Config, ProfileDefaultsToEtc) {
    EXPECT_EQ(config_error({"--profile", "no-such-profile-here"}),
              "cannot read config file /etc/atol-kkt/no-such-profile-here.conf: No such file or "
              "directory");
}

TEST(Config, ProfileNamesCannotLeaveTheConfigDir) {
    for (std::string name : {"../x", "a/b", ".hidden", "", "sp ace"}) {
        EXPECT_EQ(config_error({"--profile", name}),
                  "invalid profile name '" + name +
                      "': use letters, digits, '_', '.' and '-', not starting with '.'")
            << name;
    }
}

TEST(Config, ConfigAndProfileExcludeEachOther) {
    EXPECT_EQ(config_error({"--config", "/x.conf", "--profile", "x"}),
              "--config and --profile exclude each other");
}

TEST(Config, MissingConfigFileIsNamed) {
    TempDir dir;
    EXPECT_EQ(config_error({"--config", dir.file("none.conf")}),
              "cannot read config file " + dir.file("none.conf") + ": No such file or directory");
}

TEST(Config, PasswordOnTheCommandLineIsRefused) {
    const std::string refusal =
        "passwords are not accepted on the command line (they would show in ps); use "
        "--password-file, ATOL_KKT_PASSWORD or password= in the config file";
    EXPECT_EQ(config_error({"--password", "secret"}), refusal);
    EXPECT_EQ(config_error({"-l", "me", "--password=secret"}), refusal);
}

TEST(Config, OptionPrefixesAreNotGuessedAndValuesNotEchoed) {
    // With guessing, "--pass" would be taken as --password-file and the password as a path.
    EXPECT_EQ(config_error({"--pass", "secret"}), "unknown option '--pass' (see --help)");
    EXPECT_EQ(config_error({"--passwd=secret"}), "unknown option '--passwd' (see --help)");
}

TEST(Config, PasswordSourcesInOrder) {
    TempDir dir;
    std::string password_file = write_file(dir.file("pw"), "from-password-file\r\nsecond line\n");
    std::string config = write_file(dir.file("a.conf"), "password = from-config\n");
    Env env{{"ATOL_KKT_PASSWORD", "from-env"}};
    EXPECT_EQ(configure({"--config", config, "--password-file", password_file}, env).password,
              "from-password-file");
    EXPECT_EQ(configure({"--config", config}, env).password, "from-env");
    EXPECT_EQ(configure({"--config", config}).password, "from-config");
    EXPECT_EQ(configure({}).password, "iGFFuihss");
    Env file_by_env{{"ATOL_KKT_PASSWORD_FILE", password_file}};
    EXPECT_EQ(configure({}, file_by_env).password, "from-password-file");
}

TEST(Config, ProdNeedsLoginAndPassword) {
    EXPECT_EQ(config_error({"--prod"}), "--login is required with --prod");
    EXPECT_EQ(config_error({"--prod", "-l", "me"}),
              "a password is required with --prod: use --password-file, ATOL_KKT_PASSWORD or "
              "password= in the config file");
    Config config = configure({"--prod", "-l", "me"}, {{"ATOL_KKT_PASSWORD", "pw"}});
    EXPECT_TRUE(config.prod);
    EXPECT_EQ(config.base_url, "https://online.atol.ru/api");
    EXPECT_EQ(config.login, "me");
    EXPECT_EQ(config.password, "pw");

    Config by_env = configure(
        {}, {{"ATOL_KKT_PROD", "1"}, {"ATOL_KKT_LOGIN", "me"}, {"ATOL_KKT_PASSWORD", "pw"}});
    EXPECT_TRUE(by_env.prod);
}

TEST(Config, ModeIsOneSettingDecidedByTheFirstSource) {
    EXPECT_EQ(config_error({"--prod", "--test"}), "--prod and --test exclude each other");
    TempDir dir;
    std::string file = write_file(dir.file("a.conf"), "prod = true\nlogin = me\npassword = pw\n");
    EXPECT_TRUE(configure({"--config", file}).prod);
    EXPECT_FALSE(configure({"--config", file, "--test"}).prod);
    EXPECT_FALSE(configure({"--config", file}, {{"ATOL_KKT_TEST", "yes"}}).prod);
}

TEST(Config, FlagsInFileAndEnvironment) {
    TempDir dir;
    std::string file = write_file(dir.file("a.conf"), "insecure = true\nverbose = 2\n");
    Config config = configure({"--config", file});
    EXPECT_TRUE(config.insecure);
    EXPECT_EQ(config.verbosity, 2);
    EXPECT_TRUE(configure({}, {{"ATOL_KKT_INSECURE", "1"}}).insecure);
    EXPECT_EQ(configure({}, {{"ATOL_KKT_VERBOSE", "3"}}).verbosity, 3);
    EXPECT_FALSE(configure({}, {{"ATOL_KKT_INSECURE", "0"}}).insecure);
}

TEST(Config, UnrelatedAtolVariablesAreIgnored) {
    Config config = configure({}, {{"ATOL_KKT_NOW", "2026-11-28T10:00:00Z"},
                                   {"ATOL_KKT_CONFIG_DIR", "/nonexistent"},
                                   {"ATOL_KKT_SOMETHING_NEW", "x"}});
    EXPECT_EQ(config.login, "v4-online-atol-ru");
}

TEST(Config, EmptyEnvironmentVariableCountsAsUnset) {
    EXPECT_EQ(configure({}, {{"ATOL_KKT_LOGIN", ""}}).login, "v4-online-atol-ru");
}

void expect_file_modes_checked(const char* what, const std::vector<std::string>& option) {
    TempDir dir;
    for (mode_t mode : {0644, 0640, 0604, 0660, 0606}) {
        std::string file = write_file(dir.file("f"), "login = x\n", mode);
        char octal[8];
        std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
        std::vector<std::string> args = option;
        args.push_back(file);
        EXPECT_EQ(config_error(args), std::string(what) + " " + file +
                                          " is accessible by other users (mode " + octal +
                                          "); run: chmod 600 " + file);
        EXPECT_EQ(config_error([&] { check_private_file(file, what); }),
                  std::string(what) + " " + file + " is accessible by other users (mode " + octal +
                      "); run: chmod 600 " + file);
    }
    for (mode_t mode : {0600, 0400}) {
        std::string file = write_file(dir.file("f"), "login = x\n", mode);
        std::vector<std::string> args = option;
        args.push_back(file);
        EXPECT_NO_THROW(configure(args)) << mode;
        EXPECT_NO_THROW(check_private_file(file, what)) << mode;
    }
}

TEST(Config, ConfigFileMustBePrivate) {
    expect_file_modes_checked("config file", {"--config"});
}

TEST(Config, PasswordFileMustBePrivate) {
    expect_file_modes_checked("password file", {"--password-file"});
}

TEST(Config, PrivateFilesMustBeRegularFiles) {
    TempDir dir;
    EXPECT_EQ(config_error({"--config", dir.path()}),
              "config file " + dir.path() + " is not a regular file");
    std::string fifo = dir.file("fifo");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_EQ(config_error({"--password-file", fifo}),
              "password file " + fifo + " is not a regular file");
}

TEST(Config, PasswordFileFirstLine) {
    TempDir dir;
    EXPECT_EQ(read_password_file(write_file(dir.file("a"), "pw-a\n")), "pw-a");
    EXPECT_EQ(read_password_file(write_file(dir.file("b"), "pw b\r\nrest")), "pw b");
    EXPECT_EQ(read_password_file(write_file(dir.file("c"), "no-newline")), "no-newline");
    std::string empty = write_file(dir.file("d"), "\nsecond\n");
    EXPECT_EQ(config_error([&] { read_password_file(empty); }),
              "password file " + empty + " has an empty first line");
}

TEST(Config, UnknownKeyInFileIsNamed) {
    TempDir dir;
    std::string file = write_file(dir.file("a.conf"), "login = x\nlogn = y\n");
    EXPECT_EQ(config_error({"--config", file}), "config file " + file + ": unknown key 'logn'");
    std::string nested = write_file(dir.file("b.conf"), "config = /other.conf\n");
    EXPECT_EQ(config_error({"--config", nested}),
              "config file " + nested + ": unknown key 'config'");
}

TEST(Config, BadLineInFileIsNumberedNotEchoed) {
    TempDir dir;
    std::string file = write_file(dir.file("a.conf"), "# comment\nlogin = x\npassword secret\n");
    EXPECT_EQ(config_error({"--config", file}),
              "config file " + file + ": line 3 is not of the form 'key = value'");
}

TEST(Config, BadValuesAreExplained) {
    const std::string timeout = "--timeout must be more than 0 and at most 3600 seconds (got ";
    EXPECT_EQ(config_error({"--timeout", "0"}), timeout + "0)");
    EXPECT_EQ(config_error({"--timeout=-1"}), timeout + "-1)");
    EXPECT_EQ(config_error({"-t", "3601"}), timeout + "3601)");
    EXPECT_EQ(config_error({"--timeout", "abc"}),
              "the argument ('abc') for option '--timeout' is invalid");
    EXPECT_EQ(config_error({}, {{"ATOL_KKT_TIMEOUT", "abc"}}),
              "environment variable ATOL_KKT_TIMEOUT: the argument ('abc') for option "
              "'timeout' is invalid");
    EXPECT_EQ(configure({"-t", "0.5"}).timeout, std::chrono::milliseconds(500));
    EXPECT_EQ(configure({"-t", "3600"}).timeout, std::chrono::milliseconds(3600000));

    EXPECT_EQ(config_error({"--cache-ttl", "-5"}),
              "--cache-ttl must be between 0 and 604800 seconds (0 disables) (got -5)");
    EXPECT_EQ(config_error({"--cache-ttl", "604801"}),
              "--cache-ttl must be between 0 and 604800 seconds (0 disables) (got 604801)");
    EXPECT_EQ(configure({"--cache-ttl", "0"}).cache_ttl, std::chrono::seconds(0));
    EXPECT_EQ(config_error({"--page-size", "0"}),
              "--page-size must be between 1 and 100000 (got 0)");
    EXPECT_EQ(config_error({"--max-pages", "1000000000"}),
              "--max-pages must be between 1 and 100000 (got 1000000000)");
    EXPECT_EQ(config_error({"--base-url", "ftp://x"}),
              "--base-url must start with http:// or https:// (got 'ftp://x')");
    EXPECT_EQ(configure({"--base-url", "http://127.0.0.1:8080/api/"}).base_url,
              "http://127.0.0.1:8080/api");
    EXPECT_EQ(config_error({"--login"}), "the required argument for option '--login' is missing");
}

TEST(Config, BadValueInFileNamesTheFile) {
    TempDir dir;
    std::string file = write_file(dir.file("a.conf"), "page-size = many\n");
    EXPECT_EQ(config_error({"--config", file}),
              "config file " + file + ": the argument ('many') for option 'page-size' is invalid");
}

TEST(Config, CredentialsAreLimitedTo100Characters) {
    std::string long_text(101, 'x');
    EXPECT_EQ(config_error({"-l", long_text}), "the login is longer than 100 characters");
    EXPECT_EQ(config_error({}, {{"ATOL_KKT_PASSWORD", long_text}}),
              "the password is longer than 100 characters");
    EXPECT_EQ(configure({"-l", std::string(100, 'y')}).login, std::string(100, 'y'));
}

TEST(Config, VerboseCountsOccurrences) {
    EXPECT_EQ(configure({"-vvv"}).verbosity, 3);
    EXPECT_EQ(configure({"-v", "--verbose"}).verbosity, 2);
    EXPECT_EQ(configure({"-v"}).verbosity, 1);
    EXPECT_EQ(configure({"-vv"}, {{"ATOL_KKT_VERBOSE", "5"}}).verbosity, 2);
}

TEST(Config, SerialsRepeatAndAreTrimmed) {
    Config config = configure({"--serial", "A1", "--serial", " B2 ", "--exclude-serial", "C3",
                               "--group", "g", "--inn", "7701234567"});
    EXPECT_EQ(config.selection.serials, (std::vector<std::string>{"A1", "B2"}));
    EXPECT_EQ(config.selection.exclude_serials, std::vector<std::string>{"C3"});
    EXPECT_EQ(config.selection.group, "g");
    EXPECT_EQ(config.selection.inn, "7701234567");
    EXPECT_EQ(config_error({"--serial", " "}), "--serial must not be empty");
    EXPECT_EQ(config_error({"--group", ""}), "--group must not be empty");
}

TEST(Config, SerialsOnTheCommandLineReplaceThoseOfTheFile) {
    TempDir dir;
    std::string file = write_file(dir.file("a.conf"), "serial = F1\nserial = F2\n");
    EXPECT_EQ(configure({"--config", file}).selection.serials,
              (std::vector<std::string>{"F1", "F2"}));
    EXPECT_EQ(configure({"--config", file, "--serial", "C1"}).selection.serials,
              std::vector<std::string>{"C1"});
}

TEST(Config, PositionalArgumentsAreKept) {
    ParsedOptions parsed = parse({"00106709186412", "-t", "5", "fn_days_left", "-v"});
    EXPECT_EQ(parsed.positional, (std::vector<std::string>{"00106709186412", "fn_days_left"}));
    EXPECT_EQ(parsed.vm["timeout"].as<double>(), 5.0);
}

TEST(Config, HelpAndVersionAreCountedOnlyWhenGiven) {
    EXPECT_EQ(parse({}).vm.count("help"), 0u);
    EXPECT_EQ(parse({"-h"}).vm.count("help"), 1u);
    EXPECT_EQ(parse({"-V"}).vm.count("version"), 1u);
    EXPECT_EQ(parse({}).vm.count("prod"), 0u);
}

TEST(Config, CacheDirFallbacks) {
    EXPECT_EQ(configure({"--cache-dir", "/var/cache/x"}, {{"XDG_CACHE_HOME", "/xdg"}}).cache_dir,
              "/var/cache/x");
    EXPECT_EQ(configure({}, {{"XDG_CACHE_HOME", "/xdg"}}).cache_dir, "/xdg/atol-kkt");
    const Env tmp_home{{"HOME", "/tmp"}, {"XDG_CACHE_HOME", "relative"}};
    EXPECT_EQ(make_config(parse({}).vm, lookup(tmp_home)).cache_dir, "/tmp/.cache/atol-kkt");
    const std::string fallback = "/tmp/atol-kkt-" + std::to_string(::geteuid());
    EXPECT_EQ(make_config(parse({}).vm, lookup({})).cache_dir, fallback);
    // Service users (the Zabbix agent's) have HOME=/nonexistent: fall back, do not fail.
    const Env service_home{{"HOME", "/nonexistent"}};
    EXPECT_EQ(make_config(parse({}).vm, lookup(service_home)).cache_dir, fallback);
}

TEST(Config, HelpTextListsEveryOptionAndNoPassword) {
    std::ostringstream help;
    help << common_options();
    for (const char* option : {"--config",
                               "--profile",
                               "--prod",
                               "--test",
                               "--base-url",
                               "-l [ --login ]",
                               "--password-file",
                               "-t [ --timeout ] SECONDS (=10)",
                               "--ca-file",
                               "--proxy",
                               "--insecure",
                               "--cache-dir",
                               "--cache-ttl",
                               "--page-size",
                               "--max-pages",
                               "--serial",
                               "--exclude-serial",
                               "--group",
                               "--inn",
                               "-v [ --verbose ]",
                               "-h [ --help ]",
                               "-V [ --version ]"}) {
        EXPECT_NE(help.str().find(option), std::string::npos) << option;
    }
    EXPECT_EQ(help.str().find("--password "), std::string::npos);
}

}  // namespace
}  // namespace kkt
