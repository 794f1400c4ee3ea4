#pragma once
// An immutable fleet as served: every register's JSON text kept byte for byte, joined once
// into the whole list, so any page is a view into one string (no per-request serialisation).
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fleet_generator.hpp"

namespace emu {

class FleetSnapshot {
  public:
    static std::shared_ptr<const FleetSnapshot> from_generated(
        std::vector<GeneratedRegister> registers);
    // Any JSON array, its elements served verbatim (odd types included); throws
    // std::invalid_argument when the text is not a JSON array.
    static std::shared_ptr<const FleetSnapshot> from_json_text(std::string_view text);

    std::size_t size() const { return begins_.size(); }
    // "e_first,...,e_last-1" (empty for an empty range), a view into storage().
    std::string_view elements_text(std::size_t first, std::size_t last) const;
    std::string_view element_text(std::size_t index) const;
    std::string_view whole_array() const { return *storage_; }
    // The element whose string `serialNumber` equals `serial` (the first, if repeated).
    std::optional<std::size_t> find(std::string_view serial) const;
    // Keeps the bytes behind the views alive (for responses still being written).
    std::shared_ptr<const std::string> storage() const { return storage_; }
    // One element per line, for --dump-fleet and GET /_emulator/fleet.
    std::string readable() const;

  private:
    FleetSnapshot() = default;
    void add(std::string_view element_json, std::string serial);
    void finish();

    std::shared_ptr<std::string> building_;
    std::shared_ptr<const std::string> storage_;
    std::vector<std::size_t> begins_, ends_;
    std::unordered_map<std::string, std::size_t> by_serial_;
};

}  // namespace emu
