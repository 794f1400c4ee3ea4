#include "integration/support/http_client.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <stdexcept>

namespace kkt::testing {
namespace {

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* reply) {
    static_cast<HttpReply*>(reply)->body.append(data, size * count);
    return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* reply) {
    const std::string line(data, size * count);
    const auto colon = line.find(':');
    if (colon != std::string::npos)
        static_cast<HttpReply*>(reply)->headers[lower(line.substr(0, colon))] =
            trimmed(line.substr(colon + 1));
    return size * count;
}

// Parses "HTTP/1.1 200 OK\r\nName: v\r\n\r\nbody"; false when the head is not complete.
bool parse_head(const std::string& raw, HttpReply& reply, std::size_t& body_at) {
    const auto end = raw.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    const auto first_line_end = raw.find("\r\n");
    const std::string status_line = raw.substr(0, first_line_end);
    if (status_line.size() >= 12) reply.status = std::atoi(status_line.c_str() + 9);
    std::size_t at = first_line_end + 2;
    while (at < end) {
        const auto line_end = raw.find("\r\n", at);
        const std::string line = raw.substr(at, line_end - at);
        const auto colon = line.find(':');
        if (colon != std::string::npos)
            reply.headers[lower(line.substr(0, colon))] = trimmed(line.substr(colon + 1));
        at = line_end + 2;
    }
    body_at = end + 4;
    return true;
}

}  // namespace

HttpReply http_get(const std::string& url, const GetOptions& options) {
    HttpReply reply;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    curl_slist* headers = nullptr;
    for (const auto& h : options.headers) headers = curl_slist_append(headers, h.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &reply);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
    if (!options.ca_file.empty())
        curl_easy_setopt(curl.get(), CURLOPT_CAINFO, options.ca_file.c_str());
    const CURLcode code = curl_easy_perform(curl.get());
    curl_slist_free_all(headers);
    if (code != CURLE_OK) {
        reply.status = 0;
        reply.error = curl_easy_strerror(code);
        return reply;
    }
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    reply.status = static_cast<int>(status);
    return reply;
}

HttpReply raw_exchange(int port, const std::string& request, std::chrono::milliseconds limit) {
    HttpReply reply;
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        close(fd);
        reply.error = "connect failed";
        return reply;
    }
    std::size_t sent = 0;
    while (sent < request.size()) {
        const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;  // the server may answer (431) before taking it all
        sent += static_cast<std::size_t>(n);
    }
    std::string raw;
    const auto end = std::chrono::steady_clock::now() + limit;
    std::size_t body_at = 0;
    bool head = false;
    char buf[65536];
    for (;;) {
        if (!head) head = parse_head(raw, reply, body_at);
        if (head && reply.headers.contains("content-length") &&
            raw.size() >= body_at + std::stoul(reply.headers["content-length"]))
            break;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            end - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            reply.error = "timed out";
            break;
        }
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        const ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            if (!head) reply.error = "closed without an answer";
            break;
        }
        raw.append(buf, static_cast<std::size_t>(n));
    }
    close(fd);
    if (!head) {
        reply.status = 0;
        return reply;
    }
    reply.body = raw.substr(body_at);
    return reply;
}

std::string basic_auth_header(const std::string& user, const std::string& password) {
    const std::string plain = user + ":" + password;
    std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                  reinterpret_cast<const unsigned char*>(plain.data()),
                                  static_cast<int>(plain.size()));
    encoded.resize(static_cast<std::size_t>(n));
    return "Authorization: Basic " + encoded;
}

std::string gunzip(const std::string& data) {
    std::string out;
    std::size_t at = 0;
    while (at < data.size()) {
        z_stream stream{};
        if (inflateInit2(&stream, 15 + 16) != Z_OK) throw std::runtime_error("inflateInit2");
        stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + at));
        stream.avail_in = static_cast<uInt>(data.size() - at);
        char buf[65536];
        int rc = Z_OK;
        while (rc == Z_OK) {
            stream.next_out = reinterpret_cast<Bytef*>(buf);
            stream.avail_out = sizeof buf;
            rc = inflate(&stream, Z_NO_FLUSH);
            out.append(buf, sizeof buf - stream.avail_out);
        }
        const std::size_t used = stream.total_in;
        inflateEnd(&stream);
        if (rc != Z_STREAM_END) throw std::runtime_error("not gzip data");
        at += used;
    }
    return out;
}

}  // namespace kkt::testing
