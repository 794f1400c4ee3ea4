// The register list's text as a fetch builds it (common/list_text.hpp): in pieces that are never
// reallocated, joined into the array the cache stores, and read back with each element's place.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <numeric>

#include "common/list_text.hpp"
#include "unit/numbered_serials.hpp"

namespace kkt {
namespace {

using testing::numbered_serial;

std::string element_of(std::size_t i) {
    // About 600 bytes, spaced as a server might write it.
    return "{ \"serialNumber\": \"" + numbered_serial(i) + "\", \"groupCode\": \"" +
           std::string(560, 'g') + "\" }";
}

std::string joined(const std::vector<std::string_view>& parts) {
    return std::accumulate(parts.begin(), parts.end(), std::string(),
                           [](std::string all, std::string_view part) { return all += part; });
}

// Several pieces' worth (a piece holds about a MiB): the parts make the array of every element
// in order, and each register reads back with its element's exact place in that array.
TEST(ListText, ThePiecesMakeOneArrayAndEachRegisterReadsBackInItsPlace) {
    ListText text;
    std::vector<std::string> elements;
    for (std::size_t i = 0; i < 5000; ++i) {
        elements.push_back(element_of(i));
        text.add(boost::json::parse(elements.back()), elements.back());
    }
    const std::vector<std::string_view> parts = text.parts();
    EXPECT_GT(parts.size(), 5u);  // "[", three pieces or more with their commas, "]"
    std::string expected = "[";
    for (std::size_t i = 0; i < elements.size(); ++i) expected += (i ? "," : "") + elements[i];
    expected += "]";
    const std::string array = joined(parts);
    EXPECT_EQ(array, expected);
    EXPECT_EQ(text.bytes(), array.size());
    EXPECT_EQ(text.count(), 5000u);

    std::size_t i = 0;
    std::move(text).take_registers([&](Register&& r, TextSpan span) {
        ASSERT_LT(i, elements.size());
        EXPECT_EQ(r.serial_number, numbered_serial(i));
        EXPECT_EQ(array.substr(span.offset, span.length), elements[i]);
        ++i;
    });
    EXPECT_EQ(i, 5000u);
}

TEST(ListText, NoRegistersIsAnEmptyArray) {
    ListText text;
    EXPECT_EQ(joined(text.parts()), "[]");
    EXPECT_EQ(text.bytes(), 2u);
    std::size_t calls = 0;
    std::move(text).take_registers([&](Register&&, TextSpan) { ++calls; });
    EXPECT_EQ(calls, 0u);
}

// An element larger than a piece gets a piece of its own, whole.
TEST(ListText, AnElementLargerThanAPieceIsKeptWhole) {
    ListText text;
    const std::string small = element_of(1);
    const std::string large =
        R"({"serialNumber":"L","groupCode":")" + std::string(std::size_t{3} << 20, 'x') + "\"}";
    for (const std::string* e : {&small, &large, &small}) text.add(boost::json::parse(*e), *e);
    EXPECT_EQ(joined(text.parts()), "[" + small + "," + large + "," + small + "]");
    std::vector<std::string> serials;
    std::move(text).take_registers(
        [&](Register&& r, TextSpan) { serials.push_back(r.serial_number.value_or("?")); });
    EXPECT_EQ(serials, (std::vector<std::string>{numbered_serial(1), "L", numbered_serial(1)}));
}

}  // namespace
}  // namespace kkt
