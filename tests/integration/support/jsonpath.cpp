#include "integration/support/jsonpath.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <deque>
#include <vector>

namespace kkt::testing {
namespace {

namespace json = boost::json;

enum class Compare { eq, ne, lt, le, gt, ge };

// Parses one path; the position only moves forward, errors name the rest of the path.
class Parser {
  public:
    explicit Parser(std::string_view path) : path_(path) {}

    bool done() const { return pos_ == path_.size(); }
    bool next_is(std::string_view s) const { return path_.substr(pos_, s.size()) == s; }
    bool take(std::string_view s) {
        if (!next_is(s)) return false;
        pos_ += s.size();
        return true;
    }
    void expect(std::string_view s) {
        if (!take(s)) fail("expected \"" + std::string(s) + "\"");
    }
    [[noreturn]] void fail(const std::string& why) const {
        throw JsonPathError("jsonpath \"" + std::string(path_) + "\": " + why + " at \"" +
                            std::string(path_.substr(pos_)) + "\"");
    }

    std::string name() {
        const std::size_t start = pos_;
        while (pos_ < path_.size() && (std::isalnum(static_cast<unsigned char>(path_[pos_])) ||
                                       path_[pos_] == '_' || path_[pos_] == '-'))
            ++pos_;
        if (pos_ == start) fail("expected a member name");
        return std::string(path_.substr(start, pos_ - start));
    }

    // 'text' or "text", with backslash escaping the next character (as Zabbix unquotes).
    std::string quoted() {
        const char quote = path_[pos_++];
        std::string out;
        while (pos_ < path_.size() && path_[pos_] != quote) {
            if (path_[pos_] == '\\' && pos_ + 1 < path_.size()) ++pos_;
            out += path_[pos_++];
        }
        if (pos_ == path_.size()) fail("unterminated string");
        ++pos_;
        return out;
    }

    bool at_quote() const { return !done() && (path_[pos_] == '\'' || path_[pos_] == '"'); }

    json::value literal() {
        if (at_quote()) return json::string(quoted());
        const std::size_t start = pos_;
        while (pos_ < path_.size() &&
               (std::isdigit(static_cast<unsigned char>(path_[pos_])) || path_[pos_] == '-' ||
                path_[pos_] == '.' || path_[pos_] == 'e' || path_[pos_] == 'E' ||
                path_[pos_] == '+'))
            ++pos_;
        double number = 0;
        const auto [end, ec] = std::from_chars(path_.data() + start, path_.data() + pos_, number);
        if (ec != std::errc() || end != path_.data() + pos_ || pos_ == start)
            fail("expected a string or number literal");
        return number;
    }

    long index() {
        const std::size_t start = pos_;
        if (!done() && path_[pos_] == '-') ++pos_;
        while (pos_ < path_.size() && std::isdigit(static_cast<unsigned char>(path_[pos_]))) ++pos_;
        long n = 0;
        const auto [end, ec] = std::from_chars(path_.data() + start, path_.data() + pos_, n);
        if (ec != std::errc() || end != path_.data() + pos_) fail("expected an array index");
        return n;
    }

    Compare compare() {
        if (take("==")) return Compare::eq;
        if (take("!=")) return Compare::ne;
        if (take("<=")) return Compare::le;
        if (take(">=")) return Compare::ge;
        if (take("<")) return Compare::lt;
        if (take(">")) return Compare::gt;
        fail("expected a comparison");
    }

