#pragma once
// A strict reader of Nagios performance data for the check's tests (unit and integration).
#include <regex>
#include <string>
#include <vector>

#include "common/range.hpp"

namespace kkt::checktest {

// Strict perfdata syntax (plugin guidelines): space-separated
// 'label'=value[UOM];[warn];[crit];[min];[max], value a C-locale decimal or U, UOM one of
// the guidelines' units, warn/crit Nagios ranges, trailing empty fields dropped.
// Returns the labels, or an error text for the first bad item.
struct PerfParse {
    std::vector<std::string> labels;
    std::vector<std::string> values;
    std::string error;
    // The value text of `label`, "" when absent.
    std::string value(const std::string& label) const {
        for (std::size_t i = 0; i < labels.size(); ++i)
            if (labels[i] == label) return values[i];
        return "";
    }
};

inline PerfParse parse_perfdata_strictly(const std::string& text) {
    static const std::string number = R"(-?[0-9]+(?:\.[0-9]+)?)";
    static const std::string range = "@?(?:(?:~|" + number + "):)?(?:" + number + ")?";
    static const std::regex item("^(?:([^ '=]+)|'((?:[^']|'')+)')=(" + number +
                                 "|U)(%|s|ms|us|B|KB|MB|TB|c)?(?:;(" + range + ")(?:;(" + range +
                                 ")(?:;(" + number + ")?(?:;(" + number + ")?)?)?)?)?$");
    PerfParse result;
    if (text.empty()) {
        result.error = "no performance data";
        return result;
    }
    if (text.front() == ' ' || text.back() == ' ' || text.find("  ") != std::string::npos) {
        result.error = "stray spaces";
        return result;
    }
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = std::min(text.find(' ', start), text.size());
        const std::string token = text.substr(start, end - start);
        std::smatch m;
        if (!std::regex_match(token, m, item)) {
            result.error = "bad item '" + token + "'";
            return result;
        }
        if (token.back() == ';') {
            result.error = "trailing ';' in '" + token + "'";
            return result;
        }
        for (int field : {5, 6}) {
            if (m[field].length() == 0) continue;
            try {
                parse_range(m[field].str());
            } catch (const std::exception& e) {
                result.error = "bad range in '" + token + "': " + e.what();
                return result;
            }
        }
        result.labels.push_back(m[1].matched ? m[1].str() : m[2].str());
        result.values.push_back(m[3].str());
        start = end + 1;
    }
    return result;
}

}  // namespace kkt::checktest
