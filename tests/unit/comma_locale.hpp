#pragma once
// A locale whose decimal separator is ',', set for C and C++ while it lives: a system one, or
// one generated with localedef (Debian's `locales` package, installed by scripts/setup.sh
// --tests) into a private directory (LOCPATH). Tests that need it fail when it cannot be had:
// C-locale numbers are a promise of every output, not an optional nicety.
#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <locale>
#include <string>

namespace kkt::testing {

class CommaLocale {
  public:
    CommaLocale() {
        for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "ru_RU.UTF-8", "fr_FR.UTF-8"})
            if (use(name)) return;
        char pattern[] = "/tmp/atol-kkt-test-locale-XXXXXX";
        if (!mkdtemp(pattern)) return;
        dir_ = pattern;
        const std::string command =
            "localedef -i de_DE -f UTF-8 " + dir_ + "/de_DE.UTF-8 >/dev/null 2>&1";
        if (std::system(command.c_str()) != 0) return;
        setenv("LOCPATH", dir_.c_str(), 1);
        use("de_DE.UTF-8");
    }
    ~CommaLocale() {
        std::locale::global(std::locale::classic());
        std::setlocale(LC_ALL, "C");
        if (dir_.empty()) return;
        unsetenv("LOCPATH");
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    CommaLocale(const CommaLocale&) = delete;
    CommaLocale& operator=(const CommaLocale&) = delete;

    bool active() const { return active_; }
    static constexpr const char* missing =
        "no locale with a decimal comma can be made here (install Debian's locales package)";

  private:
    bool use(const char* name) {
        if (!std::setlocale(LC_ALL, name)) return false;
        try {
            std::locale::global(std::locale(name));
        } catch (const std::exception&) {
            return false;
        }
        active_ = true;
        return true;
    }
    std::string dir_;
    bool active_ = false;
};

}  // namespace kkt::testing
