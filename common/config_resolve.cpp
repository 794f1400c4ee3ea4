// From parsed options to the validated Config: mode, URL, credentials, cache dir, numeric
// ranges, selection. Every refusal is a ConfigError naming the option and the accepted values.
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "common/atol_client.hpp"
#include "common/config.hpp"
#include "common/errors.hpp"
#include "common/format.hpp"
#include "common/text.hpp"

namespace kkt {

namespace {

template <typename T>
std::optional<T> optional_value(const po::variables_map& vm, const char* key) {
    auto it = vm.find(key);
    if (it == vm.end() || it->second.empty()) return std::nullopt;
    return it->second.as<T>();
}

bool flag(const po::variables_map& vm, const char* key) {
    return optional_value<bool>(vm, key).value_or(false);
}

// A non-empty trimmed value of a string option, or nullopt when the option is absent.
std::optional<std::string> text_option(const po::variables_map& vm, const char* key) {
    auto value = optional_value<std::string>(vm, key);
    if (!value) return std::nullopt;
    std::string trimmed(trim(*value));
    if (trimmed.empty()) throw ConfigError(std::string("--") + key + " must not be empty");
    return trimmed;
}

std::vector<std::string> serial_list(const po::variables_map& vm, const char* key) {
    std::vector<std::string> serials;
    for (const auto& serial :
         optional_value<std::vector<std::string>>(vm, key).value_or(std::vector<std::string>{})) {
        std::string trimmed(trim(serial));
        if (trimmed.empty()) throw ConfigError(std::string("--") + key + " must not be empty");
        serials.push_back(trimmed);
    }
    return serials;
}

long long integer_in_range(const po::variables_map& vm, const char* key, long long fallback,
                           long long min, long long max, const char* unit) {
    long long value = optional_value<long long>(vm, key).value_or(fallback);
    if (value < min || value > max) {
        throw ConfigError(std::string("--") + key + " must be between " + std::to_string(min) +
                          " and " + std::to_string(max) + unit + " (got " + std::to_string(value) +
                          ")");
    }
    return value;
}

std::chrono::milliseconds timeout_of(const po::variables_map& vm) {
    double seconds = optional_value<double>(vm, "timeout")
                         .value_or(std::chrono::duration<double>(Config{}.timeout).count());
    // !(x > 0) also catches NaN; the millisecond check refuses what would round to nothing.
    if (!(seconds > 0) || seconds > max_timeout_seconds || std::llround(seconds * 1000) < 1) {
        char got[32];
        std::snprintf(got, sizeof got, "%g", seconds);
        throw ConfigError("--timeout must be more than 0 and at most " +
                          format_number(max_timeout_seconds) + " seconds (got " + got + ")");
    }
    return std::chrono::milliseconds(std::llround(seconds * 1000));
}

std::string base_url_of(const po::variables_map& vm, bool prod) {
    auto given = text_option(vm, "base-url");
    std::string url = given ? *given : std::string(prod ? prod_base_url : test_base_url);
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
        throw ConfigError("--base-url must start with http:// or https:// (got '" + url + "')");
    }
    // One spelling per API root, so the cache key does not depend on a trailing slash.
    while (url.size() > std::string("https://").size() && url.back() == '/') url.pop_back();
    return url;
}

std::string password_of(const po::variables_map& vm, bool prod) {
    if (auto file = optional_value<std::string>(vm, "password-file")) {
        if (file->empty()) throw ConfigError("--password-file needs a file name");
        return read_password_file(*file);
    }
    if (auto password = optional_value<std::string>(vm, "password")) {
        if (password->empty()) throw ConfigError("the password (password =) is empty");
        return *password;
    }
    if (!prod) return demo_password;
    throw ConfigError(
        "a password is required with --prod: use --password-file, ATOL_KKT_PASSWORD or "
        "password= in the config file");
}

// A home directory we can keep a cache under. Service users often have none: the Zabbix
// agent's user has HOME=/nonexistent, so a HOME that is not a writable directory is skipped.
bool usable_home(const std::string& home) {
    struct stat st {};
    return home.front() == '/' && ::stat(home.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
           ::access(home.c_str(), W_OK | X_OK) == 0;
}

// XDG says a relative XDG_CACHE_HOME is invalid and must be ignored.
std::string cache_dir_of(const po::variables_map& vm, const EnvLookup& env) {
    if (auto dir = text_option(vm, "cache-dir")) return *dir;
    if (auto xdg = env("XDG_CACHE_HOME"); xdg && !xdg->empty() && xdg->front() == '/') {
        return *xdg + "/atol-kkt";
    }
    if (auto home = env("HOME"); home && !home->empty() && usable_home(*home)) {
        return *home + "/.cache/atol-kkt";
    }
    return "/tmp/atol-kkt-" + std::to_string(::geteuid());
}

}  // namespace

Config make_config(const po::variables_map& vm, const EnvLookup& env) {
    Config config;
    bool prod = flag(vm, "prod");
    if (prod && flag(vm, "test")) throw ConfigError("--prod and --test exclude each other");
    config.prod = prod;
    config.base_url = base_url_of(vm, prod);

    if (auto login = optional_value<std::string>(vm, "login")) {
        config.login = trim(*login);
        if (config.login.empty()) throw ConfigError("--login must not be empty");
    } else if (prod) {
        throw ConfigError("--login is required with --prod");
    } else {
        config.login = demo_login;
    }
    check_credential_length(config.login, "the login");
    config.password = password_of(vm, prod);
    check_credential_length(config.password, "the password");

    config.timeout = timeout_of(vm);
    config.ca_file = optional_value<std::string>(vm, "ca-file").value_or("");
    config.proxy = optional_value<std::string>(vm, "proxy").value_or("");
    config.insecure = flag(vm, "insecure");
    config.cache_dir = cache_dir_of(vm, env);
    const Config defaults;
    config.cache_ttl =
        std::chrono::seconds(integer_in_range(vm, "cache-ttl", defaults.cache_ttl.count(), 0,
                                              max_cache_ttl_seconds, " seconds (0 disables)"));
    config.page_size = static_cast<std::size_t>(integer_in_range(
        vm, "page-size", static_cast<long long>(defaults.page_size), 1, max_page_size, ""));
    config.max_pages = static_cast<std::size_t>(integer_in_range(
        vm, "max-pages", static_cast<long long>(defaults.max_pages), 1, max_pages_limit, ""));

    config.selection.serials = serial_list(vm, "serial");
    config.selection.exclude_serials = serial_list(vm, "exclude-serial");
    config.selection.group = text_option(vm, "group");
    config.selection.inn = text_option(vm, "inn");

    config.verbosity = optional_value<int>(vm, "verbose").value_or(0);
    if (config.verbosity < 0) throw ConfigError("--verbose must be a level of 0 or more");
    return config;
}

}  // namespace kkt
