#include "url/hash.hpp"

#include <gtest/gtest.h>

#include "url/test_vectors.hpp"

namespace segnala::url {
namespace {

using testing::read_tsv;
using testing::split_spaces;

TEST(Hash, PublishedAndComputedVectors) {
    auto rows = read_tsv("hashes.tsv");
    EXPECT_EQ(rows.size(), 47u);
    for (const auto& row : rows) {
        ASSERT_GE(row.size(), 5u);
        std::string input;
        const long repeat = std::stol(row[1]);
        input.reserve(row[0].size() * static_cast<std::size_t>(repeat));
        for (long i = 0; i < repeat; ++i) {
            input += row[0];
        }
        EXPECT_EQ(to_hex(full_hash(input)), row[2]) << row[0];
        const auto bits = std::stoul(row[3]);
        ASSERT_EQ(bits % 8, 0u);
        auto prefix = hash_prefix(input, bits / 8);
        ASSERT_TRUE(prefix);
        EXPECT_EQ(to_hex(prefix.value()), row[4]) << row[0];
    }
}

TEST(Hash, PrefixLengthBounds) {
    EXPECT_FALSE(hash_prefix("a/", 3));
    EXPECT_FALSE(hash_prefix("a/", 33));
    EXPECT_TRUE(hash_prefix("a/", 32));
}

TEST(Hash, HexRoundTrip) {
    auto bytes = from_hex("00FFa5");
    ASSERT_TRUE(bytes);
    EXPECT_EQ(to_hex(bytes.value()), "00ffa5");
    EXPECT_FALSE(from_hex("abc"));
    EXPECT_FALSE(from_hex("zz"));
}

TEST(Hash, ListChecksumVectors) {
    auto rows = read_tsv("sb-list-checksum.tsv");
    EXPECT_EQ(rows.size(), 3u);
    for (const auto& row : rows) {
        ASSERT_GE(row.size(), 3u);
        std::vector<std::string> prefixes;
        for (const auto& hex : split_spaces(row[0])) {
            auto bytes = from_hex(hex);
            ASSERT_TRUE(bytes);
            prefixes.push_back(bytes.value());
        }
        // Order of input must not matter.
        std::reverse(prefixes.begin(), prefixes.end());
        EXPECT_EQ(to_hex(list_checksum(prefixes)), row[2]) << row[0];
    }
}

}  // namespace
}  // namespace segnala::url
