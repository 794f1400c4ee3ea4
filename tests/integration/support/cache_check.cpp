#include "integration/support/cache_check.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace kkt::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

std::string read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool starts_with(const std::string& text, const char* prefix) {
    return text.rfind(prefix, 0) == 0;
}

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Invalid UTF-8 allowed: the list is stored as the API sent it (the program repairs strings
// when it maps them, and reads its cache the same way).
std::optional<json::value> parse(const std::string& text) {
    json::error_code ec;
    json::parse_options options;
    options.allow_invalid_utf8 = true;
    json::value value = json::parse(text, ec, {}, options);
    if (ec) return std::nullopt;
    return value;
}

bool is_iso_string(const json::value* v) {
    return v && v->is_string() && v->get_string().size() >= 20;
}

std::string check_token(const std::string& text) {
    auto value = parse(text);
    if (!value || !value->is_object()) return "not a JSON object";
    const auto& o = value->get_object();
    const auto* token = o.if_contains("token");
    if (!token || !token->is_string() || token->get_string().empty()) return "no token";
    if (!is_iso_string(o.if_contains("expires_at"))) return "no expires_at";
    return "";
}

std::string check_list(const std::string& text) {
    const auto newline = text.find('\n');
    if (newline == std::string::npos) return "no header line";
    auto header = parse(text.substr(0, newline));
    if (!header || !header->is_object()) return "header is not a JSON object";
    const auto& h = header->get_object();
    const auto* bytes = h.if_contains("bytes");
    const auto* count = h.if_contains("count");
    if (!bytes || !bytes->is_number() || !count || !count->is_number())
        return "header lacks bytes/count";
    if (!is_iso_string(h.if_contains("fetched_at"))) return "header lacks fetched_at";
    const std::string body = text.substr(newline + 1);
    if (body.size() != bytes->to_number<std::uint64_t>())
        return "body is " + std::to_string(body.size()) + " bytes, header says " +
               std::to_string(bytes->to_number<std::uint64_t>());
    auto array = parse(body);
    if (!array || !array->is_array()) return "body is not a JSON array";
    if (array->get_array().size() != count->to_number<std::uint64_t>())
        return "body holds " + std::to_string(array->get_array().size()) + " registers, header " +
               std::to_string(count->to_number<std::uint64_t>());
    for (const auto& element : array->get_array())
        if (!element.is_object()) return "an element is not an object";
    return "";
}

// The index: a JSON header line, then `count` entries of three uint64 (common/cache.hpp).
std::string check_index(const std::string& text) {
    const auto newline = text.find('\n');
    if (newline == std::string::npos) return "no header line";
    auto header = parse(text.substr(0, newline));
    if (!header || !header->is_object()) return "header is not a JSON object";
    const auto& h = header->get_object();
    const auto* count = h.if_contains("count");
    const auto* generation = h.if_contains("generation");
    if (!count || !count->is_number() || !h.if_contains("bytes") || !generation ||
        !generation->is_string())
        return "header lacks count/bytes/generation";
    const std::size_t entries = text.size() - newline - 1;
    if (entries != count->to_number<std::uint64_t>() * 24)
        return "holds " + std::to_string(entries) + " bytes of entries for " +
               std::to_string(count->to_number<std::uint64_t>());
    return "";
}

// {"version":1,"generation":G,"registers":{SERIAL:{"shift":…,"first_seen_open":…}}}
// (common/register_records.hpp).
std::string check_shifts(const std::string& text) {
    auto value = parse(text);
    if (!value || !value->is_object()) return "not a JSON object";
    const auto* registers = value->get_object().if_contains("registers");
    if (!registers || !registers->is_object()) return "lacks registers";
    for (const auto& [serial, seen] : registers->get_object()) {
        if (!seen.is_object() || !is_iso_string(seen.get_object().if_contains("first_seen_open")))
            return "entry " + std::string(serial) + " is malformed";
    }
    return "";
}

// {"version":1,"registers":{SERIAL:{"fn":…,"samples":"T U D;T U D…"}}}: each sample three
// space-separated fields (common/fn_history.hpp).
std::string check_history(const std::string& text) {
    auto value = parse(text);
    if (!value || !value->is_object()) return "not a JSON object";
    const auto& o = value->get_object();
    const auto* version = o.if_contains("version");
    const auto* registers = o.if_contains("registers");
    if (!version || !version->is_int64() || !registers || !registers->is_object())
        return "lacks version/registers";
    for (const auto& [serial, history] : registers->get_object()) {
        const auto* samples =
            history.is_object() ? history.get_object().if_contains("samples") : nullptr;
        if (!samples || !samples->is_string())
            return "entry " + std::string(serial) + " is malformed";
        const std::string text(samples->get_string());
        std::size_t start = 0;
        while (!text.empty()) {
            const std::size_t end = std::min(text.find(';', start), text.size());
            if (std::count(text.begin() + static_cast<std::ptrdiff_t>(start),
                           text.begin() + static_cast<std::ptrdiff_t>(end), ' ') != 2)
                return "entry " + std::string(serial) + " has a malformed sample";
            if (end == text.size()) break;
            start = end + 1;
        }
    }
    return "";
}

// The records of the shift state or ФН history written one register at a time since its
// whole map (common/register_records.hpp): small, of a generation, a record or null each.
std::string check_recent(const std::string& text) {
    if (text.size() > 64 * 1024) return "larger than its bound";
    auto value = parse(text);
    if (!value || !value->is_object()) return "not a JSON object";
    const auto& o = value->get_object();
    const auto* generation = o.if_contains("generation");
    const auto* registers = o.if_contains("registers");
    if (!generation || !generation->is_string() || !registers || !registers->is_object())
        return "lacks generation/registers";
    for (const auto& [serial, record] : registers->get_object())
        if (!record.is_object() && !record.is_null())
            return "entry " + std::string(serial) + " is malformed";
    return "";
}

// The fetch record (common/fetch_record.hpp): when the list was last fetched, when a fetch
// failed after that and why.
std::string check_fetch_record(const std::string& text) {
    auto value = parse(text);
    if (!value || !value->is_object()) return "not a JSON object";
    const auto& o = value->get_object();
    for (const char* key : {"fetched_at", "failed_at"}) {
        const auto* time = o.if_contains(key);
        if (!time || !(time->is_null() || is_iso_string(time)))
            return std::string("no ") + key + " time or null";
    }
    const auto* error = o.if_contains("error");
    if (!error || !error->is_string()) return "no error text";
    if (o.at("failed_at").is_null() != error->get_string().empty())
        return "an error text without a failure time, or a failure without one";
    return "";
}

}  // namespace

