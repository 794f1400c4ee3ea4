#include <string>

#include "handlers.hpp"

namespace emu {
namespace {

constexpr double bytes_per_mib = 1024.0 * 1024.0;

// Invalid JSON that still looks like the real thing: a key separator turned into ';'.
std::string malformed(std::string text) {
    const auto colon = text.find(':');
    if (colon == std::string::npos) return "[{]";
    text[colon] = ';';
    return text;
}

// Invalid UTF-8 (a broken 2-byte sequence and a 0xFF) inside a string that clients read.
std::string with_invalid_utf8(std::string text) {
    static constexpr std::string_view invalid_utf8 = "\xC3\x28\xFF";
    static constexpr std::string_view address_key = R"("fiscalStoragePaymentAddress":")";
    if (const auto at = text.find(address_key); at != std::string::npos) {
        text.insert(at + address_key.size(), invalid_utf8);
    } else if (const auto brace = text.find('{'); brace != std::string::npos) {
        text.insert(brace + 1, R"("note":")" + std::string(invalid_utf8) + R"(",)");
    }
    return text;
}

}  // namespace

void apply_body_faults(Response& response, const Faults& faults) {
    if (faults.empty_body) {
        response.body = Body{};
    } else {
        if (faults.malformed || faults.non_utf8) {
            std::string text = response.body.flatten();
            if (faults.malformed) text = malformed(std::move(text));
            if (faults.non_utf8) text = with_invalid_utf8(std::move(text));
            response.body = Body{};
            response.body.append(std::move(text));
        }
        const auto wanted = static_cast<std::size_t>(faults.oversize_mib * bytes_per_mib);
        if (wanted > response.body.size() && response.body.size() > 0) {
            // Whitespace before the closing bracket keeps the JSON valid and its content equal.
            const std::size_t size = response.body.size();
            std::string last(response.body.slice(size - 1, 1).front());
            response.body.truncate(size - 1);
            response.body.append_spaces(wanted - size);
            response.body.append(std::move(last));
        }
        if (faults.truncated) response.body.truncate(response.body.size() / 2);
    }
    response.slow_body = faults.slow_body;
}

Response injected_failure(unsigned status, const Faults& faults) {
    Response response;
    response.status = status;
    if (status >= 500 || status == 429) {  // what a proxy in front of the API would send
        const std::string title = std::to_string(status) + " " + reason_phrase(status);
        response.content_type = "text/html";
        response.body.append("<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n" +
                             "<center><h1>" + title + "</h1></center>\r\n" +
                             "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
    } else if (status == 401) {
        response = api_error(status, 11, "Переданный токен не активен");
    } else if (status >= 400) {
        response = api_error(status, 40, "Некорректный запрос");
    } else if (status != 204 && status != 304) {
        response = json_response(status, R"({"injected":)" + std::to_string(status) + "}");
    } else {
        response.content_type.clear();
    }
    if (faults.retry_after) {
        response.headers.emplace_back("Retry-After", std::to_string(*faults.retry_after));
    }
    return response;
}

}  // namespace emu
