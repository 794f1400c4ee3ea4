// The field table and the metric table are the one description of each register field and
// metric: these tests fail when a field or a metric is added in one place only (a member
// without a table row, a metric without its source fields or without a value) and check that
// the reader, the writer, the status JSON and the unknown reasons all follow the tables.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <boost/pfr.hpp>
#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/fleet.hpp"
#include "common/metrics.hpp"
#include "common/register.hpp"
#include "common/state.hpp"
#include "common/status_json.hpp"
#include "unit/register_fixture.hpp"

namespace kkt {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using register_fixture::example_object;
using register_fixture::example_register;

// Every member of Register is a field of the table, plus unknown_fields.
static_assert(boost::pfr::tuple_size_v<Register> == field_count + 1,
              "each Register member needs a row in the field table (common/register.cpp)");

const TimePoint now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 28} + 12h;

// The address of each Register member, in declaration order.
std::vector<const void*> member_addresses(const Register& r) {
    return std::apply([](const auto&... members) { return std::vector<const void*>{&members...}; },
                      boost::pfr::structure_tie(r));
}

const void* address_of(const Register& r, const FieldInfo& info) {
    return std::visit([&r](auto member) -> const void* { return &(r.*member); }, info.member);
}

bool is_known(const Register& r, const FieldInfo& info) {
    return std::visit([&r](auto member) { return (r.*member).has_value(); }, info.member);
}

void forget(Register& r, const FieldInfo& info) {
    std::visit([&r](auto member) { (r.*member).reset(); }, info.member);
}

// The field as its own JSON text, to compare values of any type.
std::string value_text(const Register& r, Field f) {
    return json::serialize(field_value(r, f));
}

TEST(FieldTable, RowsFollowTheEnumAndTheMembersInOrder) {
    const Register r;
    const std::vector<const void*> members = member_addresses(r);
    ASSERT_EQ(members.size(), field_count + 1);
    for (std::size_t i = 0; i < field_count; ++i) {
        const FieldInfo& info = all_fields()[i];
        SCOPED_TRACE(info.output_key);
        EXPECT_EQ(static_cast<std::size_t>(info.id), i);
        EXPECT_EQ(&field_info(info.id), &info);
        EXPECT_EQ(address_of(r, info), members[i]) << "row and member out of order";
    }
    EXPECT_EQ(members.back(), static_cast<const void*>(&r.unknown_fields));
}

TEST(FieldTable, KeysAreWellFormedAndUnique) {
    const std::regex snake_case("[a-z][a-z0-9_]*");
    const std::regex camel_case("[a-z][A-Za-z0-9]*");
    std::set<std::string_view> output_keys;
    std::set<std::string_view> api_keys;
    for (const FieldInfo& info : all_fields()) {
        SCOPED_TRACE(info.output_key);
        EXPECT_TRUE(std::regex_match(std::string(info.output_key), snake_case));
        EXPECT_TRUE(output_keys.insert(info.output_key).second) << "output key twice";
        ASSERT_FALSE(info.api_keys().empty());
        EXPECT_EQ(info.api_keys().front(), info.api_key());
        for (const std::string_view k : info.api_keys()) {
            EXPECT_TRUE(std::regex_match(std::string(k), camel_case)) << k;
            EXPECT_TRUE(api_keys.insert(k).second) << "API key twice: " << k;
            EXPECT_EQ(field_of_api_key(k), info.id) << k;
        }
    }
    EXPECT_EQ(field_of_api_key("noSuchKey"), std::nullopt);
}

TEST(FieldTable, TheFixtureRegisterHasEveryField) {
    // The shared example must grow with the table, or the tests below would skip a field.
    const Register r = example_register();
    for (const FieldInfo& info : all_fields()) EXPECT_TRUE(is_known(r, info)) << info.api_key();
}

TEST(FieldTable, EveryFieldRoundTripsThroughWriterAndReaderByItsApiKey) {
    const Register r = example_register();
    const json::object written = json::value_from(r).as_object();
    for (const FieldInfo& info : all_fields()) {
        SCOPED_TRACE(info.api_key());
        EXPECT_TRUE(written.contains(info.api_key()));
        for (const std::string_view alias : info.api_keys().subspan(1))
            EXPECT_FALSE(written.contains(alias)) << "only the first spelling is written";
    }
    EXPECT_EQ(written.size(), field_count) << "the writer writes the table's keys only";
    const Register back = json::value_to<Register>(json::value(written));
    for (const FieldInfo& info : all_fields())
        EXPECT_EQ(value_text(back, info.id), value_text(r, info.id)) << info.api_key();
    EXPECT_TRUE(back.unknown_fields.empty());
}

TEST(FieldTable, EverySpellingIsRead) {
    const json::object example = example_object();
    for (const FieldInfo& info : all_fields()) {
        for (const std::string_view spelling : info.api_keys()) {
            SCOPED_TRACE(spelling);
            json::object o = example;
            const json::value value = o.at(info.api_key());
            for (const std::string_view k : info.api_keys()) o.erase(k);
            o[spelling] = value;
            const Register r = json::value_to<Register>(json::value(o));
            EXPECT_EQ(value_text(r, info.id), value_text(example_register(), info.id));
            EXPECT_TRUE(r.unknown_fields.empty());
        }
    }
}

