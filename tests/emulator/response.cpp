#include "response.hpp"

#include <algorithm>
#include <boost/beast/http/status.hpp>
#include <random>

#include "json_text.hpp"
#include "time_format.hpp"

namespace emu {
namespace {

constexpr std::size_t space_block_size = 1 << 20;

const std::shared_ptr<const std::string>& space_block() {
    static const auto block = std::make_shared<const std::string>(space_block_size, ' ');
    return block;
}

std::string error_id() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    static constexpr char hex_digits[] = "0123456789abcdef";
    std::string id;
    for (int i = 0; i < 32; ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
        id += hex_digits[random() & 0xF];
    }
    return id;
}

}  // namespace

void Body::append(std::string text) {
    auto owned = std::make_shared<const std::string>(std::move(text));
    const std::string_view bytes = *owned;
    append_shared(std::move(owned), bytes);
}

void Body::append_static(std::string_view text) {
    append_shared(nullptr, text);
}

void Body::append_shared(std::shared_ptr<const void> owner, std::string_view bytes) {
    if (bytes.empty()) return;
    size_ += bytes.size();
    segments_.push_back({std::move(owner), bytes});
}

void Body::append_spaces(std::size_t count) {
    while (count > 0) {
        const std::size_t n = std::min(count, space_block_size);
        append_shared(space_block(), std::string_view(*space_block()).substr(0, n));
        count -= n;
    }
}

void Body::truncate(std::size_t new_size) {
    if (new_size >= size_) return;
    std::size_t kept = 0;
    std::vector<Segment> segments;
    for (auto& segment : segments_) {
        if (kept == new_size) break;
        const std::size_t n = std::min(segment.bytes.size(), new_size - kept);
        segments.push_back({segment.owner, segment.bytes.substr(0, n)});
        kept += n;
    }
    segments_ = std::move(segments);
    size_ = new_size;
}

std::string Body::flatten() const {
    std::string out;
    out.reserve(size_);
    for (const auto& segment : segments_) out += segment.bytes;
    return out;
}

std::vector<std::string_view> Body::slice(std::size_t from, std::size_t length) const {
    std::vector<std::string_view> views;
    std::size_t position = 0;
    for (const auto& segment : segments_) {
        if (length == 0) break;
        const std::size_t end = position + segment.bytes.size();
        if (end > from) {
            const std::size_t begin = std::max(from, position) - position;
            const std::size_t n = std::min(segment.bytes.size() - begin, length);
            views.push_back(segment.bytes.substr(begin, n));
            from += n;
            length -= n;
        }
        position = end;
    }
    return views;
}

std::string reason_phrase(unsigned status) {
    const auto known = boost::beast::http::int_to_status(status);
    if (known == boost::beast::http::status::unknown) return "Status";
    const auto reason = boost::beast::http::obsolete_reason(known);
    return std::string(reason.data(), reason.size());
}

std::string Response::head(bool keep_alive) const {
    std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status);
    head += "\r\nServer: atol-kkt-emulator\r\n";
    if (!content_type.empty()) head += "Content-Type: " + content_type + "\r\n";
    head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
    head += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    head += "\r\n";
    return head;
}

Response json_response(unsigned status, std::string json) {
    Response response;
    response.status = status;
    response.body.append(std::move(json));
    return response;
}

std::string api_error_json(int code, std::string_view text) {
    return R"({"error":{"error_id":")" + error_id() + R"(","code":)" + std::to_string(code) +
           R"(,"text":)" + json_quote(text) + R"(,"type":"system"},"timestamp":")" +
           format_api_timestamp(now_seconds()) + R"("})";
}

Response api_error(unsigned status, int code, std::string_view text) {
    return json_response(status, api_error_json(code, text));
}

}  // namespace emu
