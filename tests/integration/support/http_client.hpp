#pragma once
// HTTP from the tests' side, for servers under test: libcurl for ordinary requests (TLS, headers
// kept), and a raw socket for what no well-behaved client sends (a huge head, a body on GET, a
// client that stops half-way).
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace kkt::testing {

struct HttpReply {
    int status = 0;  // 0: no answer (connection refused or closed, TLS refused, timed out)
    std::map<std::string, std::string> headers;  // names lower-case
    std::string body;                            // as sent (not decompressed)
    std::string error;                           // why there was no answer
};

struct GetOptions {
    std::vector<std::string> headers{};  // "Name: value"
    std::string ca_file{};               // HTTPS: trust this CA
    std::chrono::milliseconds timeout{30000};
};

HttpReply http_get(const std::string& url, const GetOptions& options = {});

// Connects to 127.0.0.1:`port`, sends `request` as is, and reads one answer (to its
// Content-Length, or to the connection's end); status 0 when the server closed or `limit` ran
// out first.
HttpReply raw_exchange(int port, const std::string& request,
                       std::chrono::milliseconds limit = std::chrono::seconds(10));

// "Authorization: Basic …" for `user` and `password`.
std::string basic_auth_header(const std::string& user, const std::string& password);

// gzip-decoded `data` (several members in a row too); throws on bad data.
std::string gunzip(const std::string& data);

}  // namespace kkt::testing
