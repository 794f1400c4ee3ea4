#pragma once
// The register list's text as a fetch builds it for the cache: each element as the API's page
// spelled it, kept in pieces of about a MiB. One string of them all would be reallocated as it
// grows, holding both copies each time and up to twice the text in the end (at 100,000
// registers, 54 MiB of text in an 80 MiB string, beside the registers read from it).
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/atol_client.hpp"
#include "common/json_text.hpp"
#include "common/register.hpp"

namespace kkt {

class ListText final : public RegisterSink {
  public:
    void add(const boost::json::value& element, std::string_view text) override;

    // Registers added.
    std::size_t count() const { return count_; }
    // The JSON array of them all, as consecutive parts viewing into this object.
    std::vector<std::string_view> parts() const;
    // Bytes of that array.
    std::size_t bytes() const;
    // Each register read back, in order, with where its element lies in the array (from its
    // '['), each piece freed once read: the registers grow as the text goes. Throws
    // ProtocolError for an element that does not read back as an object (never one that add()
    // was given).
    void take_registers(const std::function<void(Register&&, TextSpan)>& each) &&;

  private:
    std::vector<std::string> pieces_;  // elements joined by ','; the array joins them by ','
    std::size_t count_ = 0;
};

}  // namespace kkt
