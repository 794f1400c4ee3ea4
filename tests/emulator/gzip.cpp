#include "gzip.hpp"

#include <zlib.h>

#include <cctype>
#include <map>
#include <stdexcept>
#include <utility>

namespace emu {
namespace {

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// Raw deflate of `input` on a fresh stream: ending on a full flush (byte-aligned, no history
// needed after it), or with the final block when `finish`.
std::string deflate_raw(std::string_view input, bool finish) {
    z_stream stream{};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("zlib: deflateInit2 failed");
    std::string out;
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream.avail_in = static_cast<uInt>(input.size());
    int status = Z_OK;
    do {  // until deflate leaves room in the buffer: then it has said everything
        char buffer[65536];
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof buffer;
        status = deflate(&stream, finish ? Z_FINISH : Z_FULL_FLUSH);
        out.append(buffer, sizeof buffer - stream.avail_out);
    } while ((status == Z_OK || status == Z_BUF_ERROR) && stream.avail_out == 0);
    deflateEnd(&stream);
    if (status == Z_STREAM_ERROR) throw std::runtime_error("zlib: deflate failed");
    return out;
}

void append_le32(std::string& out, std::uint32_t value) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
    while (!accept_encoding.empty()) {
        const auto comma = accept_encoding.find(',');
        const std::string_view item = accept_encoding.substr(0, comma);
        const std::string coding = lowercase(trim(item.substr(0, item.find(';'))));
        if (coding == "gzip" || coding == "x-gzip") return true;
        if (comma == std::string_view::npos) break;
        accept_encoding.remove_prefix(comma + 1);
    }
    return false;
}

std::string gzip(const Body& body) {
    struct Deflated {
        std::string bytes;
        uLong crc = 0;
    };
    // Header: magic, deflate, no flags, no time, no extra flags, unknown OS.
    std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
    std::map<std::pair<const char*, std::size_t>, Deflated> done;
    uLong crc = crc32(0L, Z_NULL, 0);
    for (const std::string_view segment : body.slice(0, body.size())) {
        auto [it, fresh] = done.try_emplace({segment.data(), segment.size()});
        if (fresh) {
            it->second.bytes = deflate_raw(segment, /*finish=*/false);
            it->second.crc =
                crc32_z(0L, reinterpret_cast<const Bytef*>(segment.data()), segment.size());
        }
        out += it->second.bytes;
        crc = crc32_combine(crc, it->second.crc, static_cast<z_off_t>(segment.size()));
    }
    out += deflate_raw({}, /*finish=*/true);  // the final, empty block
    append_le32(out, static_cast<std::uint32_t>(crc));
    append_le32(out, static_cast<std::uint32_t>(body.size() & 0xffffffffU));
    return out;
}

}  // namespace emu
