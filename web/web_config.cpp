#include "web/web_config.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/errors.hpp"

namespace kkt::web {
namespace {

// Keys of the exporter-toolkit format this server does not implement.
const std::set<std::string> unsupported_tls_keys{
    "client_ca_file",    "client_allowed_sans",         "cipher_suites",
    "curve_preferences", "prefer_server_cipher_suites", "client_auth_type"};
const std::set<std::string> tls_versions{"TLS10", "TLS11", "TLS12", "TLS13"};

class Reader {
  public:
    Reader(std::string display_name, std::string base_dir)
        : name_(std::move(display_name)), base_dir_(std::move(base_dir)) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw ConfigError("web config " + name_ + ": " + what);
    }

    std::string scalar(const YAML::Node& node, const std::string& key) const {
        if (!node.IsScalar()) fail(key + " must be a string");
        return node.as<std::string>();
    }

    std::string file(const YAML::Node& node, const std::string& key) const {
        const std::string value = scalar(node, key);
        if (value.empty()) fail(key + " must name a file");
        return std::filesystem::path(value).is_absolute() ? value : base_dir_ + "/" + value;
    }

    std::optional<TlsServerConfig> tls(const YAML::Node& node) const {
        if (node.IsNull()) return std::nullopt;
        if (!node.IsMap()) fail("tls_server_config must be a mapping");
        TlsServerConfig tls;
        for (const auto& entry : node) {
            const std::string key = entry.first.as<std::string>();
            const std::string path = "tls_server_config." + key;
            if (key == "cert_file") {
                tls.cert_file = file(entry.second, path);
            } else if (key == "key_file") {
                tls.key_file = file(entry.second, path);
            } else if (key == "min_version" || key == "max_version") {
                const std::string version = scalar(entry.second, path);
                if (!tls_versions.contains(version))
                    fail(path + " must be TLS10, TLS11, TLS12 or TLS13 (got '" + version + "')");
                (key == "min_version" ? tls.min_version : tls.max_version) = version;
            } else if (unsupported_tls_keys.contains(key)) {
                // client_auth_type: NoClientCert is what this server does anyway.
                if (key == "client_auth_type" && scalar(entry.second, path) == "NoClientCert")
                    continue;
                fail(path +
                     " is not supported by atol-kkt (no client certificates, OpenSSL's "
                     "default ciphers and curves)");
            } else {
                fail("unknown key " + path);
            }
        }
        if (tls.cert_file.empty() && tls.key_file.empty()) return std::nullopt;
        if (tls.cert_file.empty()) fail("tls_server_config.cert_file is missing");
        if (tls.key_file.empty()) fail("tls_server_config.key_file is missing");
        return tls;
    }

    void http_server(const YAML::Node& node) const {
        if (node.IsNull()) return;
        if (!node.IsMap()) fail("http_server_config must be a mapping");
        for (const auto& entry : node) {
            const std::string key = entry.first.as<std::string>();
            if (key == "http2") {
                if (!entry.second.IsScalar())
                    fail("http_server_config.http2 must be true or false");
                continue;  // HTTP/1.1 only: the setting changes nothing here
            }
            if (key == "headers") fail("http_server_config.headers is not supported by atol-kkt");
            fail("unknown key http_server_config." + key);
        }
    }

    std::map<std::string, std::string> users(const YAML::Node& node) const {
        std::map<std::string, std::string> users;
        if (node.IsNull()) return users;
        if (!node.IsMap()) fail("basic_auth_users must be a mapping of user: bcrypt hash");
        for (const auto& entry : node) {
            const std::string user = entry.first.as<std::string>();
            users[user] = scalar(entry.second, "the hash of user '" + user + "'");
        }
        return users;
    }

  private:
    std::string name_;
    std::string base_dir_;
};

}  // namespace

WebConfig parse_web_config(std::string_view text, const std::string& base_dir,
                           const std::string& display_name) {
    const Reader reader(display_name, base_dir);
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        // The mark says where; the message is yaml-cpp's, never the file's content.
        reader.fail("not valid YAML (line " + std::to_string(e.mark.line + 1) + "): " + e.msg);
    }
    WebConfig config;
    if (root.IsNull()) return config;
    if (!root.IsMap()) reader.fail("expected a mapping at the top");
    try {
        for (const auto& entry : root) {
            const std::string key = entry.first.as<std::string>();
            if (key == "tls_server_config")
                config.tls = reader.tls(entry.second);
            else if (key == "http_server_config")
                reader.http_server(entry.second);
            else if (key == "basic_auth_users")
                config.basic_auth_users = reader.users(entry.second);
            else
                reader.fail("unknown key " + key);
        }
    } catch (const YAML::Exception& e) {
        reader.fail("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    return config;
}

WebConfig load_web_config(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ConfigError("cannot read web config " + path);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw ConfigError("cannot read web config " + path);
    const std::string dir = std::filesystem::path(path).parent_path().string();
    return parse_web_config(text.str(), dir.empty() ? "." : dir, path);
}

}  // namespace kkt::web
