#pragma once
// What --web.config.file turns on (web/web_config.hpp): TLS for every connection, basic
// authentication for every request. Immutable once made; a reload makes a new one.
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "web/basic_auth.hpp"
#include "web/web_config.hpp"

namespace kkt::web {

struct Security {
    std::shared_ptr<boost::asio::ssl::context> tls;  // null: plain HTTP
    std::shared_ptr<const BasicAuth> auth;           // null: no authentication
};

// Loads the certificate and key, checks they match, and prepares the users. Throws ConfigError
// naming the file or setting that is wrong.
std::shared_ptr<const Security> make_security(const WebConfig& config);

}  // namespace kkt::web