  private:
    std::string_view path_;
    std::size_t pos_ = 0;
};

const json::value* member(const json::value& v, const std::string& name) {
    if (!v.is_object()) return nullptr;
    return v.as_object().if_contains(name);
}

// Zabbix compares numbers as numbers and strings as strings; mixed types never match.
bool compare_values(const json::value& left, Compare op, const json::value& right) {
    int order;
    if (left.is_number() && right.is_number()) {
        const double a = left.to_number<double>(), b = right.to_number<double>();
        order = a < b ? -1 : (a > b ? 1 : 0);
    } else if (left.is_string() && right.is_string()) {
        const int c = left.as_string().compare(right.as_string());
        order = c < 0 ? -1 : (c > 0 ? 1 : 0);
    } else {
        return op == Compare::ne;
    }
    switch (op) {
        case Compare::eq:
            return order == 0;
        case Compare::ne:
            return order != 0;
        case Compare::lt:
            return order < 0;
        case Compare::le:
            return order <= 0;
        case Compare::gt:
            return order > 0;
        case Compare::ge:
            return order >= 0;
    }
    return false;
}

struct Filter {
    std::vector<std::string> members;  // @.a.b
    Compare op;
    json::value literal;

    bool matches(const json::value& element) const {
        const json::value* v = &element;
        for (const auto& m : members)
            if (!(v = member(*v, m))) return false;
        return compare_values(*v, op, literal);
    }
};

Filter parse_filter(Parser& p) {
    Filter f;
    p.expect("@");
    while (p.take(".")) f.members.push_back(p.name());
    if (f.members.empty()) p.fail("expected @.member");
    f.op = p.compare();
    f.literal = p.literal();
    p.expect(")]");
    return f;
}

}  // namespace

std::optional<json::value> evaluate_jsonpath(const json::value& document, std::string_view path) {
    Parser p(path);
    p.expect("$");
    std::vector<const json::value*> nodes{&document};
    bool definite = true;

    // Segments up to the first function.
    while (!p.done() && !p.next_is(".first()") && !p.next_is(".length()")) {
        std::vector<const json::value*> next;
        if (p.take("[?(")) {
            const Filter f = parse_filter(p);
            for (const auto* n : nodes) {
                if (!n->is_array()) continue;
                for (const auto& e : n->as_array())
                    if (f.matches(e)) next.push_back(&e);
            }
            definite = false;
        } else if (p.take("[")) {
            if (p.at_quote()) {
                const std::string name = p.quoted();
                for (const auto* n : nodes)
                    if (const auto* m = member(*n, name)) next.push_back(m);
            } else {
                long i = p.index();
                for (const auto* n : nodes) {
                    if (!n->is_array()) continue;
                    const auto& a = n->as_array();
                    const long at = i < 0 ? i + static_cast<long>(a.size()) : i;
                    if (at >= 0 && at < static_cast<long>(a.size())) next.push_back(&a[at]);
                }
            }
            p.expect("]");
        } else if (p.take(".")) {
            const std::string name = p.name();
            for (const auto* n : nodes)
                if (const auto* m = member(*n, name)) next.push_back(m);
        } else {
            p.fail("unsupported segment");
        }
        nodes = std::move(next);
    }

    // Functions: a definite array stands for its elements (Zabbix jsonpath_apply_function).
    std::deque<json::value> computed;  // values functions produce; nodes point into it
    while (!p.done()) {
        const bool first = p.take(".first()");
        if (!first && !p.take(".length()")) p.fail("unsupported function");
        if (definite) {
            if (nodes.empty() || !nodes.front()->is_array())
                throw JsonPathError("cannot apply function to non-array JSON element");
            std::vector<const json::value*> elements;
            for (const auto& e : nodes.front()->as_array()) elements.push_back(&e);
            nodes = std::move(elements);
        }
        if (first) {
            if (nodes.size() > 1) nodes.resize(1);
        } else {
            computed.emplace_back(static_cast<std::int64_t>(nodes.size()));
            nodes = {&computed.back()};
        }
        definite = true;
    }

    if (nodes.empty()) return std::nullopt;
    if (definite) return *nodes.front();
    json::array matches;
    for (const auto* n : nodes) matches.push_back(*n);
    return json::value(std::move(matches));
}

std::string zabbix_text(const json::value& value) {
    if (value.is_string()) return std::string(value.as_string());
    return json::serialize(value);
}

}  // namespace kkt::testing
