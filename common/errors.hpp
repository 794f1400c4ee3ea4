#pragma once
// Typed errors of the core. Every failure the user can meet is one of these, with a message
// fit to show as-is (never containing a password or token).
#include <optional>
#include <stdexcept>
#include <string>

namespace kkt {

class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Bad options, config or files: the user must fix something locally.
class ConfigError : public Error {
  public:
    using Error::Error;
};

// The run's --timeout budget ran out.
class TimeoutError : public Error {
  public:
    using Error::Error;
};

// Could not talk HTTP at all: DNS, connect, TLS, reset, body too large.
class TransportError : public Error {
  public:
    using Error::Error;
};

// The server answered, but with an error: HTTP >= 400 and/or an ATOL error object.
class ApiError : public Error {
  public:
    ApiError(std::string message, long http_status, std::optional<int> code, std::string text)
        : Error(std::move(message)),
          http_status_(http_status),
          code_(code),
          text_(std::move(text)) {}
    long http_status() const { return http_status_; }
    std::optional<int> code() const { return code_; }  // ATOL's error.code, if any
    const std::string& text() const { return text_; }  // ATOL's error.text, if any

  private:
    long http_status_;
    std::optional<int> code_;
    std::string text_;
};

// Authentication failed (wrong login/password, user blocked, token refused twice).
class AuthError : public ApiError {
  public:
    using ApiError::ApiError;
};

// The register does not exist in the account (404 on the single-register endpoint).
class NotFoundError : public ApiError {
  public:
    using ApiError::ApiError;
};

// The server's answer is not what the API page says: malformed/truncated JSON, wrong shape,
// endless paging.
class ProtocolError : public Error {
  public:
    using Error::Error;
};

}  // namespace kkt
