#pragma once
// gzip (RFC 1952) with zlib, and whether a request takes it. Concatenated gzip members are one
// valid stream (RFC 1952 2.2, and Go's reader, Prometheus', reads them so): a large body
// compressed once can be sent after a small part compressed per request.
#include <string>
#include <string_view>

namespace kkt::web {

// One gzip member holding `data`; `level` 1 (fast) to 9 (small). Throws kkt::Error on a
// zlib failure.
std::string gzip(std::string_view data, int level);

// Whether an Accept-Encoding value accepts gzip ("gzip", "gzip, deflate", not "gzip;q=0").
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace kkt::web
