#pragma once
// Date-time text of the emulated API: ISO 8601 for register fields, "dd.mm.yyyy HH:MM:SS"
// for the auth/error `timestamp`. Independent of the client's parser on purpose.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace emu {

using SysSeconds = std::chrono::sys_seconds;

// How a register writes its dates; the instant is the same, only the text differs.
enum class OffsetStyle {
    utc,     // 2026-03-02T21:00:00+00:00 (the usual form)
    moscow,  // 2026-03-03T00:00:00+03:00
    zulu,    // 2026-03-02T21:00:00Z
};

// "YYYY-MM-DDTHH:MM:SS" with an optional fraction (dropped) and "Z", "+HH:MM", "-HH:MM"
// or no offset (read as UTC). Returns nullopt for anything else.
std::optional<SysSeconds> parse_iso8601(std::string_view text);

std::string format_iso8601(SysSeconds t, OffsetStyle style);

// "28.11.2026 10:15:00" (UTC), the form of the API's `timestamp` in auth and error bodies.
std::string format_api_timestamp(SysSeconds t);

SysSeconds now_seconds();

}  // namespace emu
