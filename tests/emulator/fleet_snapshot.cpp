#include "fleet_snapshot.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <stdexcept>

#include "json_text.hpp"

namespace emu {

void FleetSnapshot::add(std::string_view element_json, std::string serial) {
    if (!building_) building_ = std::make_shared<std::string>("[");
    if (!begins_.empty()) *building_ += ',';
    begins_.push_back(building_->size());
    *building_ += element_json;
    ends_.push_back(building_->size());
    if (!serial.empty()) by_serial_.emplace(std::move(serial), begins_.size() - 1);
}

void FleetSnapshot::finish() {
    if (!building_) building_ = std::make_shared<std::string>("[");
    *building_ += ']';
    building_->shrink_to_fit();
    storage_ = std::move(building_);
}

std::shared_ptr<const FleetSnapshot> FleetSnapshot::from_generated(
    std::vector<GeneratedRegister> registers) {
    std::shared_ptr<FleetSnapshot> fleet(new FleetSnapshot());
    std::size_t total = 2;
    for (const auto& r : registers) total += r.json.size() + 1;
    fleet->building_ = std::make_shared<std::string>("[");
    fleet->building_->reserve(total);
    for (auto& r : registers) fleet->add(r.json, std::move(r.serial));
    fleet->finish();
    return fleet;
}

std::shared_ptr<const FleetSnapshot> FleetSnapshot::from_json_text(std::string_view text) {
    boost::json::parse_options options;
    options.allow_invalid_utf8 = true;  // served verbatim: odd bytes are the test's business
    boost::system::error_code error;
    const boost::json::value parsed = boost::json::parse(text, error, {}, options);
    if (error) throw std::invalid_argument("the fleet is not valid JSON: " + error.message());
    if (!parsed.is_array()) throw std::invalid_argument("the fleet must be a JSON array");
    const auto& array = parsed.get_array();
    const auto ranges = split_top_level_array(text);
    if (ranges.size() != array.size()) throw std::logic_error("fleet element split mismatch");

    std::shared_ptr<FleetSnapshot> fleet(new FleetSnapshot());
    fleet->building_ = std::make_shared<std::string>("[");
    fleet->building_->reserve(text.size() + 2);
    for (std::size_t i = 0; i < array.size(); ++i) {
        std::string serial;
        if (const auto* object = array[i].if_object()) {
            if (const auto* value = object->if_contains("serialNumber");
                value && value->is_string()) {
                serial = std::string(value->get_string());
            }
        }
        const auto [begin, end] = ranges[i];
        fleet->add(text.substr(begin, end - begin), std::move(serial));
    }
    fleet->finish();
    return fleet;
}

std::string_view FleetSnapshot::elements_text(std::size_t first, std::size_t last) const {
    if (first >= last || first >= size()) return {};
    last = std::min(last, size());
    return std::string_view(*storage_).substr(begins_[first], ends_[last - 1] - begins_[first]);
}

std::string_view FleetSnapshot::element_text(std::size_t index) const {
    return elements_text(index, index + 1);
}

std::optional<std::size_t> FleetSnapshot::find(std::string_view serial) const {
    const auto it = by_serial_.find(std::string(serial));
    if (it == by_serial_.end()) return std::nullopt;
    return it->second;
}

std::string FleetSnapshot::readable() const {
    std::string out = "[\n";
    for (std::size_t i = 0; i < size(); ++i) {
        out += "  ";
        out += element_text(i);
        out += i + 1 < size() ? ",\n" : "\n";
    }
    out += "]\n";
    return out;
}

}  // namespace emu
