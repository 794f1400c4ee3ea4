// atol-kkt-emulator: the ATOL monitoring API (docs/atol-api.md) on loopback, for the
// demo, the integration tests and the benchmarks. See README.md.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "emulator_state.hpp"
#include "fleet_snapshot.hpp"
#include "options.hpp"
#include "server.hpp"
#include "time_format.hpp"

namespace {

emu::SysSeconds instant(const std::string& option, const std::string& text) {
    const auto t = emu::parse_iso8601(text);
    if (!t) throw std::invalid_argument(option + " is not an ISO 8601 date-time: " + text);
    return *t;
}

// The generated fleet's parameters; nullopt for a --fleet file.
std::optional<emu::FleetParams> generator(const emu::Options& options) {
    if (options.fleet_file) return std::nullopt;
    emu::FleetParams params{options.registers, options.seed, emu::now_seconds(), std::nullopt};
    if (options.now) params.now = instant("--now", *options.now);
    if (options.growth_since) {
        params.growth_since = instant("--growth-since", *options.growth_since);
        if (params.now < *params.growth_since)
            throw std::invalid_argument("--now is before --growth-since");
    }
    return params;
}

std::shared_ptr<const emu::FleetSnapshot> load_fleet(
    const emu::Options& options, const std::optional<emu::FleetParams>& params) {
    if (params) return emu::FleetSnapshot::from_generated(emu::generate_fleet(*params));
    std::ifstream in(*options.fleet_file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read the fleet file " + *options.fleet_file);
    std::ostringstream text;
    text << in.rdbuf();
    return emu::FleetSnapshot::from_json_text(text.str());
}

std::string base_url(const boost::asio::ip::tcp::endpoint& endpoint, bool tls) {
    const auto address = endpoint.address();
    const std::string host =
        address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return (tls ? "https://" : "http://") + host + ":" + std::to_string(endpoint.port()) + "/api";
}

int run(const emu::Options& options) {
    const auto params = generator(options);
    auto fleet = load_fleet(options, params);
    if (options.dump_fleet) {
        std::cout << fleet->readable() << std::flush;
        return 0;
    }
    emu::set_verbose(options.verbose);
    emu::EmulatorState state({options.login, options.password},
                             std::chrono::seconds(options.token_ttl_seconds), std::move(fleet),
                             options.faults);
    state.set_generator(params);

    boost::asio::io_context io(static_cast<int>(options.threads));
    const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address(options.bind),
                                                  options.port);
    std::optional<boost::asio::ssl::context> tls;
    if (options.tls_cert) tls.emplace(emu::make_tls_context(*options.tls_cert, *options.tls_key));
    emu::Server server(io, endpoint, state, tls ? &*tls : nullptr);
    const std::string url = base_url(server.local_endpoint(), tls.has_value());
    server.start();

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
        server.stop();
        io.stop();
    });

    std::cout << url << std::endl;
    if (options.verbose)
        emu::log_line("serving " + std::to_string(state.fleet()->size()) + " registers at " + url);

    std::vector<std::thread> threads;
    for (unsigned i = 1; i < options.threads; ++i) threads.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& thread : threads) thread.join();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const auto options = emu::parse_command_line(argc, argv, std::cout);
        if (!options) return 0;
        return run(*options);
    } catch (const std::exception& e) {
        std::cerr << "atol-kkt-emulator: " << e.what() << '\n';
        return 2;
    }
}
