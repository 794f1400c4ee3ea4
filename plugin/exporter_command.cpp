// `atol-kkt exporter`: the Prometheus exporter daemon. The endpoints are prometheus/exporter.hpp's,
// served by web/server.hpp; here are its options, the profiles it reads, and its life: it prints
// where it listens, SIGHUP rereads the profiles and the web config, SIGTERM and SIGINT stop it
// gracefully (requests under way are answered first) with exit status 0.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "common/errors.hpp"
#include "common/format.hpp"
#include "plugin/cli.hpp"
#include "plugin/commands.hpp"
#include "plugin/failure.hpp"
#include "prometheus/exporter.hpp"
#include "web/server.hpp"
#include "web/web_config.hpp"

namespace kkt::plugin {
namespace {

namespace asio = boost::asio;

// Threads serving requests besides the main one: answers are rendered once per read, so two
// keep up with a scrape load far beyond what Prometheus sends.
constexpr int extra_server_threads = 1;
constexpr double max_header_timeout_seconds = 3600;
constexpr long long max_connections_limit = 100000;

// -v lines from several threads, whole.
Log::Sink locked_stderr_sink() {
    return [mutex = std::make_shared<std::mutex>()](const std::string& line) {
        const std::string text = "atol-kkt: " + line + "\n";
        std::lock_guard lock(*mutex);
        std::cerr << text << std::flush;
    };
}

// `args` without --profile and --config (either form), for a profile's own configuration.
Args without_config_file(const Args& args) {
    Args kept;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            kept.insert(kept.end(), args.begin() + static_cast<long>(i), args.end());
            break;
        }
        if (a == "--profile" || a == "--config") {
            ++i;
            continue;
        }
        if (a.starts_with("--profile=") || a.starts_with("--config=")) continue;
        kept.push_back(a);
    }
    return kept;
}

prometheus::Target target_of(const Invocation& inv) {
    return prometheus::Target{
        .config = inv.config,
        .thresholds = inv.thresholds,
        .account = inv.vm.count("account-label") ? inv.vm["account-label"].as<std::string>() : ""};
}

std::string telemetry_path_of(const po::variables_map& vm) {
    const std::string path = vm["web.telemetry-path"].as<std::string>();
    if (path.size() < 2 || path.front() != '/' || path == "/probe" || path.starts_with("/-/") ||
        path.find_first_of("?# ") != std::string::npos)
        throw ConfigError(
            "--web.telemetry-path must be a path such as /metrics (not /, /probe "
            "or /-/...; got '" +
            path + "')");
    return path;
}

web::ServerLimits limits_of(const po::variables_map& vm) {
    web::ServerLimits limits;
    const long long connections = vm["web.max-connections"].as<long long>();
    if (connections < 1 || connections > max_connections_limit)
        throw ConfigError("--web.max-connections must be between 1 and " +
                          std::to_string(max_connections_limit) + " (got " +
                          std::to_string(connections) + ")");
    limits.max_connections = static_cast<std::size_t>(connections);
    const double seconds = vm["web.read-header-timeout"].as<double>();
    if (!(seconds > 0) || seconds > max_header_timeout_seconds)
        throw ConfigError("--web.read-header-timeout must be more than 0 and at most " +
                          format_number(max_header_timeout_seconds) + " seconds");
    limits.read_header_timeout = std::chrono::milliseconds(std::llround(seconds * 1000));
    return limits;
}

std::shared_ptr<const web::Security> security_of(const po::variables_map& vm) {
    if (!vm.count("web.config.file")) return std::make_shared<const web::Security>();
    return web::make_security(web::load_web_config(vm["web.config.file"].as<std::string>()));
}

}  // namespace

