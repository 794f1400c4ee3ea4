#pragma once
// Running programs from integration tests: argv without a shell, a clean environment, stdout
// and stderr captured separately, a hard time limit.
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace kkt::testing {

struct RunResult {
    int exit_code = -1;  // -1 when killed by a signal
    std::string out;
    std::string err;
    std::chrono::milliseconds elapsed{0};
    bool timed_out = false;
    long max_rss_kib = 0;  // the process's peak resident set (getrusage's ru_maxrss)
};

using Env = std::map<std::string, std::string>;

// Runs `program args...` with exactly `env` (plus PATH), killing it after `limit`.
RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const Env& env, std::chrono::milliseconds limit = std::chrono::seconds(30));

// The repository's root directory. From this file's path, which is relative to the build
// directory when ccache's base_dir made it so.
std::filesystem::path source_dir();

// A private temporary directory, removed with its contents on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    // Writes a file below the directory with the given mode; returns its path.
    std::string write(const std::string& name, const std::string& content,
                      unsigned mode = 0600) const;

  private:
    std::string path_;
};

}  // namespace kkt::testing
