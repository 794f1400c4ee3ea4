#pragma once
// Emulator control calls the Emulator fixture does not offer (it is shared; these are new).
#include <boost/json/array.hpp>
#include <string>

#include "integration/support/emulator.hpp"

namespace kkt::testing {

// The fleet the emulator serves now (GET /_emulator/fleet).
boost::json::array emulator_fleet(const Emulator& emulator);

// POST /_emulator/fleet?after_pages=N: `fleet` replaces the served list once N more list pages
// have been served (0: at once).
void stage_fleet(const Emulator& emulator, const boost::json::array& fleet, int after_pages);

// POST /_emulator/now: the generated fleet as at `now` (ISO 8601); with --growth-since, grown
// until then (tests/emulator/README.md, "Growth over time").
void set_emulator_now(const Emulator& emulator, const std::string& now);

}  // namespace kkt::testing
