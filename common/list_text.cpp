#include "common/list_text.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "common/errors.hpp"
#include "common/utf8.hpp"

namespace kkt {
namespace {

constexpr std::size_t piece_bytes = std::size_t{1} << 20;

}  // namespace

void ListText::add(const boost::json::value&, std::string_view text) {
    // A piece is never reallocated: the next one starts where this one's room ends.
    if (pieces_.empty() || pieces_.back().size() + 1 + text.size() > pieces_.back().capacity()) {
        pieces_.emplace_back().reserve(std::max(piece_bytes, text.size()));
    } else {
        pieces_.back() += ',';
    }
    pieces_.back() += text;
    ++count_;
}

std::vector<std::string_view> ListText::parts() const {
    std::vector<std::string_view> parts{"["};
    for (std::size_t i = 0; i < pieces_.size(); ++i) {
        if (i > 0) parts.emplace_back(",");
        parts.emplace_back(pieces_[i]);
    }
    parts.emplace_back("]");
    return parts;
}

std::size_t ListText::bytes() const {
    std::size_t bytes = 2 + (pieces_.empty() ? 0 : pieces_.size() - 1);
    for (const std::string& piece : pieces_) bytes += piece.size();
    return bytes;
}

void ListText::take_registers(const std::function<void(Register&&, TextSpan)>& each) && {
    boost::json::parse_options options = api_parse_options();
    --options.max_depth;   // an element sits one level below the array
    std::size_t base = 1;  // the '['
    for (std::string& piece : pieces_) {
        JsonPieces in(piece, options);
        do {
            TextSpan span;
            const boost::json::value* element = in.value(&span);
            if (!element || !element->is_object())
                throw ProtocolError("a register list element did not read back as a JSON object");
            each(boost::json::value_to<Register>(*element),
                 TextSpan{base + span.offset, span.length});
        } while (in.take(','));
        if (!in.at_end())
            throw ProtocolError("a register list element did not read back as a JSON object");
        base += piece.size() + 1;
        std::string().swap(piece);
    }
    pieces_.clear();
    count_ = 0;
}

}  // namespace kkt
