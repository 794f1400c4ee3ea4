#include "zabbix/lld.hpp"

#include <boost/json.hpp>

#include "common/status_json.hpp"
#include "zabbix/item_value.hpp"

namespace kkt::zabbix {

boost::json::array discovery_json(const std::vector<const RegisterStatus*>& registers) {
    boost::json::array out;
    out.reserve(registers.size());
    for (const RegisterStatus* status : registers) {
        const Register& r = status->reg;
        if (!r.serial_number) continue;
        boost::json::object macros;
        macros.reserve(std::size(lld_macros));
        for (const LldMacro& macro : lld_macros)
            macros[macro.name] = plain_text(field_value(r, macro.field)).value_or("");
        out.emplace_back(std::move(macros));
    }
    return out;
}

namespace {

boost::json::value register_element(const RegisterStatus& status, std::int64_t list_age) {
    boost::json::value element = boost::json::value_from(status);
    element.as_object()[list_age_key] = list_age;
    return element;
}

}  // namespace

boost::json::array registers_json(const std::vector<const RegisterStatus*>& registers,
                                  std::int64_t list_age) {
    boost::json::array out;
    out.reserve(registers.size());
    for (const RegisterStatus* status : registers)
        out.push_back(register_element(*status, list_age));
    return out;
}

// Element by element: to_json_text takes a value, and handing it the whole array would copy it.
std::string to_output(const boost::json::array& document) {
    std::string text = "[";
    for (const boost::json::value& element : document) {
        if (text.size() > 1) text += ',';
        text += to_json_text(element);
    }
    text += "]\n";
    return text;
}

// The same text as to_output(registers_json(registers, list_age)) without holding every
// element's DOM at once (it is several times the size of the text).
std::string registers_output(const std::vector<const RegisterStatus*>& registers,
                             std::int64_t list_age) {
    std::string text = "[";
    for (const RegisterStatus* status : registers) {
        if (text.size() > 1) text += ',';
        text += to_json_text(register_element(*status, list_age));
    }
    text += "]\n";
    return text;
}

}  // namespace kkt::zabbix
