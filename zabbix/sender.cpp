#include "zabbix/sender.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <cstring>

#include "common/text.hpp"
#include "zabbix/tcp_connection.hpp"

namespace kkt::zabbix {
namespace {

constexpr std::string_view protocol_signature = "ZBXD";
constexpr unsigned char flag_protocol = 0x01;
constexpr unsigned char flag_compressed = 0x02;
constexpr unsigned char flag_large = 0x04;

std::uint64_t little_endian(const unsigned char* bytes, std::size_t count) {
    std::uint64_t value = 0;
    for (std::size_t i = count; i-- > 0;) value = (value << 8) | bytes[i];
    return value;
}

// The first bytes of a bad reply, printable, for the error message.
std::string preview(std::string_view bytes) {
    std::string out;
    for (char c : bytes.substr(0, 16)) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f) {
            out += c;
        } else {
            static const char* hex = "0123456789abcdef";
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        }
    }
    return out;
}

// "processed: 3; failed: 0; total: 3; seconds spent: 0.000055" -> the numbers.
bool parse_info(std::string_view info, SenderTotals& totals) {
    bool has_processed = false, has_failed = false, has_total = false;
    while (!info.empty()) {
        const auto end = info.find(';');
        std::string_view part = info.substr(0, end);
        info = end == std::string_view::npos ? std::string_view() : info.substr(end + 1);
        const auto colon = part.find(':');
        if (colon == std::string_view::npos) return false;
        const std::string_view name = trim(part.substr(0, colon));
        const std::string_view number = trim(part.substr(colon + 1));
        const char* first = number.data();
        const char* last = number.data() + number.size();
        auto read_count = [&](std::int64_t& out) {
            auto [ptr, ec] = std::from_chars(first, last, out);
            return ec == std::errc() && ptr == last && out >= 0;
        };
        if (name == "processed") {
            if (!(has_processed = read_count(totals.processed))) return false;
        } else if (name == "failed") {
            if (!(has_failed = read_count(totals.failed))) return false;
        } else if (name == "total") {
            if (!(has_total = read_count(totals.total))) return false;
        } else if (name == "seconds spent") {
            auto [ptr, ec] = std::from_chars(first, last, totals.seconds_spent);
            if (ec != std::errc() || ptr != last) return false;
        }
    }
    return has_processed && has_failed && has_total;
}

// Reads one framed message and returns its payload. Garbage is recognised from its first
// bytes, without waiting for more of it.
std::string read_message(TcpConnection& connection) {
    std::string data;
    auto fill = [&](std::size_t size) {
        while (data.size() < size) {
            char chunk[4096];
            const std::size_t got = connection.read_some(chunk, sizeof chunk);
            if (got == 0) return false;
            data.append(chunk, got);
            const std::size_t known = std::min(data.size(), protocol_signature.size());
            if (data.compare(0, known, protocol_signature.substr(0, known)) != 0) return false;
        }
        return true;
    };
    const bool header_start = fill(5);
    if (data.empty())
        throw ProtocolError("Zabbix server " + connection.peer() +
                            " closed the connection without a reply");
    if (!header_start || data.compare(0, 4, protocol_signature) != 0)
        throw ProtocolError("the reply of " + connection.peer() +
                            " is not a Zabbix protocol message (starts with \"" + preview(data) +
                            "\")");
    const auto flags = static_cast<unsigned char>(data[4]);
    if (!(flags & flag_protocol) || (flags & flag_compressed))
        throw ProtocolError("the reply of " + connection.peer() +
                            " uses unsupported protocol flags " + std::to_string(flags));
    const std::size_t field = (flags & flag_large) ? 8 : 4;  // length, then as many reserved
    const std::size_t header = 5 + 2 * field;
    if (!fill(header))
        throw ProtocolError("the reply of " + connection.peer() + " ends inside its header");
    const std::uint64_t length =
        little_endian(reinterpret_cast<const unsigned char*>(data.data()) + 5, field);
    if (length > max_reply_bytes)
        throw ProtocolError("the reply of " + connection.peer() + " claims " +
                            std::to_string(length) + " bytes, more than a sender reply can be");
    if (!fill(header + length))
        throw ProtocolError("the reply of " + connection.peer() + " was cut after " +
                            std::to_string(data.size() - header) + " of " + std::to_string(length) +
                            " bytes");
    return data.substr(header, length);
}

}  // namespace

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const SenderValue& s) {
    boost::json::object o;
    o.reserve(4);
    o["host"] = s.host;
    o["key"] = s.key;
    o["value"] = s.value;
    o["clock"] = s.clock;
    v = std::move(o);
}