TEST(FieldTable, AnAbsentKeyMeansWhatTheTableSays) {
    const Register defaults;
    for (const FieldInfo& info : all_fields()) {
        SCOPED_TRACE(info.api_key());
        json::object o = example_object();
        for (const std::string_view k : info.api_keys()) o.erase(k);
        const Register r = json::value_to<Register>(json::value(o));
        switch (info.when_absent) {
            case WhenAbsent::unknown:
                EXPECT_FALSE(is_known(r, info));
                EXPECT_EQ(r.unknown_fields, std::vector<std::string>{std::string(info.api_key())});
                break;
            case WhenAbsent::zero:
                EXPECT_EQ(value_text(r, info.id), "0");
                EXPECT_TRUE(r.unknown_fields.empty());
                // A default Register agrees with an API object without the key.
                EXPECT_EQ(value_text(defaults, info.id), "0");
                // And the writer leaves a zero out again, as the API does.
                EXPECT_FALSE(json::value_from(r).as_object().contains(info.api_key()));
                break;
            case WhenAbsent::nothing:
                EXPECT_FALSE(is_known(r, info));
                EXPECT_TRUE(r.unknown_fields.empty());
                EXPECT_FALSE(json::value_from(r).as_object().contains(info.api_key()));
                break;
        }
    }
}

TEST(FieldTable, TheStatusJsonStartsWithEveryFieldUnderItsOutputKey) {
    RegisterStatus status;
    status.reg = example_register();
    const json::object o = json::value_from(status).as_object();
    auto entry = o.begin();
    for (const FieldInfo& info : all_fields()) {
        ASSERT_NE(entry, o.end());
        EXPECT_EQ(entry->key(), info.output_key);
        EXPECT_EQ(entry->value(), field_value(status.reg, info.id)) << info.output_key;
        EXPECT_FALSE(entry->value().is_null()) << info.output_key;
        EXPECT_EQ(status_key_sources(info.output_key), FieldSet{info.id});
        ++entry;
    }
}

TEST(MetricTable, EveryMetricNamesItsSourceFieldsAndIsInTheStatusJson) {
    const json::object o = json::value_from(RegisterStatus{}).as_object();
    for (const MetricInfo& info : all_metrics()) {
        SCOPED_TRACE(info.name);
        EXPECT_FALSE(info.sources.empty());
        EXPECT_TRUE(o.contains(info.name));
        // A metric that shares its key with a field is that field.
        const auto field =
            std::find_if(all_fields().begin(), all_fields().end(),
                         [&](const FieldInfo& f) { return f.output_key == info.name; });
        if (field != all_fields().end())
            EXPECT_EQ(info.sources, FieldSet{field->id});
        else
            EXPECT_EQ(status_key_sources(info.name), info.sources);
    }
}

// A register whose ФН history gives a forecast (forecast.hpp): 12.5 days to full, 150 a day.
const FnForecast with_history{12.5, 150, 10, 10};

TEST(MetricTable, EveryMetricIsKnownForAFullRegister) {
    const Metrics m = compute_metrics(example_register(), now, now - 1h, with_history);
    for (const MetricInfo& info : all_metrics()) EXPECT_TRUE(m.get(info.id)) << info.name;
}

// The sources are exactly what compute_metrics reads to know a value: without them (and
// without a tracked shift) a metric is unknown; without every other field it is known (given
// the history the forecast metrics also need).
TEST(MetricTable, TheSourcesAreWhatMakesAMetricUnknown) {
    for (const MetricInfo& info : all_metrics()) {
        SCOPED_TRACE(info.name);
        Register without_sources = example_register();
        Register only_sources = example_register();
        for (const FieldInfo& field : all_fields())
            forget(info.sources.contains(field.id) ? without_sources : only_sources, field);
        EXPECT_FALSE(compute_metrics(without_sources, now, now - 1h, with_history).get(info.id));
        EXPECT_TRUE(compute_metrics(only_sources, now, std::nullopt, with_history).get(info.id));
    }
}

// Every metric's unknown reason names its sources: as the register spelled them when it marked
// them, else each field's API key.
TEST(MetricTable, TheUnknownReasonNamesTheSourceFields) {
    for (const MetricInfo& info : all_metrics()) {
        SCOPED_TRACE(info.name);
        Thresholds thresholds;
        thresholds.set_warning(std::string(info.name) + "=0:");
        Register r = example_register();
        std::string keys;
        for (const FieldInfo& field : all_fields()) {
            if (!info.sources.contains(field.id)) continue;
            forget(r, field);
            keys += (keys.empty() ? "" : ", ") + std::string(field.api_key());
        }
        const std::string expected =
            std::string(info.name) + " unknown: " + keys + " missing or invalid";
        Metrics m = compute_metrics(r, now, std::nullopt);
        EXPECT_EQ(evaluate(r, m, thresholds, now).problems.at(0).reason, expected);
        for (const std::string_view k : api_keys_of(info.sources)) r.unknown_fields.emplace_back(k);
        EXPECT_EQ(evaluate(r, m, thresholds, now).problems.at(0).reason, expected);
    }
}

TEST(FieldSet, UnknownKeysAreNamedAsTheRegisterSpelledThemInApiOrder) {
    Register r;
    r.unknown_fields = {"serialNumber", "firstUnsentDocTimestamp", "networkErrorCode"};
    EXPECT_THAT(unknown_api_keys(r, {Field::network_error_code, Field::first_unsent_doc_timestamp,
                                     Field::timestamp}),
                ::testing::ElementsAre("firstUnsentDocTimestamp", "networkErrorCode"));
    EXPECT_THAT(api_keys_of({Field::network_error_code, Field::first_unsent_doc_timestamp}),
                ::testing::ElementsAre("firstUnsetDocTimestamp", "networkErrorCode"));
    EXPECT_TRUE(r.field_unknown("firstUnsetDocTimestamp"));
    EXPECT_FALSE(r.field_unknown("timestamp"));
    EXPECT_TRUE(FieldSet{}.empty());
}

}  // namespace
}  // namespace kkt
