#pragma once
// --web.config.file in the format of the Prometheus exporter-toolkit (the file node_exporter and
// the other official exporters take), so one file serves all of them:
//
//   tls_server_config:
//     cert_file: server.crt        # relative paths: to the file's directory
//     key_file: server.key
//     min_version: TLS12           # TLS10 ... TLS13 (default TLS12); also max_version
//   basic_auth_users:
//     prometheus: $2y$10$...       # bcrypt hashes (htpasswd -nBC 10 "" | tr -d ':\n')
//
// Keys of the format this server does not implement (client certificates, cipher suites,
// response headers) are refused by name, never ignored: a setting the admin relies on must not
// silently do nothing. http_server_config.http2 is accepted and has no effect (HTTP/1.1 only).
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kkt::web {

struct TlsServerConfig {
    std::string cert_file;
    std::string key_file;
    std::string min_version = "TLS12";
    std::string max_version;  // empty: the newest OpenSSL has
};

struct WebConfig {
    std::optional<TlsServerConfig> tls;
    std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash
};

// Parses the YAML `text`; `base_dir` resolves relative file names; `display_name` names the
// file in errors. Throws ConfigError.
WebConfig parse_web_config(std::string_view text, const std::string& base_dir,
                           const std::string& display_name);
// Reads and parses the file `path`.
WebConfig load_web_config(const std::string& path);

}  // namespace kkt::web
