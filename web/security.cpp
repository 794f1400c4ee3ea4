#include "web/security.hpp"

#include <openssl/ssl.h>

#include <map>

#include "common/config.hpp"
#include "common/errors.hpp"

namespace kkt::web {
namespace {

namespace ssl = boost::asio::ssl;

int protocol_version(const std::string& name) {
    static const std::map<std::string, int> versions{{"TLS10", TLS1_VERSION},
                                                     {"TLS11", TLS1_1_VERSION},
                                                     {"TLS12", TLS1_2_VERSION},
                                                     {"TLS13", TLS1_3_VERSION}};
    return versions.at(name);
}

std::shared_ptr<ssl::context> tls_context(const TlsServerConfig& config) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::single_dh_use);
    SSL_CTX* native = context->native_handle();
    if (SSL_CTX_set_min_proto_version(native, protocol_version(config.min_version)) != 1 ||
        (!config.max_version.empty() &&
         SSL_CTX_set_max_proto_version(native, protocol_version(config.max_version)) != 1))
        throw ConfigError("web config: TLS versions " + config.min_version + ".." +
                          config.max_version + " are not available");
    boost::system::error_code error;
    context->use_certificate_chain_file(config.cert_file, error);
    if (error)
        throw ConfigError("cannot load the TLS certificate " + config.cert_file + ": " +
                          error.message());
    // A private key readable by others is a secret given away, as a password file would be.
    check_private_file(config.key_file, "TLS key");
    context->use_private_key_file(config.key_file, ssl::context::pem, error);
    if (error)
        throw ConfigError("cannot load the TLS key " + config.key_file + ": " + error.message());
    if (SSL_CTX_check_private_key(native) != 1)
        throw ConfigError("the TLS key " + config.key_file + " does not match the certificate " +
                          config.cert_file);
    return context;
}

}  // namespace

std::shared_ptr<const Security> make_security(const WebConfig& config) {
    auto security = std::make_shared<Security>();
    if (config.tls) security->tls = tls_context(*config.tls);
    if (!config.basic_auth_users.empty())
        security->auth = std::make_shared<const BasicAuth>(config.basic_auth_users);
    return security;
}

}  // namespace kkt::web
