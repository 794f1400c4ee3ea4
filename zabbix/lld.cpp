#include "zabbix/lld.hpp"

#include <boost/json.hpp>
#include <functional>

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

// The status object of a register becomes its element: list_age_key after its own keys.
std::function<void(boost::json::object&)> adding_list_age(std::int64_t list_age) {
    return [list_age](boost::json::object& element) { element[list_age_key] = list_age; };
}

}  // namespace

boost::json::array registers_json(const std::vector<const RegisterStatus*>& registers,
                                  std::int64_t list_age) {
    boost::json::array out;
    out.reserve(registers.size());
    const auto add_list_age = adding_list_age(list_age);
    for (const RegisterStatus* status : registers) {
        boost::json::value element = boost::json::value_from(*status);
        add_list_age(element.as_object());
        out.push_back(std::move(element));
    }
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

void write_registers_output(const std::vector<const RegisterStatus*>& registers,
                            std::int64_t list_age, TextSink& out) {
    write_status_array(registers, out, adding_list_age(list_age));
}

}  // namespace kkt::zabbix
