#pragma once
// How a Nagios-kind run gets its one result out: on stdout only (stderr goes to /dev/null:
// Icinga 2 mixes it into the output), exactly once (the run races its watchdog for one gate),
// and UNKNOWN when stdout does not take it, never the state it would have said.
#include <string_view>

#include "nagios/watchdog.hpp"

namespace kkt::plugin {

// The gate the result, the watchdog and the last resorts race for.
nagios::OutputGate& result_gate();

// Before anything else of the run: stderr to /dev/null, and the last resorts (a crash or
// std::terminate prints UNKNOWN through the gate).
void begin_nagios_run();

// Claims the gate (else waits to be ended by its holder), writes `text` and returns
// `exit_code`, or 3 (UNKNOWN) when stdout did not take it.
int emit_result(std::string_view text, int exit_code);

}  // namespace kkt::plugin
