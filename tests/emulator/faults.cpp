#include "faults.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>
#include <charconv>
#include <stdexcept>

namespace emu {
namespace {

namespace json = boost::json;

long integer_member(const json::value& v, std::string_view key) {
    if (const auto* i = v.if_int64()) return static_cast<long>(*i);
    if (const auto* u = v.if_uint64()) return static_cast<long>(*u);
    if (const auto* d = v.if_double(); d && *d == static_cast<double>(static_cast<long>(*d))) {
        return static_cast<long>(*d);
    }
    throw std::invalid_argument(std::string(key) + ": an integer is expected");
}

double number_member(const json::value& v, std::string_view key) {
    if (v.is_number()) return v.to_number<double>();
    throw std::invalid_argument(std::string(key) + ": a number is expected");
}

bool bool_member(const json::value& v, std::string_view key) {
    if (const auto* b = v.if_bool()) return *b;
    throw std::invalid_argument(std::string(key) + ": true or false is expected");
}

std::string_view string_member(const json::value& v, std::string_view key) {
    if (const auto* s = v.if_string()) return *s;
    throw std::invalid_argument(std::string(key) + ": a string is expected");
}

}  // namespace

Paging parse_paging(std::string_view text) {
    if (text == "honour" || text == "honor") return {PagingMode::honour, 0};
    if (text == "ignore") return {PagingMode::ignore, 0};
    if (text == "repeat") return {PagingMode::repeat, 0};
    if (text.starts_with("cap:")) {
        const std::string_view number = text.substr(4);
        std::size_t cap = 0;
        const auto [end, error] =
            std::from_chars(number.data(), number.data() + number.size(), cap);
        if (error == std::errc{} && end == number.data() + number.size() && cap > 0) {
            return {PagingMode::cap, cap};
        }
    }
    throw std::invalid_argument("paging must be honour, cap:M (M > 0), ignore or repeat, not '" +
                                std::string(text) + "'");
}

std::string to_string(const Paging& paging) {
    switch (paging.mode) {
        case PagingMode::cap:
            return "cap:" + std::to_string(paging.cap);
        case PagingMode::ignore:
            return "ignore";
        case PagingMode::repeat:
            return "repeat";
        case PagingMode::honour:
            break;
    }
    return "honour";
}

FaultPath parse_fault_path(std::string_view text) {
    if (text == "auth") return FaultPath::auth;
    if (text == "list") return FaultPath::list;
    if (text == "get") return FaultPath::get;
    if (text == "any") return FaultPath::any;
    throw std::invalid_argument("a fault path must be auth, list, get or any, not '" +
                                std::string(text) + "'");
}

std::string_view to_string(FaultPath path) {
    switch (path) {
        case FaultPath::auth:
            return "auth";
        case FaultPath::list:
            return "list";
        case FaultPath::get:
            return "get";
        case FaultPath::any:
            break;
    }
    return "any";
}

bool matches(FaultPath path, Endpoint endpoint) {
    switch (path) {
        case FaultPath::auth:
            return endpoint == Endpoint::auth;
        case FaultPath::list:
            return endpoint == Endpoint::list;
        case FaultPath::get:
            return endpoint == Endpoint::get;
        case FaultPath::any:
            break;
    }
    return true;
}

Faults tag_invoke(json::value_to_tag<Faults>, const json::value& v) {
    const auto* object = v.if_object();
    if (!object) throw std::invalid_argument("faults must be a JSON object");
    Faults f;
    for (const auto& [key_text, value] : *object) {
        const std::string_view key = key_text;
        if (value.is_null()) continue;  // null = the default, as if left out
        if (key == "latency_ms") {
            f.latency = std::chrono::milliseconds(integer_member(value, key));
        } else if (key == "fail_status") {
            f.fail_status = static_cast<unsigned>(integer_member(value, key));
        } else if (key == "fail_count") {
            f.fail_count = integer_member(value, key);
        } else if (key == "fail_path") {
            f.fail_path = parse_fault_path(string_member(value, key));
        } else if (key == "retry_after") {
            f.retry_after = integer_member(value, key);
        } else if (key == "expire_tokens_after_pages") {
            f.expire_tokens_after_pages = integer_member(value, key);
        } else if (key == "malformed") {
            f.malformed = bool_member(value, key);
        } else if (key == "truncated") {
            f.truncated = bool_member(value, key);
        } else if (key == "empty_body") {
            f.empty_body = bool_member(value, key);
        } else if (key == "non_utf8") {
            f.non_utf8 = bool_member(value, key);
        } else if (key == "oversize_mib") {
            f.oversize_mib = number_member(value, key);
        } else if (key == "slow_body_ms") {
            f.slow_body = std::chrono::milliseconds(integer_member(value, key));
        } else if (key == "gzip") {
            f.gzip = bool_member(value, key);
        } else if (key == "body_fault_path") {
            f.body_fault_path = parse_fault_path(string_member(value, key));
        } else if (key == "paging") {
            f.paging = parse_paging(string_member(value, key));
        } else {
            throw std::invalid_argument("unknown fault '" + std::string(key) + "'");
        }
    }
    if (f.fail_status != 0 && (f.fail_status < 200 || f.fail_status > 599)) {
        throw std::invalid_argument("fail_status must be an HTTP status 200..599");
    }
    if (f.latency.count() < 0 || f.slow_body.count() < 0 || f.oversize_mib < 0 ||
        f.fail_count < -1 || (f.expire_tokens_after_pages && *f.expire_tokens_after_pages < 0)) {
        throw std::invalid_argument("fault values must not be negative (fail_count: -1 = all)");
    }
    return f;
}

void tag_invoke(json::value_from_tag, json::value& v, const Faults& f) {
    json::object o;
    o["latency_ms"] = f.latency.count();
    o["fail_status"] = f.fail_status;
    o["fail_count"] = f.fail_count;
    o["fail_path"] = to_string(f.fail_path);
    o["retry_after"] = f.retry_after ? json::value(*f.retry_after) : json::value(nullptr);
    o["expire_tokens_after_pages"] = f.expire_tokens_after_pages
                                         ? json::value(*f.expire_tokens_after_pages)
                                         : json::value(nullptr);
    o["malformed"] = f.malformed;
    o["truncated"] = f.truncated;
    o["empty_body"] = f.empty_body;
    o["non_utf8"] = f.non_utf8;
    if (f.oversize_mib == static_cast<double>(static_cast<long>(f.oversize_mib))) {
        o["oversize_mib"] = static_cast<long>(f.oversize_mib);  // 2, not 2E0
    } else {
        o["oversize_mib"] = f.oversize_mib;
    }
    o["slow_body_ms"] = f.slow_body.count();
    o["gzip"] = f.gzip;
    o["body_fault_path"] = to_string(f.body_fault_path);
    o["paging"] = to_string(f.paging);
    v = std::move(o);
}

}  // namespace emu
