#include "zabbix/trapper_values.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "common/errors.hpp"
#include "common/status_json.hpp"
#include "zabbix/lld.hpp"

namespace kkt::zabbix {

std::vector<TrapperItem> parse_trapper_items(std::string_view list) {
    std::vector<TrapperItem> items;
    while (true) {
        const auto comma = list.find(',');
        const std::string_view name = list.substr(0, comma);
        TrapperItem item;
        if (name == "registers")
            item = TrapperItem::registers;
        else if (name == "discovery")
            item = TrapperItem::discovery;
        else
            throw ConfigError("unknown trapper item '" + std::string(name) +
                              "' in --items (valid: registers, discovery)");
        if (std::find(items.begin(), items.end(), item) != items.end())
            throw ConfigError("trapper item '" + std::string(name) + "' given twice in --items");
        items.push_back(item);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return items;
}

std::string trapper_key(TrapperItem item) {
    return item == TrapperItem::registers ? "atol.kkt.registers" : "atol.kkt.discovery";
}

std::vector<SenderValue> trapper_values(const std::vector<TrapperItem>& items,
                                        const std::vector<const RegisterStatus*>& registers,
                                        const std::string& host, std::int64_t clock,
                                        std::int64_t list_age) {
    std::vector<SenderValue> values;
    for (TrapperItem item : items) {
        const boost::json::array document = item == TrapperItem::registers
                                                ? registers_json(registers, list_age)
                                                : discovery_json(registers);
        values.push_back(SenderValue{host, trapper_key(item), to_json_text(document), clock});
    }
    return values;
}

SenderValue trapper_error_value(const std::string& host, std::string error_line,
                                std::int64_t clock) {
    return SenderValue{host, trapper_key(TrapperItem::registers), std::move(error_line), clock};
}

}  // namespace kkt::zabbix
