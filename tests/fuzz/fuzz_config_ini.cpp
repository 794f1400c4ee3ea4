// Fuzzes the INI config file: the input is written to a private (0600) file and read with
// parse_options({"--config", path}, common_options(), no environment), then make_config.
// Only ConfigError may come out (anything else would escape to the user as a crash). Beyond
// that it checks:
// - an accepted config is within the documented limits (timeout, TTL, pages, credentials of
//   at most 100 characters, counted by a UTF-8 decoder of its own);
// - no error message ever shows the password: every "password = ..." line is run a second
//   time with a marker as its value, and the marker must not appear in the message.
// "password-file" is dropped before make_config: the input must not make us read other files.
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "common/atol_client.hpp"
#include "common/config.hpp"
#include "common/errors.hpp"

namespace {

constexpr std::string_view password_marker = "Zq9secretMARKER";

[[noreturn]] void violated(const char* what, const std::string& detail = {}) {
    std::fprintf(stderr, "invariant violated: %s %s\n", what, detail.c_str());
    std::abort();
}

// One private file for the whole run, rewritten for every input.
class ConfigFile {
  public:
    ConfigFile() {
        const char* tmp = std::getenv("TMPDIR");
        path_ = std::string(tmp && *tmp ? tmp : "/tmp") + "/fuzz_config_ini.XXXXXX";
        fd_ = ::mkstemp(path_.data());  // mode 0600
        if (fd_ < 0) violated("cannot create the temporary config file", path_);
    }
    ~ConfigFile() {
        ::close(fd_);
        ::unlink(path_.c_str());
    }
    void write(std::string_view content) {
        if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, content.data(), content.size(), 0) !=
                                            static_cast<ssize_t>(content.size())) {
            violated("cannot write the temporary config file", path_);
        }
    }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    int fd_ = -1;
};

ConfigFile& config_file() {
    static ConfigFile file;
    return file;
}

// Characters as the limit counts them: UTF-8 code points, each byte that does not start a
// well-formed sequence (Unicode Table 3-7) counting as one. Written apart from common/utf8.cpp.
std::size_t characters(std::string_view s) {
    const auto at = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const auto in = [](unsigned char b, unsigned char lo, unsigned char hi) {
        return b >= lo && b <= hi;
    };
    std::size_t count = 0;
    for (std::size_t i = 0; i < s.size(); ++count) {
        const unsigned char b = at(i);
        std::size_t length = 1;
        if (in(b, 0xC2, 0xDF) && i + 1 < s.size() && in(at(i + 1), 0x80, 0xBF)) {
            length = 2;
        } else if (in(b, 0xE0, 0xEF) && i + 2 < s.size()) {
            const unsigned char lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
            if (in(at(i + 1), lo, hi) && in(at(i + 2), 0x80, 0xBF)) length = 3;
        } else if (in(b, 0xF0, 0xF4) && i + 3 < s.size()) {
            const unsigned char lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
            if (in(at(i + 1), lo, hi) && in(at(i + 2), 0x80, 0xBF) && in(at(i + 3), 0x80, 0xBF))
                length = 4;
        }
        i += length;
    }
    return count;
}

void check_limits(const kkt::Config& c) {
    using namespace std::chrono;
    if (c.timeout <= milliseconds(0) || c.timeout > seconds(3600)) violated("timeout out of range");
    if (c.cache_ttl < seconds(0) || c.cache_ttl > seconds(7 * 24 * 3600))
        violated("cache TTL out of range");
    if (c.page_size < 1 || c.page_size > 100000) violated("page size out of range");
    if (c.max_pages < 1 || c.max_pages > 100000) violated("max pages out of range");
    if (c.login.empty() || characters(c.login) > kkt::max_credential_length)
        violated("bad login", c.login);
    if (c.password.empty() || characters(c.password) > kkt::max_credential_length)
        violated("bad password");
    if (c.base_url.rfind("http://", 0) != 0 && c.base_url.rfind("https://", 0) != 0)
        violated("base URL is not http(s)", c.base_url);
    if (c.verbosity < 0) violated("negative verbosity");
}

// Runs one config text; returns the ConfigError message, or nullopt when it was accepted.
std::optional<std::string> run(std::string_view content) {
    ConfigFile& file = config_file();
    file.write(content);
    const kkt::EnvLookup no_environment = [](const std::string&) -> std::optional<std::string> {
        return std::nullopt;
    };
    try {
        kkt::ParsedOptions parsed =
            kkt::parse_options({"--config", file.path()}, kkt::common_options(), no_environment);
        parsed.vm.erase("password-file");
        check_limits(kkt::make_config(parsed.vm, no_environment));
        return std::nullopt;
    } catch (const kkt::ConfigError& e) {
        return std::string(e.what());
    }
}

// `content` with the value of every line whose key is "password" replaced by the marker.
std::optional<std::string> with_marked_password(std::string_view content) {
    std::string out;
    bool replaced = false;
    while (!content.empty()) {
        const auto newline = content.find('\n');
        std::string_view line = content.substr(0, newline);
        content =
            newline == std::string_view::npos ? std::string_view() : content.substr(newline + 1);
        const auto equals = line.find('=');
        std::string_view key = line.substr(0, equals);
        while (!key.empty() && (key.front() == ' ' || key.front() == '\t')) key.remove_prefix(1);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
        if (equals != std::string_view::npos && key == "password") {
            out.append(line.substr(0, equals + 1)).append(password_marker);
            replaced = true;
        } else {
            out.append(line);
        }
        out += '\n';
    }
    if (!replaced) return std::nullopt;
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view content(reinterpret_cast<const char*>(data), size);
    (void)run(content);

    if (content.find(password_marker) != std::string_view::npos) return 0;
    if (const auto marked = with_marked_password(content)) {
        if (const auto message = run(*marked);
            message && message->find(password_marker) != std::string::npos) {
            violated("an error message shows the password:", *message);
        }
    }
    return 0;
}
