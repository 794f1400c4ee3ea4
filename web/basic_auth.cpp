#include "web/basic_auth.hpp"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cctype>
#include <cstring>
#include <memory>
#include <optional>

#include "common/errors.hpp"

namespace kkt::web {
namespace {

constexpr std::size_t max_verified = 1024;  // remembered pairs; the set starts over when full
constexpr std::string_view basic_scheme = "basic ";

std::optional<std::string> decode_base64(std::string_view text) {
    if (text.empty() || text.size() > 4096) return std::nullopt;
    std::string out(text.size(), '\0');
    EVP_ENCODE_CTX* context = EVP_ENCODE_CTX_new();
    if (context == nullptr) return std::nullopt;
    EVP_DecodeInit(context);
    int written = 0, last = 0;
    const int ok = EVP_DecodeUpdate(context, reinterpret_cast<unsigned char*>(out.data()), &written,
                                    reinterpret_cast<const unsigned char*>(text.data()),
                                    static_cast<int>(text.size()));
    const int final_ok =
        ok < 0 ? -1
               : EVP_DecodeFinal(context, reinterpret_cast<unsigned char*>(out.data()) + written,
                                 &last);
    EVP_ENCODE_CTX_free(context);
    if (ok < 0 || final_ok < 0) return std::nullopt;
    out.resize(static_cast<std::size_t>(written + last));
    return out;
}

// The user and password of a header value; nullopt when it is not basic authentication.
std::optional<std::pair<std::string, std::string>> credentials_of(std::string_view header) {
    while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
    if (header.size() < basic_scheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < basic_scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(header[i])) != basic_scheme[i])
            return std::nullopt;
    header.remove_prefix(basic_scheme.size());
    while (!header.empty() && (header.front() == ' ' || header.back() == ' '))
        header.front() == ' ' ? header.remove_prefix(1) : header.remove_suffix(1);
    auto decoded = decode_base64(header);
    if (!decoded) return std::nullopt;
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

bool is_bcrypt(const std::string& hash) {
    return hash.size() == 60 &&
           (hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$")) &&
           std::isdigit(static_cast<unsigned char>(hash[4])) &&
           std::isdigit(static_cast<unsigned char>(hash[5])) && hash[6] == '$';
}

int cost_of(const std::string& hash) {
    return (hash[4] - '0') * 10 + (hash[5] - '0');
}

// SHA-256 of the NUL-separated parts, as raw bytes (a set key; never shown).
std::string digest_of(std::initializer_list<std::string_view> parts) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int size = 0;
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
    for (std::string_view part : parts) {
        EVP_DigestUpdate(context, part.data(), part.size());
        EVP_DigestUpdate(context, "", 1);
    }
    EVP_DigestFinal_ex(context, md.data(), &size);
    EVP_MD_CTX_free(context);
    return std::string(reinterpret_cast<const char*>(md.data()), size);
}

}  // namespace

BasicAuth::BasicAuth(std::map<std::string, std::string> users) : users_(std::move(users)) {
    int cost = 10;
    for (const auto& [user, hash] : users_) {
        if (user.empty() || user.find(':') != std::string::npos)
            throw ConfigError("basic_auth_users: user name '" + user +
                              "' must be non-empty and hold no ':'");
        if (!is_bcrypt(hash))
            throw ConfigError("basic_auth_users: the hash of user '" + user +
                              "' is not a bcrypt hash ($2y$..., 60 characters)");
        cost = cost_of(hash);
    }
    dummy_hash_ = bcrypt_hash("not a password of anyone", cost);
}

bool BasicAuth::verify(const std::string& password, const std::string& hash) const {
    auto data = std::make_unique<crypt_data>();
    const char* out = crypt_r(password.c_str(), hash.c_str(), data.get());
    if (out == nullptr || out[0] == '*') return false;
    const std::size_t size = std::strlen(out);
    return size == hash.size() && CRYPTO_memcmp(out, hash.data(), size) == 0;
}

bool BasicAuth::allows(std::string_view authorization) const {
    const auto credentials = credentials_of(authorization);
    if (!credentials) return false;
    const auto& [user, password] = *credentials;
    if (password.find('\0') != std::string::npos) return false;  // crypt_r would cut it there
    const auto it = users_.find(user);
    const std::string& hash = it != users_.end() ? it->second : dummy_hash_;
    const std::string key = digest_of({user, password, hash});
    {
        std::lock_guard lock(mutex_);
        if (it != users_.end() && verified_.contains(key)) return true;
    }
    const bool ok = verify(password, hash) && it != users_.end();
    if (ok) {
        std::lock_guard lock(mutex_);
        if (verified_.size() >= max_verified) verified_.clear();
        verified_.insert(key);
    }
    return ok;
}

std::string BasicAuth::user_of(std::string_view authorization) {
    const auto credentials = credentials_of(authorization);
    return credentials ? credentials->first : std::string();
}

std::string bcrypt_hash(const std::string& password, int cost) {
    std::array<char, CRYPT_GENSALT_OUTPUT_SIZE> setting{};
    if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, setting.data(),
                         static_cast<int>(setting.size())) == nullptr)
        throw Error("cannot make a bcrypt salt");
    auto data = std::make_unique<crypt_data>();
    const char* out = crypt_r(password.c_str(), setting.data(), data.get());
    if (out == nullptr || out[0] == '*') throw Error("bcrypt failed");
    return out;
}

}  // namespace kkt::web