po::options_description exporter_options() {
    const web::ServerLimits limits;
    const double header_timeout = std::chrono::duration<double>(limits.read_header_timeout).count();
    po::options_description d("Exporter options");
    d.add_options()  //
        ("web.listen-address",
         po::value<std::string>()
             ->default_value(std::string(prometheus::default_listen_address))
             ->value_name("[HOST]:PORT"),
         "where to listen: HOST:PORT, :PORT for every interface, [IPV6]:PORT; port 0 takes a "
         "free one (the address is printed on stderr at start)")  //
        ("web.telemetry-path",
         po::value<std::string>()
             ->default_value(prometheus::ExporterSettings{}.telemetry_path)
             ->value_name("PATH"),
         "path of the metrics of this configuration's account; /probe?profile=NAME serves "
         "profile NAME's")  //
        ("web.config.file", po::value<std::string>()->value_name("FILE"),
         "TLS and basic authentication, in the Prometheus exporter-toolkit format "
         "(tls_server_config, basic_auth_users with bcrypt hashes); reread on SIGHUP")  //
        ("web.max-connections",
         po::value<long long>()
             ->default_value(static_cast<long long>(limits.max_connections))
             ->value_name("N"),
         "connections served at once; more are answered 503")  //
        ("web.read-header-timeout",
         po::value<double>()
             ->default_value(header_timeout, format_number(header_timeout))
             ->value_name("SECONDS"),
         "time a client has to send a request once it began (and a new connection to begin); "
         "then it is disconnected")  //
        ("account-label", po::value<std::string>()->value_name("NAME"),
         "add account=\"NAME\" to every sample");
    d.add(threshold_options());
    return d;
}

int run_exporter(const Args& args, const po::options_description& options) {
    const Log::Sink sink = locked_stderr_sink();
    const Invocation inv = parse_invocation(args, options, sink);
    if (!inv.positional.empty())
        throw ConfigError("exporter takes no arguments (got '" + inv.positional.front() + "')");
    const web::ListenAddress address =
        web::parse_listen_address(inv.vm["web.listen-address"].as<std::string>());
    const web::ServerLimits limits = limits_of(inv.vm);
    const EnvLookup env = process_environment();

    prometheus::ExporterSettings settings;
    settings.telemetry_path = telemetry_path_of(inv.vm);
    settings.default_target = [&] { return target_of(parse_invocation(args, options, sink)); };
    const Args base_args = without_config_file(args);
    settings.profile_target = [&](const std::string& name) -> std::optional<prometheus::Target> {
        if (!std::filesystem::exists(profile_path(name, env))) return std::nullopt;
        Args profile_args = base_args;
        profile_args.insert(profile_args.begin(), {"--profile", name});
        return target_of(parse_invocation(profile_args, options, sink));
    };
    // Declared before the exporter, so destroyed after it: an exporter's reading thread that is
    // still in a read at shutdown may answer (post to `io`) until the exporter joins it.
    asio::io_context io;
    prometheus::Exporter exporter(settings, *inv.clock, inv.log);

    web::Server server(
        io, address, limits, security_of(inv.vm),
        [&exporter](const web::Request& request, const web::Reply& reply) {
            exporter.handle(request, reply);
        },
        inv.log);
    // Always said (tests and admins read the bound port here): never a secret in it.
    inv.log(0, "listening on " + server.url() + " (metrics at " + settings.telemetry_path +
                   ", status page at /)");
    server.start();
    exporter.warm_up();

    asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    std::function<void(const boost::system::error_code&, int)> on_signal =
        [&](const boost::system::error_code& error, int signal) {
            if (error) return;
            if (signal != SIGHUP) {
                inv.log(0, "stopping: answering the requests under way");
                server.stop();
                return;
            }
            try {
                auto security = security_of(parse_invocation(args, options, sink).vm);
                exporter.reload();
                server.set_security(std::move(security));
                inv.log(0, "reloaded the profiles and the web config");
            } catch (const Error& e) {
                inv.log(0, std::string("reload failed, still serving as before: ") + e.what());
            }
            signals.async_wait(on_signal);
        };
    signals.async_wait(on_signal);

    std::vector<std::thread> threads;
    for (int i = 0; i < extra_server_threads; ++i) threads.emplace_back([&io] { io.run(); });
    io.run();
    for (std::thread& t : threads) t.join();
    inv.log(0, "stopped");
    return exit_ok;
}

}  // namespace kkt::plugin
