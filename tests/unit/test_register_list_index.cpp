// The register list's index (common/cache.hpp): one register is read in a bounded number of
// list bytes whatever the list's size, and an index is only ever used with its own list.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include "common/cache.hpp"
#include "common/register.hpp"
#include "shared/temp_dir.hpp"
#include "unit/numbered_serials.hpp"

namespace kkt {
namespace {

using namespace std::chrono_literals;
using TempDir = testing::ScratchDir;
using testing::numbered_serial;

const TimePoint t0 = std::chrono::sys_days{std::chrono::November / 28 / 2026} + 10h;

// `registers` elements of one size, as the cache stores a list, with their serials.
CachedList list_of(std::size_t registers) {
    std::string text = "[";
    for (std::size_t i = 0; i < registers; ++i) {
        if (i > 0) text += ",";
        text += R"({"serialNumber":")" + numbered_serial(i) + R"(","unsentDocs":)" +
                std::to_string(i % 10) + R"(,"groupCode":"shop-example-ru_1207"})";
    }
    return CachedList{t0, text + "]", registers};
}

// Stores `list` and its index as a fetching run does (common/fleet.cpp).
void store_with_index(const RegisterListCache& cache, const CachedList& list) {
    const std::string generation = cache.store(list);
    std::vector<TextSpan> spans;
    const auto registers = parse_register_list(list.registers_json, &spans);
    ASSERT_EQ(spans.size(), registers.size());
    std::vector<ListElement> elements;
    for (std::size_t i = 0; i < registers.size(); ++i)
        elements.push_back({*registers[i].serial_number, spans[i].offset, spans[i].length});
    cache.store_index(generation, list.registers_json.size(), elements);
}

std::string element_of(const CachedList& list, std::size_t i) {
    std::vector<TextSpan> spans;
    parse_register_list(list.registers_json, &spans);
    return list.registers_json.substr(spans.at(i).offset, spans.at(i).length);
}

TEST(RegisterListIndex, OneRegisterReadsTheSameFewBytesOfASmallAndALargeList) {
    std::vector<std::size_t> bytes_read;
    for (const std::size_t size : {100u, 50'000u}) {
        TempDir tmp;
        const CacheDir dir(tmp.file("c"));
        const RegisterListCache cache(dir, "k");
        const CachedList list = list_of(size);
        store_with_index(cache, list);
        for (const std::size_t i : {std::size_t{0}, size / 2, size - 1}) {
            const auto one = cache.load_one(t0 + 1s, 60s, numbered_serial(i));
            ASSERT_TRUE(one.has_value()) << size;
            EXPECT_EQ(one->fetched_at, t0);
            EXPECT_EQ(one->count, size);
            ASSERT_TRUE(one->register_json.has_value());
            EXPECT_EQ(*one->register_json, element_of(list, i));
            EXPECT_EQ(parse_register_element(*one->register_json).serial_number,
                      numbered_serial(i));
            bytes_read.push_back(one->list_bytes_read);
        }
        // A serial the list lacks: said so, from the index alone.
        const auto absent = cache.load_one(t0, 60s, "99999999999999");
        ASSERT_TRUE(absent.has_value());
        EXPECT_FALSE(absent->register_json.has_value());
        EXPECT_EQ(absent->count, size);
        EXPECT_LE(absent->list_bytes_read, 4096u);
        EXPECT_GT(list.registers_json.size(), 4096u);
    }
    // The header probe and one element: the same for 100 and 50,000 registers (the element
    // sizes differ by at most the digits of unsentDocs, which are all one digit).
    for (const std::size_t n : bytes_read) {
        EXPECT_EQ(n, bytes_read.front());
        EXPECT_LE(n, 4096u + 200u);
    }
}

TEST(RegisterListIndex, IsNeverUsedWithAnotherList) {
    TempDir tmp;
    const CacheDir dir(tmp.file("c"));
    const RegisterListCache cache(dir, "k");
    const CachedList first = list_of(10);
    store_with_index(cache, first);
    ASSERT_TRUE(cache.load_one(t0, 60s, numbered_serial(3)).has_value());

    // A newer list, stored before its index: the old index does not serve it.
    const CachedList second = list_of(12);
    const std::string generation = cache.store(second);
    EXPECT_EQ(cache.load_one(t0, 60s, numbered_serial(3)), std::nullopt);
    EXPECT_TRUE(cache.load(t0, 60s).has_value());  // the list itself is fine
    // An index written for another generation does not either, even of the same size.
    {
        std::vector<TextSpan> spans;
        const auto registers = parse_register_list(second.registers_json, &spans);
        std::vector<ListElement> elements;
        for (std::size_t i = 0; i < registers.size(); ++i)
            elements.push_back({*registers[i].serial_number, spans[i].offset, spans[i].length});
        cache.store_index("0000000000000000", second.registers_json.size(), elements);
        EXPECT_EQ(cache.load_one(t0, 60s, numbered_serial(3)), std::nullopt);
        cache.store_index(generation, second.registers_json.size(), elements);
    }
    const auto one = cache.load_one(t0, 60s, numbered_serial(11));
    ASSERT_TRUE(one.has_value());
    EXPECT_EQ(*one->register_json, element_of(second, 11));
}

TEST(RegisterListIndex, FollowsTheListsFreshnessAndRefusesDamage) {
    TempDir tmp;
    const CacheDir dir(tmp.file("c"));
    const RegisterListCache cache(dir, "k");
    store_with_index(cache, list_of(20));
    EXPECT_TRUE(cache.load_one(t0 + 59s, 60s, numbered_serial(1)).has_value());
    EXPECT_EQ(cache.load_one(t0 + 60s, 60s, numbered_serial(1)), std::nullopt);  // stale
    EXPECT_EQ(cache.load_one(t0, 0s, numbered_serial(1)), std::nullopt);         // ttl 0: off
    EXPECT_EQ(cache.load_one(t0 - 61s, 60s, numbered_serial(1)), std::nullopt);  // from the future

    // A truncated index, then a list cut short: nullopt (the caller reads the whole list).
    const std::string index_path = tmp.file("c/registers-k.index");
    std::filesystem::resize_file(index_path, std::filesystem::file_size(index_path) - 1);
    EXPECT_EQ(cache.load_one(t0, 60s, numbered_serial(1)), std::nullopt);
    store_with_index(cache, list_of(20));
    const std::string list_path = tmp.file("c/registers-k.json");
    std::filesystem::resize_file(list_path, std::filesystem::file_size(list_path) - 1);
    EXPECT_EQ(cache.load_one(t0, 60s, numbered_serial(1)), std::nullopt);
    // A missing index.
    store_with_index(cache, list_of(20));
    std::filesystem::remove(index_path);
    EXPECT_EQ(cache.load_one(t0, 60s, numbered_serial(1)), std::nullopt);
}

}  // namespace
}  // namespace kkt
