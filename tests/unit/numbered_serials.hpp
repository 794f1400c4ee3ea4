#pragma once
// Distinct, valid-looking 14-digit serials for fleets of any size, the same in every unit test
// that builds one (test_register_list_index.cpp, test_register_records.cpp).
#include <cstddef>
#include <cstdio>
#include <string>

namespace kkt::testing {

inline std::string numbered_serial(std::size_t i) {
    char text[16];
    std::snprintf(text, sizeof text, "%014zu", static_cast<std::size_t>(106710186412) + 13 * i);
    return text;
}

}  // namespace kkt::testing
