// Fuzzes the Zabbix sender reply parser, parse_sender_response: the payload of what a Zabbix
// server or proxy (or anything listening on its port) answers `atol-kkt zabbix send`. Only
// ProtocolError and SenderRefused may come out. An accepted reply must say "success" and give
// the three counts, none negative. (The framing around the payload is read from the socket by
// code that is not a pure function, so it is not fuzzed here.)
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "common/errors.hpp"
#include "zabbix/sender.hpp"

namespace {

[[noreturn]] void violated(const char* what, std::string_view text) {
    std::fprintf(stderr, "invariant violated: %s: \"%.*s\"\n", what, static_cast<int>(text.size()),
                 text.data());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view payload(reinterpret_cast<const char*>(data), size);
    kkt::zabbix::SenderTotals totals;
    try {
        totals = kkt::zabbix::parse_sender_response(payload);
    } catch (const kkt::zabbix::SenderRefused& e) {
        if (std::string_view(e.what()).empty()) violated("refusal without a message", payload);
        return 0;
    } catch (const kkt::ProtocolError& e) {
        if (std::string_view(e.what()).empty())
            violated("protocol error without a message", payload);
        return 0;
    }
    if (totals.processed < 0 || totals.failed < 0 || totals.total < 0)
        violated("negative count", payload);
    // Checked on the decoded JSON: the words may come \u-escaped.
    const boost::json::value parsed = boost::json::parse(payload);
    const boost::json::object& reply = parsed.as_object();
    if (reply.at("response") != "success")
        violated("accepted a reply that is not success", payload);
    const boost::json::string& info = reply.at("info").as_string();
    for (const char* word : {"processed", "failed", "total"}) {
        if (info.find(word) == boost::json::string::npos)
            violated("accepted a reply without a count", payload);
    }
    if (totals.batches != 0) violated("batches set from the reply", payload);
    return 0;
}
