#pragma once
// HTTP basic authentication against bcrypt hashes, verified by libxcrypt's crypt_r. A bcrypt
// check costs tens of milliseconds by design, so a verified (user, password) pair is remembered
// by its SHA-256 (never in clear) and Prometheus' scrapes every few seconds cost a hash lookup.
// An unknown user is checked against a dummy hash of the same cost, so timing does not tell
// which users exist.
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace kkt::web {

class BasicAuth {
  public:
    // user -> bcrypt hash ($2a$, $2b$ or $2y$). Throws ConfigError for a user name with a ':'
    // or a hash that is not bcrypt.
    explicit BasicAuth(std::map<std::string, std::string> users);
    // Whether the Authorization header's value ("Basic base64(user:password)") names a user
    // with that password. An absent or malformed header is false.
    bool allows(std::string_view authorization) const;
    // The user of a header value, for logs (the password is never kept or shown); "" if none.
    static std::string user_of(std::string_view authorization);

  private:
    bool verify(const std::string& password, const std::string& hash) const;
    std::map<std::string, std::string> users_;
    std::string dummy_hash_;
    mutable std::mutex mutex_;
    mutable std::unordered_set<std::string> verified_;  // SHA-256 of user, password and hash
};

// A bcrypt hash of `password` with `cost` (4..31) and a random salt: for tests and tools.
std::string bcrypt_hash(const std::string& password, int cost);

}  // namespace kkt::web