std::string CacheInspection::summary() const {
    if (problems.empty()) return "consistent";
    std::string text;
    for (const auto& p : problems) text += p + "\n";
    return text;
}

CacheInspection inspect_cache(const std::string& dir) {
    CacheInspection result;
    struct stat dir_stat {};
    if (lstat(dir.c_str(), &dir_stat) != 0) return result;
    result.dir_exists = true;
    if (!S_ISDIR(dir_stat.st_mode)) result.problems.push_back(dir + " is not a directory");
    if ((dir_stat.st_mode & 0777) != 0700)
        result.problems.push_back(dir + " has mode " + std::to_string(dir_stat.st_mode & 0777));
    for (const auto& entry : fs::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        struct stat st {};
        if (lstat(entry.path().c_str(), &st) != 0) continue;  // removed meanwhile
        if (!S_ISREG(st.st_mode)) {
            result.problems.push_back(name + " is not a regular file");
            continue;
        }
        ++result.files;
        if ((st.st_mode & 0777) != 0600 || st.st_uid != geteuid())
            result.problems.push_back(name + " is not a 0600 file of ours");
        if (starts_with(name, ".")) {
            ++result.temp_leftovers;
            continue;
        }
        const std::string text = read_all(entry.path());
        std::string problem;
        if (starts_with(name, "token-") && ends_with(name, ".json")) {
            ++result.token_files;
            problem = check_token(text);
        } else if (starts_with(name, "registers-") && ends_with(name, ".json")) {
            ++result.list_files;
            problem = check_list(text);
        } else if ((starts_with(name, "registers-") || starts_with(name, "shifts-") ||
                    starts_with(name, "history-")) &&
                   ends_with(name, ".index")) {
            ++result.index_files;
            problem = check_index(text);
        } else if (starts_with(name, "shifts-") && ends_with(name, ".json")) {
            ++result.shift_files;
            problem = check_shifts(text);
        } else if (starts_with(name, "history-") && ends_with(name, ".json")) {
            ++result.history_files;
            problem = check_history(text);
        } else if ((starts_with(name, "shifts-") || starts_with(name, "history-")) &&
                   ends_with(name, ".recent")) {
            ++result.recent_files;
            problem = check_recent(text);
        } else if (starts_with(name, "fetch-") && ends_with(name, ".json")) {
            ++result.fetch_records;
            problem = check_fetch_record(text);
        } else if (ends_with(name, ".lock")) {
            ++result.lock_files;
        } else {
            problem = "unexpected file";
        }
        if (!problem.empty()) result.problems.push_back(name + ": " + problem);
    }
    return result;
}

std::string cached_token(const std::string& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (!starts_with(name, "token-")) continue;
        auto value = parse(read_all(entry.path()));
        if (value && value->is_object())
            if (const auto* token = value->get_object().if_contains("token");
                token && token->is_string())
                return std::string(token->get_string());
    }
    return "";
}

}  // namespace kkt::testing
