#pragma once
// The Zabbix sender protocol (what zabbix_sender speaks to a server's or proxy's trapper),
// implemented directly: a "ZBXD\x01" header, the payload length as 4 bytes little-endian and
// 4 reserved zero bytes (the 4.0+ layout), then {"request":"sender data","data":[…]}. The
// reply has the same framing and says "processed: N; failed: N; total: N; seconds spent: S".
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/deadline.hpp"
#include "common/errors.hpp"

namespace kkt::zabbix {

inline constexpr std::size_t max_values_per_batch = 250;  // zabbix_sender's own batch size
inline constexpr std::uint16_t default_trapper_port = 10051;
// Bigger replies are not Zabbix's: a sender reply is one short line of JSON.
inline constexpr std::size_t max_reply_bytes = 1 << 20;

// One value for a trapper item.
struct SenderValue {
    std::string host;  // the host name as configured in Zabbix
    std::string key;   // the item key
    std::string value;
    std::int64_t clock = 0;  // seconds since the epoch
};
// {"host":…,"key":…,"value":…,"clock":…}, the protocol's order.
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const SenderValue& s);

struct SenderTotals {
    std::int64_t processed = 0;
    std::int64_t failed = 0;
    std::int64_t total = 0;
    double seconds_spent = 0;
    std::size_t batches = 0;  // messages sent (not from the reply)
    SenderTotals& operator+=(const SenderTotals& other);
};

// The server answered, but not "success" (e.g. a malformed request).
class SenderRefused : public Error {
  public:
    using Error::Error;
};

// A send of several batches stopped at a failed one. what() names the batch and its error and
// says what the server confirmed before it, how many values it did not confirm (the failed
// batch: refused, or its reply lost, so they may or may not be stored) and how many were not
// sent (the batches after it).
class SendIncomplete : public Error {
  public:
    SendIncomplete(const std::string& message, const SenderTotals& confirmed,
                   std::size_t unconfirmed, std::size_t not_sent)
        : Error(message), confirmed_(confirmed), unconfirmed_(unconfirmed), not_sent_(not_sent) {}
    const SenderTotals& confirmed() const { return confirmed_; }
    std::size_t unconfirmed() const { return unconfirmed_; }
    std::size_t not_sent() const { return not_sent_; }

  private:
    SenderTotals confirmed_;
    std::size_t unconfirmed_;
    std::size_t not_sent_;
};

// "ZBXD\x01", the length of `payload` (uint32 little-endian), 4 zero bytes, `payload`.
std::string frame_message(std::string_view payload);

// {"request":"sender data","data":[{"host":…,"key":…,"value":…,"clock":…},…]}
std::string sender_request(std::span<const SenderValue> values);

// The totals of a reply payload {"response":"success","info":"processed: …"}. ProtocolError
// when it is not such a JSON object; SenderRefused when "response" is not "success".
SenderTotals parse_sender_response(std::string_view payload);

// Where the values go.
struct TrapperAddress {
    std::string host;
    std::uint16_t port = default_trapper_port;
    std::string text() const;  // "host:port", "[::1]:port"
};

// Sends `values` in batches of at most max_values_per_batch, one connection per batch (as
// zabbix_sender does), and sums the replies' totals. A send that fits one batch throws its
// failure as it is: TransportError, TimeoutError, ProtocolError (a reply that is not the
// protocol's) or SenderRefused. With several batches the first failure ends the send and is
// thrown as SendIncomplete, which accounts for every value.
SenderTotals send_values(const TrapperAddress& address, std::span<const SenderValue> values,
                         const Deadline& deadline);

}  // namespace kkt::zabbix
