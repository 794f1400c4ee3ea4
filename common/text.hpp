#pragma once
// Trimming, with one whitespace set for every option value, header, INI line and threshold.
#include <string_view>

namespace kkt {

// ASCII whitespace, as isspace() has it in the C locale: what trim() removes.
inline constexpr std::string_view ascii_whitespace = " \t\r\n\f\v";

// `text` without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view text);

}  // namespace kkt
