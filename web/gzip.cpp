#include "web/gzip.hpp"

#include <zlib.h>

#include <cctype>
#include <limits>

#include "common/errors.hpp"
#include "common/text.hpp"

namespace kkt::web {
namespace {

constexpr int gzip_window_bits = 15 + 16;  // 32 KiB window, gzip header and trailer
constexpr int memory_level = 8;

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::string gzip(std::string_view data, int level) {
    z_stream stream{};
    if (deflateInit2(&stream, level, Z_DEFLATED, gzip_window_bits, memory_level,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        throw Error("gzip: deflateInit2 failed");
    std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int result =
        data.size() > std::numeric_limits<uInt>::max() ? Z_BUF_ERROR : deflate(&stream, Z_FINISH);
    const auto size = stream.total_out;
    deflateEnd(&stream);
    if (result != Z_STREAM_END) throw Error("gzip: deflate failed");
    out.resize(size);
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
