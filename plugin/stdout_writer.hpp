#pragma once
// The one way output reaches stdout. A short write, a closed pipe (EPIPE) or a full disk
// (ENOSPC) must not pass for success: the command then fails as its kind promises
// (plugin/failure.hpp).
#include <string_view>

#include "common/errors.hpp"
#include "common/output_spool.hpp"

namespace kkt::plugin {

// Stdout did not take the whole output.
class OutputError : public Error {
  public:
    using Error::Error;
};

// Writes all of `text` to stdout (retrying partial and interrupted writes) or throws
// OutputError naming the reason ("cannot write the output: No space left on device").
void write_stdout(std::string_view text);
// The same for a spooled output, copied out whole.
void write_stdout(const OutputSpool& output);

}  // namespace kkt::plugin
