#pragma once
// What the non-check commands share: their error convention (one line on stderr, exit 2 for
// usage/configuration, 1 for anything else), -v lines on stderr, and whole writes to stdout.
#include <iostream>
#include <string>

#include "common/errors.hpp"
#include "common/log.hpp"

namespace kkt::plugin {

Log::Sink stderr_sink();

// Runs a command body, turning the core's errors into one line on stderr and an exit code.
template <typename Body>
int guarded(Body&& body) {
    try {
        return body();
    } catch (const ConfigError& e) {
        std::cerr << "atol-kkt: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "atol-kkt: " << e.what() << "\n";
        return 1;
    }
}

// Writes the whole text to stdout or throws Error: a short write must not pass for a value.
void print_all(const std::string& text);

}  // namespace kkt::plugin
