#include "integration/support/tls.hpp"

#include <boost/json/parse.hpp>
#include <stdexcept>

#include "common/deadline.hpp"
#include "common/http.hpp"

namespace kkt::testing {
namespace {

void openssl(const std::vector<std::string>& args) {
    const RunResult r = run_program("/usr/bin/openssl", args, {}, std::chrono::seconds(30));
    if (r.exit_code != 0) {
        std::string command = "openssl";
        for (const auto& a : args) command += " " + a;
        throw std::runtime_error(command + " failed (exit " + std::to_string(r.exit_code) +
                                 "): " + r.err);
    }
}

// A new P-256 key and a self-signed certificate; `extensions` as -addext values.
void self_signed(const std::string& key, const std::string& cert, const std::string& subject,
                 const std::vector<std::string>& extensions) {
    std::vector<std::string> args{
        "req",    "-x509",   "-newkey", "ec",   "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", key,       "-out", cert,       "-days",
        "2",      "-subj",   subject};
    for (const auto& e : extensions) {
        args.push_back("-addext");
        args.push_back(e);
    }
    openssl(args);
}

}  // namespace

TestCertificates make_test_certificates(const TempDir& dir) {
    const std::string d = dir.path() + "/";
    TestCertificates c{d + "ca.pem", d + "server.pem", d + "server.key", d + "self-signed.pem",
                       d + "self-signed.key"};
    self_signed(d + "ca.key", c.ca_file, "/CN=atol-kkt throw-away test CA",
                {"basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"});
    openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", c.server_key, "-out", d + "server.csr", "-subj", "/CN=127.0.0.1"});
    const std::string extensions = dir.write("server.ext",
                                             "subjectAltName=IP:127.0.0.1\n"
                                             "basicConstraints=CA:FALSE\n"
                                             "keyUsage=critical,digitalSignature\n"
                                             "extendedKeyUsage=serverAuth\n");
    openssl({"x509", "-req", "-in", d + "server.csr", "-CA", c.ca_file, "-CAkey", d + "ca.key",
             "-CAcreateserial", "-out", c.server_cert, "-days", "2", "-extfile", extensions});
    self_signed(c.self_signed_key, c.self_signed_cert, "/CN=127.0.0.1",
                {"subjectAltName=IP:127.0.0.1", "extendedKeyUsage=serverAuth"});
    return c;
}

std::vector<std::string> tls_emulator_args(const std::string& cert, const std::string& key) {
    return {"--tls-cert", cert, "--tls-key", key};
}

boost::json::object https_stats(const Emulator& emulator, const std::string& ca_file) {
    HttpOptions options;
    options.ca_file = ca_file;
    options.insecure = ca_file.empty();
    CurlTransport http(options);
    HttpRequest request;
    request.url = emulator.control_url() + "/_emulator/stats";
    const HttpResponse response = http.perform(request, Deadline(std::chrono::seconds(10)));
    if (response.status != 200) {
        throw std::runtime_error("emulator stats over HTTPS -> HTTP " +
                                 std::to_string(response.status));
    }
    return boost::json::parse(response.body).as_object();
}

}  // namespace kkt::testing
