#pragma once
// Injected misbehaviour: set from the command line at start and replaced as a whole by
// POST /_emulator/faults (a key left out there means "no such fault").
#include <boost/json/fwd.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace emu {

enum class PagingMode {
    honour,  // limit/offset applied; no limit = everything from offset
    cap,     // as honour, but never more than `cap` items per page
    ignore,  // limit/offset ignored: the whole list every time
    repeat,  // offset ignored: the first `limit` items every time
};

struct Paging {
    PagingMode mode = PagingMode::honour;
    std::size_t cap = 0;
};

// "honour", "cap:M", "ignore", "repeat"; throws std::invalid_argument.
Paging parse_paging(std::string_view text);
std::string to_string(const Paging& paging);

// Which API endpoint a fault hits.
enum class Endpoint { auth, list, get, other };
enum class FaultPath { auth, list, get, any };

FaultPath parse_fault_path(std::string_view text);  // throws std::invalid_argument
std::string_view to_string(FaultPath path);
bool matches(FaultPath path, Endpoint endpoint);

struct Faults {
    std::chrono::milliseconds latency{0};  // before every /api response
    unsigned fail_status = 0;              // 0: none; else this HTTP status is answered
    long fail_count = -1;                  // how many matching requests fail; -1 = all
    FaultPath fail_path = FaultPath::any;
    std::optional<long> retry_after;  // Retry-After header (seconds) on injected failures
    std::optional<long> expire_tokens_after_pages;  // one 401/code 11 after N list pages
    // Body faults, on successful answers of `body_fault_path` (list by default):
    bool malformed = false;   // invalid JSON
    bool truncated = false;   // the first half of the body, with its own Content-Length
    bool empty_body = false;  // 200 with no body
    bool non_utf8 = false;    // invalid UTF-8 bytes inside a string
    double oversize_mib = 0;  // valid JSON padded with whitespace to at least this size
    std::chrono::milliseconds slow_body{0};  // headers at once, the body spread over this
    bool gzip = false;  // Content-Encoding: gzip (after the faults above), if the client accepts it
    FaultPath body_fault_path = FaultPath::list;
    Paging paging;

    bool has_body_fault() const {
        return malformed || truncated || empty_body || non_utf8 || oversize_mib > 0 ||
               slow_body.count() > 0 || gzip;
    }
};

// JSON keys as in README.md; unknown keys and wrong types throw std::invalid_argument.
Faults tag_invoke(boost::json::value_to_tag<Faults>, const boost::json::value& v);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const Faults& faults);

}  // namespace emu
