// `list --csv`: RFC 4180 quoting, CRLF, the header of the JSON keys, the JSON's values.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/status_json.hpp"
#include "common/table.hpp"

namespace kkt {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(CsvField, QuotedOnlyWhenNeededWithQuotesDoubled) {
    EXPECT_EQ(csv_field("shop.example.ru"), "shop.example.ru");
    EXPECT_EQ(csv_field(""), "");
    EXPECT_EQ(csv_field("магазин-3.рф"), "магазин-3.рф");
    EXPECT_EQ(csv_field("г. Москва, ул. Ленина"), "\"г. Москва, ул. Ленина\"");
    EXPECT_EQ(csv_field("ТЦ \"Пассаж\""), "\"ТЦ \"\"Пассаж\"\"\"");
    EXPECT_EQ(csv_field("line\nbreak"), "\"line\nbreak\"");
    EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
    EXPECT_EQ(csv_field("\""), "\"\"\"\"");
    EXPECT_EQ(csv_field(" padded "), " padded ");  // spaces are data in RFC 4180
}

RegisterStatus sample() {
    RegisterStatus s;
    s.reg.serial_number = "00106709186412";
    s.reg.fiscal_storage_payment_address = "г. Москва, ТЦ \"Пассаж\"";
    s.reg.is_shift_opened = true;
    s.reg.network_error_code = 2;
    s.metrics.set(Metric::fn_days_left, 2.4375);
    s.metrics.set(Metric::fn_usage, 37.5);
    s.reg.unsent_docs = 1234567;
    s.evaluation = {State::critical,
                    {{State::critical, Metric::fn_days_left, "ФН expires in 2.4 days"},
                     {State::warning, Metric::network_error, "network error 2"}}};
    return s;
}

TEST(Csv, HeaderIsTheJsonKeysAndRowsTheirValues) {
    const RegisterStatus s = sample();
    const std::string csv = render_csv({&s});
    const boost::json::object o = boost::json::value_from(s).as_object();
    std::string header;
    for (const auto& e : o) header += (header.empty() ? "" : ",") + std::string(e.key());
    EXPECT_THAT(csv, StartsWith(header + "\r\n"));
    EXPECT_THAT(header, StartsWith("serial_number,registration_number,"));
    EXPECT_THAT(header, HasSubstr(",fn_days_left,fn_usage,"));

    const std::string row = csv.substr(header.size() + 2);
    EXPECT_THAT(row, StartsWith("00106709186412,,"));                   // unknown: empty
    EXPECT_THAT(row, HasSubstr(",\"г. Москва, ТЦ \"\"Пассаж\"\"\","));  // quoted, quotes doubled
    EXPECT_THAT(row, HasSubstr(",true,"));                              // is_shift_opened
    EXPECT_THAT(row, HasSubstr(",2.438,37.5,"));  // fn_days_left rounded as in JSON, C locale
    EXPECT_THAT(row, HasSubstr(",1234567,"));     // no grouping, no exponent
    EXPECT_THAT(row, HasSubstr(",CRITICAL,2,ФН expires in 2.4 days; network error 2,"));
    EXPECT_THAT(row, testing::EndsWith(",\r\n"));  // unknown_fields: none
    // One line per register: the quoted address holds no line break here.
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 2);
}

TEST(Csv, EveryRowHasAsManyFieldsAsTheHeader) {
    RegisterStatus a = sample();
    RegisterStatus b;  // everything unknown
    b.reg.fiscal_storage_payment_address = "multi\r\nline, with \"quotes\"";
    const std::string csv = render_csv({&a, &b});
    // Count fields with an RFC 4180 reader: commas outside quotes, records ended by CRLF.
    std::vector<std::size_t> fields;
    std::size_t count = 1;
    bool quoted = false;
    for (std::size_t i = 0; i < csv.size(); ++i) {
        const char c = csv[i];
        if (c == '"')
            quoted = !quoted;  // "" toggles twice: stays
        else if (!quoted && c == ',')
            ++count;
        else if (!quoted && c == '\r') {
            ASSERT_EQ(csv[i + 1], '\n');
            fields.push_back(count);
            count = 1;
            ++i;
        }
    }
    EXPECT_FALSE(quoted);
    ASSERT_EQ(fields.size(), 3u);
    EXPECT_EQ(fields[1], fields[0]);
    EXPECT_EQ(fields[2], fields[0]);
    EXPECT_THAT(csv, HasSubstr(",\"multi\r\nline, with \"\"quotes\"\"\","));
}

TEST(Csv, NoRegistersIsTheHeaderOnly) {
    const std::string csv = render_csv({});
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1);
    EXPECT_THAT(csv, StartsWith("serial_number,"));
    EXPECT_THAT(csv, testing::EndsWith(",state,state_code,problems,notes,unknown_fields\r\n"));
}

}  // namespace
}  // namespace kkt
