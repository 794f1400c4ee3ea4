#pragma once
// The emulator's command line (README.md lists every option).
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "faults.hpp"

namespace emu {

struct Options {
    std::string bind = "127.0.0.1";
    unsigned short port = 0;
    unsigned threads = 4;
    std::size_t registers = 20;
    std::uint64_t seed = 1;
    std::optional<std::string> now;           // ISO 8601; the real time when absent
    std::optional<std::string> growth_since;  // ISO 8601: growth mode from this instant
    std::optional<std::string> fleet_file;    // served verbatim instead of a generated fleet
    bool dump_fleet = false;
    std::string login = "v4-online-atol-ru";  // the public demo credentials
    std::string password = "iGFFuihss";
    long token_ttl_seconds = 86400;
    bool verbose = false;
    std::optional<std::string> tls_cert;  // PEM chain: serve HTTPS (with tls_key)
    std::optional<std::string> tls_key;
    Faults faults;
};

// nullopt after printing --help to `out`; throws std::exception with a readable message on
// a bad command line.
std::optional<Options> parse_command_line(int argc, const char* const* argv, std::ostream& out);

}  // namespace emu
