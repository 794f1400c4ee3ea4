#pragma once
// Output for node_exporter's textfile collector, which may read the file at any moment.
#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/output_spool.hpp"

namespace kkt::prometheus {

// Replaces `path` with `content` so that a reader sees the old file or the new one, whole
// (common/posix_io.hpp's replace_file): a hidden temporary file in the same directory (its
// name does not end in .prom, so the collector never picks it up), synced, given `mode` (0644
// by default: node_exporter usually runs as another user), then renamed over `path`. Throws
// kkt::Error naming the file and the reason; the temporary file is removed on failure.
void write_file_atomically(const std::string& path, std::string_view content, mode_t mode = 0644);
// The same with a spooled content.
void write_file_atomically(const std::string& path, const OutputSpool& content, mode_t mode = 0644);

}  // namespace kkt::prometheus
