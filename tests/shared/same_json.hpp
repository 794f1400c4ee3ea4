#pragma once
// JSON equality where numbers compare by value: texts may write a whole double as "6", "6.0"
// or Boost 1.81's "6E0", and a test must not fail over that.
#include <boost/json/value.hpp>

namespace kkt::testing {

inline bool same_json(const boost::json::value& a, const boost::json::value& b) {
    if (a.is_number() && b.is_number()) return a.to_number<double>() == b.to_number<double>();
    if (a.kind() != b.kind()) return false;
    if (a.is_array()) {
        const auto &x = a.get_array(), &y = b.get_array();
        if (x.size() != y.size()) return false;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (!same_json(x[i], y[i])) return false;
        return true;
    }
    if (a.is_object()) {
        const auto &x = a.get_object(), &y = b.get_object();
        if (x.size() != y.size()) return false;
        for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j)
            if (i->key() != j->key() || !same_json(i->value(), j->value())) return false;
        return true;
    }
    return a == b;
}

}  // namespace kkt::testing
