// JSON values as text: kind names for error messages, compact JSON with plain decimals, the
// plain text of a value in each front end's style, and an array of objects read element by
// element with where each lies.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/json_text.hpp"
#include "unit/comma_locale.hpp"

namespace kkt {
namespace {

namespace json = boost::json;

TEST(JsonKindName, NamesEachKindWithAndWithoutAnArticle) {
    EXPECT_EQ(json_kind_name(json::kind::null), "null");
    EXPECT_EQ(json_kind_name(json::kind::bool_), "boolean");
    EXPECT_EQ(json_kind_name(json::kind::int64), "number");
    EXPECT_EQ(json_kind_name(json::kind::uint64), "number");
    EXPECT_EQ(json_kind_name(json::kind::double_), "number");
    EXPECT_EQ(json_kind_name(json::kind::string), "string");
    EXPECT_EQ(json_kind_name(json::kind::array), "array");
    EXPECT_EQ(json_kind_name(json::kind::object), "object");

    EXPECT_EQ(json_kind_phrase(json::kind::null), "null");
    EXPECT_EQ(json_kind_phrase(json::kind::bool_), "a boolean");
    EXPECT_EQ(json_kind_phrase(json::kind::double_), "a number");
    EXPECT_EQ(json_kind_phrase(json::kind::string), "a string");
    EXPECT_EQ(json_kind_phrase(json::kind::array), "an array");
    EXPECT_EQ(json_kind_phrase(json::kind::object), "an object");
}

TEST(JsonText, DecimalsArePlainInsideArraysAndObjects) {
    const json::value v = json::parse(R"({"a":[8.35,{"b":3e1}],"c":"\u00e9\n","d":-1})");
    EXPECT_EQ(to_json_text(v), "{\"a\":[8.35,{\"b\":30}],\"c\":\"\xC3\xA9\\n\",\"d\":-1}");
}

TEST(PlainText, EachKindByDefault) {
    EXPECT_EQ(plain_text(json::value(nullptr)), std::nullopt);
    EXPECT_EQ(plain_text(json::value(true)), "true");
    EXPECT_EQ(plain_text(json::value(false)), "false");
    EXPECT_EQ(plain_text(json::value(-42)), "-42");
    EXPECT_EQ(plain_text(json::value(18446744073709551615u)), "18446744073709551615");
    EXPECT_EQ(plain_text(json::value(2.5e-3)), "0.0025");
    EXPECT_EQ(plain_text(json::value("a \"b\"")), "a \"b\"");
    EXPECT_EQ(plain_text(json::parse(R"(["a",1.5,null])")), R"(["a",1.5,null])");
    EXPECT_EQ(plain_text(json::parse(R"({"x":1e6})")), R"({"x":1000000})");
}

TEST(PlainText, TheStyleSpellsBooleansAndJoinsArrays) {
    const PlainTextStyle numeric_booleans{
        .true_text = "1", .false_text = "0", .array_separator = std::nullopt};
    EXPECT_EQ(plain_text(json::value(true), numeric_booleans), "1");
    EXPECT_EQ(plain_text(json::value(false), numeric_booleans), "0");
    const PlainTextStyle joined{
        .true_text = "true", .false_text = "false", .array_separator = "; "};
    EXPECT_EQ(plain_text(json::parse(R"(["a",2.5,true,null,"b"])"), joined), "a; 2.5; true; ; b");
    EXPECT_EQ(plain_text(json::array{}, joined), "");
}

TEST(PlainText, NumbersIgnoreTheProcessLocale) {
    const testing::CommaLocale comma;
    ASSERT_TRUE(comma.active()) << testing::CommaLocale::missing;
    EXPECT_EQ(plain_text(json::value(8.35)), "8.35");
    EXPECT_EQ(to_json_text(json::parse("[0.5]")), "[0.5]");
}

// Each object with its exact bytes (no surrounding whitespace or comma) and in order.
TEST(ForEachObjectElement, HandsEachObjectWithItsExactSpan) {
    const std::string text = " [ {\"a\":1} ,\n{ \"b\" : [2, {\"c\":3}] }\t]\r\n";
    std::vector<std::string> spans;
    std::vector<json::value> values;
    EXPECT_TRUE(for_each_object_element(text, {}, [&](const json::value& v, TextSpan span) {
        spans.push_back(text.substr(span.offset, span.length));
        values.emplace_back(v, json::storage_ptr());  // out of the reused arena
    }));
    EXPECT_EQ(spans, (std::vector<std::string>{"{\"a\":1}", "{ \"b\" : [2, {\"c\":3}] }"}));
    EXPECT_EQ(values, (std::vector<json::value>{json::parse("{\"a\":1}"),
                                                json::parse("{\"b\":[2,{\"c\":3}]}")}));
    std::size_t count = 0;
    EXPECT_TRUE(
        for_each_object_element(" [ ] ", {}, [&](const json::value&, TextSpan) { ++count; }));
    EXPECT_EQ(count, 0u);
}

// What is not an array of objects is refused, for a whole parse to say why; so is an array
// deeper than the options allow, as the whole parse would refuse it.
TEST(ForEachObjectElement, RefusesWhatIsNotAnArrayOfObjects) {
    for (const std::string text :
         {"", "{}", "[1]", "[{},2]", "[{}", "[{}]x", "[{},]", "[{}{}]", "[{\"a\":}]", "[{}] ["}) {
        SCOPED_TRACE(text);
        EXPECT_FALSE(for_each_object_element(text, {}, [](const json::value&, TextSpan) {}));
    }
    json::parse_options shallow;
    shallow.max_depth = 2;
    EXPECT_TRUE(
        for_each_object_element("[{\"a\":1}]", shallow, [](const json::value&, TextSpan) {}));
    EXPECT_FALSE(
        for_each_object_element("[{\"a\":[1]}]", shallow, [](const json::value&, TextSpan) {}));
}

}  // namespace
}  // namespace kkt
