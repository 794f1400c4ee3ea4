#include "integration/support/emulator_control.hpp"

#include <boost/json.hpp>
#include <stdexcept>

#include "common/deadline.hpp"
#include "common/http.hpp"

namespace kkt::testing {
namespace {

std::string control(const Emulator& emulator, const std::string& method, const std::string& path,
                    const std::string& body) {
    CurlTransport http(HttpOptions{});
    HttpRequest request;
    request.method = method;
    request.url = emulator.control_url() + path;
    request.body = body;
    request.headers.push_back("Content-Type: application/json");
    const HttpResponse response = http.perform(request, Deadline(std::chrono::seconds(10)));
    if (response.status != 200)
        throw std::runtime_error("emulator control " + path + " -> HTTP " +
                                 std::to_string(response.status) + ": " + response.body);
    return response.body;
}

}  // namespace

boost::json::array emulator_fleet(const Emulator& emulator) {
    return boost::json::parse(control(emulator, "GET", "/_emulator/fleet", "")).as_array();
}

void stage_fleet(const Emulator& emulator, const boost::json::array& fleet, int after_pages) {
    control(emulator, "POST", "/_emulator/fleet?after_pages=" + std::to_string(after_pages),
            boost::json::serialize(fleet));
}

void set_emulator_now(const Emulator& emulator, const std::string& now) {
    control(emulator, "POST", "/_emulator/now",
            boost::json::serialize(boost::json::object{{"now", now}}));
}

}  // namespace kkt::testing
