#include "options.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value_to.hpp>
#include <boost/program_options.hpp>
#include <fstream>
#include <ostream>
#include <stdexcept>

namespace emu {
namespace {

namespace po = boost::program_options;
namespace json = boost::json;

std::string first_line_of(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read the password file " + path);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

po::options_description describe(Options& o) {
    po::options_description general("General");
    general.add_options()("help,h", "print this help and exit")(
        "bind", po::value(&o.bind)->default_value(o.bind), "address to listen on")(
        "port", po::value(&o.port)->default_value(o.port), "port; 0 = an ephemeral port")(
        "threads", po::value(&o.threads)->default_value(o.threads), "server threads")(
        "verbose,v", po::bool_switch(&o.verbose), "log every request to stderr")(
        "tls-cert", po::value<std::string>(), "serve HTTPS with this PEM certificate (chain)")(
        "tls-key", po::value<std::string>(), "...and this PEM private key");

    po::options_description fleet("Fleet");
    fleet.add_options()("registers", po::value(&o.registers)->default_value(o.registers),
                        "size of the generated fleet")(
        "seed", po::value(&o.seed)->default_value(o.seed), "seed of the generated fleet")(
        "now", po::value<std::string>(),
        "ISO 8601 instant the generated fleet is relative to (default: the real time)")(
        "growth-since", po::value<std::string>(),
        "growth mode: the fleet generated for this ISO 8601 instant, grown until --now "
        "(ФН memory and documents at a per-register rate, one ФН replacement per 20)")(
        "fleet", po::value<std::string>(), "serve this JSON array file verbatim instead")(
        "dump-fleet", po::bool_switch(&o.dump_fleet), "print the fleet JSON and exit");

    po::options_description auth("Credentials and tokens");
    auth.add_options()("login", po::value(&o.login)->default_value(o.login), "accepted login")(
        "password", po::value<std::string>(), "accepted password (default: the demo one)")(
        "password-file", po::value<std::string>(), "file whose first line is the password")(
        "token-ttl", po::value(&o.token_ttl_seconds)->default_value(o.token_ttl_seconds),
        "token lifetime in seconds (real clock)");

    po::options_description faults("Faults (all changeable via POST /_emulator/faults)");
    faults.add_options()("paging", po::value<std::string>(),
                         "honour (default) | cap:M | ignore | repeat")(
        "latency", po::value<long>(), "MS added before every /api response")(
        "fail-status", po::value<long>(), "answer this HTTP status (200..599)...")(
        "fail-count", po::value<long>(), "...to the next N matching requests (-1 = all, default)")(
        "fail-path", po::value<std::string>(), "...of auth | list | get | any (default)")(
        "retry-after", po::value<long>(), "Retry-After seconds on those failures")(
        "expire-tokens-after-pages", po::value<long>(),
        "after N list pages, the next one gets 401 code 11 (once)")(
        "malformed", po::bool_switch(), "invalid JSON body")("truncated", po::bool_switch(),
                                                             "the first half of the body only")(
        "empty-body", po::bool_switch(), "200 with an empty body")("non-utf8", po::bool_switch(),
                                                                   "invalid UTF-8 inside a string")(
        "oversize", po::value<double>(), "pad the body with whitespace to at least MiB")(
        "slow-body", po::value<long>(), "send the body slowly over MS after the headers")(
        "gzip", po::bool_switch(), "gzip-encode the body when the request accepts gzip")(
        "body-fault-path", po::value<std::string>(),
        "which answers the body faults hit: list (default) | get | any");

    po::options_description all(
        "atol-kkt-emulator: the ATOL monitoring API on loopback\n"
        "Usage: atol-kkt-emulator [options]\n"
        "Prints its base URL (http://HOST:PORT/api) as the first "
        "line of stdout");
    all.add(general).add(fleet).add(auth).add(faults);
    return all;
}

// The fault options as the JSON of POST /_emulator/faults, so both share one validation.
json::object faults_json(const po::variables_map& vm) {
    json::object o;
    const auto integer = [&](const char* option, const char* key) {
        if (vm.count(option)) o[key] = vm[option].as<long>();
    };
    const auto flag = [&](const char* option, const char* key) {
        if (vm[option].as<bool>()) o[key] = true;
    };
    const auto text = [&](const char* option, const char* key) {
        if (vm.count(option)) o[key] = vm[option].as<std::string>();
    };
    integer("latency", "latency_ms");
    integer("fail-status", "fail_status");
    integer("fail-count", "fail_count");
    text("fail-path", "fail_path");
    integer("retry-after", "retry_after");
    integer("expire-tokens-after-pages", "expire_tokens_after_pages");
    flag("malformed", "malformed");
    flag("truncated", "truncated");
    flag("empty-body", "empty_body");
    flag("non-utf8", "non_utf8");
    if (vm.count("oversize")) o["oversize_mib"] = vm["oversize"].as<double>();
    integer("slow-body", "slow_body_ms");
    flag("gzip", "gzip");
    text("body-fault-path", "body_fault_path");
    text("paging", "paging");
    return o;
}

}  // namespace

std::optional<Options> parse_command_line(int argc, const char* const* argv, std::ostream& out) {
    Options o;
    const po::options_description description = describe(o);
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, description), vm);
    if (vm.count("help")) {
        out << description << '\n';
        return std::nullopt;
    }
    po::notify(vm);
    if (vm.count("now")) o.now = vm["now"].as<std::string>();
    if (vm.count("growth-since")) o.growth_since = vm["growth-since"].as<std::string>();
    if (vm.count("fleet")) o.fleet_file = vm["fleet"].as<std::string>();
    if (o.growth_since && o.fleet_file)
        throw std::invalid_argument("--growth-since grows a generated fleet, not --fleet");
    if (vm.count("password") && vm.count("password-file")) {
        throw std::invalid_argument("give --password or --password-file, not both");
    }
    if (vm.count("password")) o.password = vm["password"].as<std::string>();
    if (vm.count("password-file"))
        o.password = first_line_of(vm["password-file"].as<std::string>());
    if (vm.count("tls-cert") != vm.count("tls-key")) {
        throw std::invalid_argument("give --tls-cert and --tls-key together");
    }
    if (vm.count("tls-cert")) {
        o.tls_cert = vm["tls-cert"].as<std::string>();
        o.tls_key = vm["tls-key"].as<std::string>();
    }
    if (o.threads == 0) throw std::invalid_argument("--threads must be at least 1");
    if (o.token_ttl_seconds < 0) throw std::invalid_argument("--token-ttl must not be negative");
    o.faults = json::value_to<Faults>(json::value(faults_json(vm)));
    return o;
}

}  // namespace emu
