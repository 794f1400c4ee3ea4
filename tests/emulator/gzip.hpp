#pragma once
// Content-Encoding: gzip for the emulator's answers (zlib; RFC 1952 framing).
#include <string>
#include <string_view>

#include "response.hpp"

namespace emu {

// True when an Accept-Encoding header value names gzip (or x-gzip); q-values are not weighed.
bool accepts_gzip(std::string_view accept_encoding);

// The body as one gzip member. Each distinct segment is deflated once, ending on a full flush,
// and repeated segments reuse that output: the shared 1 MiB blocks of spaces of --oversize
// cost one compression however many there are, so a 512 MiB padded answer is ~0.5 MiB of gzip
// made at once (a compression bomb for the client's body cap).
std::string gzip(const Body& body);

}  // namespace emu
