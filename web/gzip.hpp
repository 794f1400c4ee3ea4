#pragma once
// gzip (RFC 1952) with zlib, and whether a request takes it. Concatenated gzip members are one
// valid stream (RFC 1952 2.2, and Go's reader, Prometheus', reads them so): a large body
// compressed once can be sent after a small part compressed per request.
#include <memory>
#include <string>
#include <string_view>

#include "common/output_spool.hpp"

namespace kkt::web {

// One gzip member holding `data`; `level` 1 (fast) to 9 (small). Throws kkt::Error on a
// zlib failure.
std::string gzip(std::string_view data, int level);

// One gzip member written piece by piece into `out` (an OutputSpool, for a body too large to
// hold twice in memory): write() the data, then finish() once. Throws kkt::Error on a zlib
// failure.
class GzipWriter final : public TextSink {
  public:
    GzipWriter(TextSink& out, int level);
    ~GzipWriter() override;
    GzipWriter(const GzipWriter&) = delete;
    GzipWriter& operator=(const GzipWriter&) = delete;

    void write(std::string_view data) override;
    void finish();

    struct Stream;

  private:
    void deflate_into_out(std::string_view data, bool last);

    TextSink& out_;
    std::unique_ptr<Stream> stream_;
};

// Whether an Accept-Encoding value accepts gzip ("gzip", "gzip, deflate", not "gzip;q=0").
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace kkt::web
