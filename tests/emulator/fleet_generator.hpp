#pragma once
// A deterministic, realistic fleet: the same (registers, seed, now) always gives the same
// bytes. Every block of 20 consecutive registers holds the whole mix (see README.md), in an
// order shuffled by the seed, so even the default fleet of 20 shows every case.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "time_format.hpp"

namespace emu {

struct FleetParams {
    std::size_t registers = 20;
    std::uint64_t seed = 1;
    SysSeconds now{};
    // Growth mode (README.md, "Growth over time"): the fleet is the one generated for this
    // instant, grown until `now`: ФН memory and signed documents at a per-register rate, one
    // busy register per block replacing its ФН. Not before `now`.
    std::optional<SysSeconds> growth_since;
};

struct GeneratedRegister {
    std::string serial;
    std::string json;  // the register object, compact
};

std::vector<GeneratedRegister> generate_fleet(const FleetParams& params);

}  // namespace emu
