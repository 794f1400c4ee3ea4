#pragma once
// What an OutputSpool would copy out, as a string (through an in-memory file).
#include <sys/mman.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "common/output_spool.hpp"
#include "common/posix_io.hpp"

namespace kkt::testing {

inline std::string spooled_text(const OutputSpool& spool) {
    OwnedFd fd(::memfd_create("spooled-text", MFD_CLOEXEC));
    if (!fd.valid() || !spool.copy_to(fd.get()) || ::lseek(fd.get(), 0, SEEK_SET) != 0)
        throw std::runtime_error("cannot copy the spool out");
    std::string text;
    if (!read_all(fd.get(), text, spool.size() + 1))
        throw std::runtime_error("cannot read the spool back");
    return text;
}

}  // namespace kkt::testing
