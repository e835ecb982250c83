#include "url/rice.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "url/hash.hpp"
#include "url/test_vectors.hpp"

namespace segnala::url {
namespace {

using testing::read_tsv;
using testing::split_spaces;

std::vector<std::uint8_t> bytes_of(const std::string& hex) {
    auto raw = from_hex(hex);
    EXPECT_TRUE(raw) << hex;
    const std::string& s = raw ? raw.value() : std::string();
    return {s.begin(), s.end()};
}

std::string be_hex(std::uint32_t v) {
    const char be[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16 & 0xFF),
                        static_cast<char>(v >> 8 & 0xFF), static_cast<char>(v & 0xFF)};
    return to_hex(std::string_view(be, 4));
}

TEST(Rice, Vectors) {
    auto rows = read_tsv("sb-rice.tsv");
    EXPECT_EQ(rows.size(), 13u);
    for (const auto& row : rows) {
        ASSERT_GE(row.size(), 5u);
        const unsigned k = static_cast<unsigned>(std::stoul(row[0]));
        const std::size_t n = std::stoul(row[2]);
        auto data = bytes_of(row[3]);
        auto expected = split_spaces(row[4]);
        std::vector<std::string> got;
        if (row[1] == "-") {
            // Raw values: no first value, no delta sums.
            RiceDecoder decoder(data, k);
            for (std::size_t i = 0; i < n; ++i) {
                auto v = decoder.next();
                ASSERT_TRUE(v) << row[3];
                got.push_back(std::to_string(v.value()));
            }
        } else {
            // v5 RiceDeltaEncoded32Bit: values are big-endian hash prefixes.
            auto values = decode_rice_deltas(std::stoull(row[1]), k, n, data);
            ASSERT_TRUE(values);
            for (auto v : values.value()) {
                got.push_back(be_hex(v));
            }
        }
        EXPECT_EQ(got, expected) << row[3];
    }
}

TEST(Rice, V5WorkedExampleMatchesRealHashes) {
    auto values = decode_rice_deltas(489866504, 30, 2, bytes_of("7400d2971bed497400"));
    ASSERT_TRUE(values);
    EXPECT_EQ(be_hex(values.value()[0]), to_hex(full_hash("b.example.com/")).substr(0, 8));
    EXPECT_EQ(be_hex(values.value()[1]), to_hex(full_hash("a.example.com/")).substr(0, 8));
}

TEST(Rice, RejectsHostileInput) {
    std::vector<std::uint8_t> ones(8, 0xFF);
    EXPECT_FALSE(RiceDecoder(ones, 2).next());                  // never-ending quotient
    EXPECT_FALSE(decode_rice_deltas(0, 28, 1000000000, ones));  // count beyond the data
    EXPECT_FALSE(decode_rice_deltas(0, 33, 0, ones));           // bad parameter
    EXPECT_FALSE(decode_rice_deltas(0xFFFFFFFFull, 2, 1, {ones.data(), 1}));  // overflow
}

TEST(ThreatEntrySet, Vectors) {
    auto rows = read_tsv("sb-threatentryset.tsv");
    EXPECT_EQ(rows.size(), 18u);
    for (const auto& row : rows) {
        ASSERT_GE(row.size(), 3u);
        std::vector<std::string> got;
        for (const auto& proto : split_spaces(row[1])) {
            auto bytes = bytes_of(proto);
            auto set = decode_threat_entry_set(bytes);
            ASSERT_TRUE(set) << proto;
            if (row[0] == "hashes") {
                for (const auto& h : set.value().hashes) {
                    got.push_back(to_hex(h));
                }
            } else {
                for (auto i : set.value().indices) {
                    got.push_back(std::to_string(i));
                }
            }
        }
        if (row[0] == "hashes") {
            std::sort(got.begin(), got.end());
        }
        EXPECT_EQ(got, split_spaces(row[2])) << row[1];
    }
}

TEST(ThreatEntrySet, RejectsTruncatedAndMalformed) {
    auto good = bytes_of("08022a0308e607");
    ASSERT_TRUE(decode_threat_entry_set(good));
    for (std::size_t cut = 1; cut < good.size(); ++cut) {
        if (cut == 2) {
            continue;  // "0802" alone is a complete message (compression_type only)
        }
        std::vector<std::uint8_t> truncated(good.begin(), good.begin() + cut);
        EXPECT_FALSE(decode_threat_entry_set(truncated)) << cut;
    }
    EXPECT_FALSE(decode_threat_entry_set(bytes_of("0b")));  // group start: unsupported
    EXPECT_FALSE(decode_threat_entry_set(bytes_of("1205080412031122")));  // 3 bytes, size 4
}

}  // namespace
}  // namespace segnala::url
