#pragma once
// The human view of registers (`atol-kkt list`): an aligned table, worst first.
#include <string>
#include <vector>

#include "common/fleet.hpp"

namespace kkt {

// Registers sorted worst state first, then by serial (a stable order for people and tests).
std::vector<const RegisterStatus*> worst_first(std::vector<const RegisterStatus*> registers);

// Width of UTF-8 text in terminal columns (code points; enough for Cyrillic and Latin).
std::size_t display_width(std::string_view utf8);

std::string render_table(const std::vector<const RegisterStatus*>& registers);

}  // namespace kkt
