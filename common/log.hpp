#pragma once
// Verbose diagnostics (-v, -vv, -vvv). Where they go is the front end's choice: the Nagios
// check keeps everything on stdout, the other commands use stderr. Never given secrets.
#include <functional>
#include <string>

namespace kkt {

class Log {
  public:
    using Sink = std::function<void(const std::string&)>;
    Log() = default;
    Log(int verbosity, Sink sink) : verbosity_(verbosity), sink_(std::move(sink)) {}

    int verbosity() const { return verbosity_; }
    bool enabled(int level) const { return sink_ && verbosity_ >= level; }
    void operator()(int level, const std::string& line) const {
        if (enabled(level)) sink_(line);
    }

  private:
    int verbosity_ = 0;
    Sink sink_;
};

}  // namespace kkt
