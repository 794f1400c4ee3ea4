#pragma once
// A response as the session writes it: status, headers and a body made of segments that may
// be views into the shared fleet text (pages are never copied) or into shared padding.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu {

class Body {
  public:
    struct Segment {
        std::shared_ptr<const void> owner;  // keeps `bytes` alive
        std::string_view bytes;
    };

    void append(std::string text);
    void append_static(std::string_view text);  // text with static storage
    void append_shared(std::shared_ptr<const void> owner, std::string_view bytes);
    // `count` bytes of spaces, without allocating them (shared blocks).
    void append_spaces(std::size_t count);

    std::size_t size() const { return size_; }
    void truncate(std::size_t new_size);
    std::string flatten() const;
    // The views covering [from, from + length).
    std::vector<std::string_view> slice(std::size_t from, std::size_t length) const;

  private:
    std::vector<Segment> segments_;
    std::size_t size_ = 0;
};

struct Response {
    unsigned status = 200;
    std::string content_type = "application/json; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers
    Body body;
    std::chrono::milliseconds delay{0};      // before anything is sent
    std::chrono::milliseconds slow_body{0};  // the body is spread over this long

    // Status line and headers, ending with the empty line.
    std::string head(bool keep_alive) const;
};

// "Service Unavailable" for 503 and so on ("Status" for codes HTTP does not name).
std::string reason_phrase(unsigned status);

Response json_response(unsigned status, std::string json);
// The API's error body: {"error":{"error_id","code","text","type"},"timestamp"}.
std::string api_error_json(int code, std::string_view text);
Response api_error(unsigned status, int code, std::string_view text);

}  // namespace emu
