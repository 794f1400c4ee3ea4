#pragma once
// Texts of system facts for error messages: errno and file modes ("0644").
#include <sys/types.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace kkt {

inline std::string errno_text(int error) {
    return std::strerror(error);
}

inline std::string mode_text(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

}  // namespace kkt
