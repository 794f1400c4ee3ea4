#include "common/text.hpp"

namespace kkt {

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(ascii_whitespace);
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(ascii_whitespace);
    return text.substr(first, last - first + 1);
}

}  // namespace kkt
