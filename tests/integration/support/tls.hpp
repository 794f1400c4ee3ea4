#pragma once
// Throw-away TLS certificates for the HTTPS emulator, made at test time with the openssl
// command: a CA with a server certificate for 127.0.0.1 it signed, and a self-signed server
// certificate nobody trusts. EC P-256 keys, valid two days, in a private TempDir.
#include <boost/json/object.hpp>
#include <string>

#include "integration/support/emulator.hpp"
#include "integration/support/process.hpp"

namespace kkt::testing {

struct TestCertificates {
    std::string ca_file;      // the CA certificate (PEM): what --ca-file gets
    std::string server_cert;  // signed by the CA; subjectAltName IP:127.0.0.1
    std::string server_key;
    std::string self_signed_cert;  // self-signed; subjectAltName IP:127.0.0.1
    std::string self_signed_key;
};

// Makes the certificates under `dir`; throws std::runtime_error with openssl's message.
TestCertificates make_test_certificates(const TempDir& dir);

// The emulator's arguments for serving HTTPS with this certificate and key.
std::vector<std::string> tls_emulator_args(const std::string& cert, const std::string& key);

// GET /_emulator/stats over HTTPS, trusting `ca_file` (empty: not verifying at all).
boost::json::object https_stats(const Emulator& emulator, const std::string& ca_file);

}  // namespace kkt::testing
