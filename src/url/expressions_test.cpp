#include "url/expressions.hpp"

#include <set>

#include <gtest/gtest.h>

#include "url/test_vectors.hpp"

namespace segnala::url {
namespace {

using testing::read_tsv;
using testing::split_spaces;

TEST(Expressions, PublishedVectors) {
    auto rows = read_tsv("expressions.tsv");
    EXPECT_EQ(rows.size(), 21u);
    int checked = 0;
    for (const auto& row : rows) {
        ASSERT_GE(row.size(), 3u);
        const std::string& variant = row[2];
        // impl:google-go rows record what the Go client does against its own docs (7 labels,
        // dropping an empty query); SOURCES.md says to leave them out.
        if (variant == "impl:google-go") {
            continue;
        }
        HostRule rule = variant == "v5" ? HostRule::v5 : HostRule::v4;
        auto url = canonicalize(row[0]);
        if (row[1] == "failure") {
            EXPECT_FALSE(url) << row[0];
            ++checked;
            continue;
        }
        ASSERT_TRUE(url) << row[0];
        auto got = lookup_expressions(url.value(), rule);
        std::set<std::string> got_set(got.begin(), got.end());
        EXPECT_EQ(got_set.size(), got.size()) << "duplicates for " << row[0];
        auto want = split_spaces(row[1]);
        EXPECT_EQ(got_set, std::set<std::string>(want.begin(), want.end())) << row[0];
        if (variant == "v4+v5") {
            auto v5 = lookup_expressions(url.value(), HostRule::v5);
            EXPECT_EQ(std::set<std::string>(v5.begin(), v5.end()), got_set) << "v5 " << row[0];
        }
        ++checked;
    }
    EXPECT_EQ(checked, 17);
}

TEST(Expressions, V4RuleAddsBareSuffixesV5DoesNot) {
    auto url = canonicalize("http://example.co.uk/1");
    ASSERT_TRUE(url);
    auto v4 = lookup_expressions(url.value(), HostRule::v4);
    EXPECT_EQ(std::set<std::string>(v4.begin(), v4.end()),
              (std::set<std::string>{"example.co.uk/1", "example.co.uk/", "co.uk/1", "co.uk/"}));
}

TEST(Expressions, V5BuildsFromRegistrableDomain) {
    auto url = canonicalize("http://a.b.c.d.e.f.example.co.uk/");
    ASSERT_TRUE(url);
    auto hosts = lookup_hosts(url.value(), HostRule::v5);
    EXPECT_EQ(
        std::set<std::string>(hosts.begin(), hosts.end()),
        (std::set<std::string>{"a.b.c.d.e.f.example.co.uk", "example.co.uk", "f.example.co.uk",
                               "e.f.example.co.uk", "d.e.f.example.co.uk"}));
}

TEST(Expressions, EmptyQueryIsKeptAsInTheDoc) {
    // "http://a.b/?" is an impl:google-go row: the Go client drops the empty query. The doc
    // keeps "q?" in the canonical URL, so the exact path with its (empty) query is tried too.
    auto url = canonicalize("http://a.b/?");
    ASSERT_TRUE(url);
    auto e = lookup_expressions(url.value());
    EXPECT_EQ(std::set<std::string>(e.begin(), e.end()), (std::set<std::string>{"a.b/?", "a.b/"}));
}

}  // namespace
}  // namespace segnala::url