SenderTotals& SenderTotals::operator+=(const SenderTotals& other) {
    processed += other.processed;
    failed += other.failed;
    total += other.total;
    seconds_spent += other.seconds_spent;
    batches += other.batches;
    return *this;
}

std::string frame_message(std::string_view payload) {
    if (payload.size() > UINT32_MAX)
        throw Error("a sender message of " + std::to_string(payload.size()) +
                    " bytes is more than the protocol's 4-byte length can say");
    std::string out;
    out.reserve(13 + payload.size());
    out += protocol_signature;
    out += static_cast<char>(flag_protocol);
    const auto length = static_cast<std::uint32_t>(payload.size());
    for (int i = 0; i < 4; ++i) out += static_cast<char>((length >> (8 * i)) & 0xff);
    out.append(4, '\0');
    out += payload;
    return out;
}

std::string sender_request(std::span<const SenderValue> values) {
    boost::json::object request;
    request["request"] = "sender data";
    boost::json::array data;
    data.reserve(values.size());
    for (const SenderValue& v : values) data.push_back(boost::json::value_from(v));
    request["data"] = std::move(data);
    return boost::json::serialize(request);
}

SenderTotals parse_sender_response(std::string_view payload) {
    boost::system::error_code ec;
    const boost::json::value reply = boost::json::parse(payload, ec);
    const boost::json::object* o = ec ? nullptr : reply.if_object();
    const boost::json::value* response = o ? o->if_contains("response") : nullptr;
    if (!response || !response->is_string())
        throw ProtocolError("the Zabbix server's reply is not a sender response: \"" +
                            preview(payload) + "\"");
    const boost::json::value* info = o->if_contains("info");
    const std::string info_text = info && info->is_string() ? std::string(info->get_string()) : "";
    if (response->get_string() != "success")
        throw SenderRefused(
            "the Zabbix server refused the data: " + std::string(response->get_string()) +
            (info_text.empty() ? "" : " (" + info_text + ")"));
    SenderTotals totals;
    if (!parse_info(info_text, totals))
        throw ProtocolError("the Zabbix server's reply has no processed/failed/total counts: \"" +
                            info_text + "\"");
    return totals;
}

std::string TrapperAddress::text() const {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
           std::to_string(port);
}

SenderTotals send_values(const TrapperAddress& address, std::span<const SenderValue> values,
                         const Deadline& deadline) {
    const std::size_t batches = (values.size() + max_values_per_batch - 1) / max_values_per_batch;
    SenderTotals totals;
    for (std::size_t first = 0; first < values.size(); first += max_values_per_batch) {
        const auto batch =
            values.subspan(first, std::min(max_values_per_batch, values.size() - first));
        try {
            TcpConnection connection(address.host, address.port, deadline);
            connection.write_all(frame_message(sender_request(batch)));
            SenderTotals reply = parse_sender_response(read_message(connection));
            reply.batches = 1;
            totals += reply;
        } catch (const Error& e) {
            if (batches == 1) throw;
            const std::size_t not_sent = values.size() - first - batch.size();
            throw SendIncomplete(
                "batch " + std::to_string(totals.batches + 1) + " of " + std::to_string(batches) +
                    " (values " + std::to_string(first + 1) + "-" +
                    std::to_string(first + batch.size()) + " of " + std::to_string(values.size()) +
                    ") failed: " + e.what() + "; the server confirmed " +
                    std::to_string(totals.batches) + " batch(es) before it (processed " +
                    std::to_string(totals.processed) + ", failed " + std::to_string(totals.failed) +
                    ", total " + std::to_string(totals.total) + "); " +
                    std::to_string(batch.size()) + " values not confirmed, " +
                    std::to_string(not_sent) + " not sent",
                totals, batch.size(), not_sent);
        }
    }
    return totals;
}

}  // namespace kkt::zabbix
