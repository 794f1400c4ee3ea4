#include "web/gzip.hpp"

#include <zlib.h>

#include <array>
#include <cctype>
#include <limits>

#include "common/errors.hpp"
#include "common/text.hpp"

namespace kkt::web {
namespace {

constexpr int gzip_window_bits = 15 + 16;  // 32 KiB window, gzip header and trailer
constexpr int memory_level = 8;
constexpr std::size_t output_chunk = 64 * 1024;

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

struct GzipWriter::Stream {
    z_stream z{};
    bool finished = false;
};

GzipWriter::GzipWriter(TextSink& out, int level) : out_(out), stream_(std::make_unique<Stream>()) {
    if (deflateInit2(&stream_->z, level, Z_DEFLATED, gzip_window_bits, memory_level,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        throw Error("gzip: deflateInit2 failed");
}

GzipWriter::~GzipWriter() {
    deflateEnd(&stream_->z);
}

void GzipWriter::write(std::string_view data) {
    // zlib counts in uInt: a piece larger than that goes in parts.
    constexpr std::size_t most = std::numeric_limits<uInt>::max();
    for (; data.size() > most; data.remove_prefix(most))
        deflate_into_out(data.substr(0, most), false);
    deflate_into_out(data, false);
}

void GzipWriter::finish() {
    if (!stream_->finished) deflate_into_out({}, true);
}

void GzipWriter::deflate_into_out(std::string_view data, bool last) {
    if (stream_->finished) throw Error("gzip: written after finish()");
    z_stream& z = stream_->z;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    std::array<char, output_chunk> chunk;
    for (;;) {
        z.next_out = reinterpret_cast<Bytef*>(chunk.data());
        z.avail_out = static_cast<uInt>(chunk.size());
        const int result = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
        if (result == Z_STREAM_ERROR) throw Error("gzip: deflate failed");
        out_.write(std::string_view(chunk.data(), chunk.size() - z.avail_out));
        if (last ? result == Z_STREAM_END : z.avail_out != 0) break;
    }
    stream_->finished = last;
}

std::string gzip(std::string_view data, int level) {
    std::string out;
    StringSink sink(out);
    GzipWriter writer(sink, level);
    writer.write(data);
    writer.finish();
    return out;
}

bool accepts_gzip(std::string_view accept_encoding) {
    std::string_view rest = accept_encoding;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string item = lower(trim(rest.substr(0, comma)));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        const auto semicolon = item.find(';');
        const std::string coding(trim(std::string_view(item).substr(0, semicolon)));
        if (coding != "gzip" && coding != "*") continue;
        if (semicolon == std::string::npos) return true;
        // "q=0" (or 0.0, 0.000) refuses it.
        std::string parameter(trim(std::string_view(item).substr(semicolon + 1)));
        if (!parameter.starts_with("q=")) return true;
        return parameter.find_first_not_of("0.", 2) != std::string::npos;
    }
    return false;
}

}  // namespace kkt::web
