#include "url/canonicalize.hpp"

#include <gtest/gtest.h>

#include "url/test_vectors.hpp"

namespace segnala::url {
namespace {

using testing::read_tsv;

std::string canonical_or_failure(const std::string& input) {
    auto result = canonicalize(input);
    return result ? result.value().url : std::string("failure");
}

TEST(Canonicalize, PublishedV4Vectors) {
    auto rows = read_tsv("canonicalization.tsv");
    EXPECT_EQ(rows.size(), 33u);
    for (const auto& row : rows) {
        ASSERT_GE(row.size(), 2u);
        EXPECT_EQ(canonical_or_failure(row[0]), row[1]) << "input: " << row[0];
    }
}

TEST(Canonicalize, ExtraVectors) {
    auto rows = read_tsv("canonicalization-extra.tsv");
    EXPECT_EQ(rows.size(), 37u);
    for (const auto& row : rows) {
        ASSERT_GE(row.size(), 2u);
        EXPECT_EQ(canonical_or_failure(row[0]), row[1]) << "input: " << row[0];
    }
}

TEST(Canonicalize, IsIdempotent) {
    for (const char* file : {"canonicalization.tsv", "canonicalization-extra.tsv"}) {
        for (const auto& row : read_tsv(file)) {
            auto once = canonicalize(row[0]);
            if (!once) {
                continue;
            }
            auto twice = canonicalize(once.value().url);
            ASSERT_TRUE(twice) << once.value().url;
            EXPECT_EQ(twice.value().url, once.value().url);
        }
    }
}

TEST(Canonicalize, MappingThatCompletesAnEscapeIsUnescapedToo) {
    // UTS #46 maps SUPERSCRIPT ONE to "1", which completes "%11" after the first unescaping
    // (found by fuzz/canonicalize_fuzz.cpp; kept in fuzz/regressions/canonicalize/).
    for (const char* typed : {"45%\xC2\xB9"
                              "1",
                              "http://a%\xC2\xB9"
                              "2b.example/"}) {
        auto once = canonicalize(typed);
        ASSERT_TRUE(once) << typed;
        auto twice = canonicalize(once.value().url);
        ASSERT_TRUE(twice) << once.value().url;
        EXPECT_EQ(twice.value().url, once.value().url) << typed;
    }
    EXPECT_EQ(canonicalize("45%\xC2\xB9"
                           "1")
                  .value()
                  .url,
              "http://45%11/");
}

TEST(Canonicalize, MappingToAHostDelimiterIsNoHost) {
    // FULLWIDTH REVERSE SOLIDUS, COLON, COMMERCIAL AT and SOLIDUS map to '\\', ':', '@', '/'
    // (found by fuzz/canonicalize_fuzz.cpp; kept in fuzz/regressions/canonicalize/).
    for (const char* typed : {"\xEF\xBC\xBC\x7F",
                              "http://a\xEF\xBC\x9A"
                              "80.example/",
                              "http://a\xEF\xBC\xA0"
                              "b.example/",
                              "http://a\xEF\xBC\x8F"
                              "b/"}) {
        EXPECT_FALSE(canonicalize(typed)) << typed;
    }
    // A full-width letter still maps as before.
    EXPECT_EQ(canonicalize("http://\xEF\xBD\x81"
                           "b.example/")
                  .value()
                  .url,
              "http://ab.example/");
}

TEST(Canonicalize, Components) {
    auto url = canonicalize("HTTPS://user:pw@Www.Example.COM:8443/a/./b/../c?x=1#frag");
    ASSERT_TRUE(url);
    EXPECT_EQ(url.value().url, "https://www.example.com/a/c?x=1");
    EXPECT_EQ(url.value().scheme(), "https");
    EXPECT_EQ(url.value().host(), "www.example.com");
    EXPECT_EQ(url.value().path(), "/a/c");
    EXPECT_EQ(url.value().query(), "x=1");
    EXPECT_TRUE(url.value().has_query);
    EXPECT_TRUE(url.value().had_userinfo);
    EXPECT_FALSE(url.value().host_is_ip);
    EXPECT_EQ(url.value().port, 8443);
    EXPECT_EQ(url.value().host_path_query(), "www.example.com/a/c?x=1");
}

TEST(Canonicalize, FlagsIpAndIdn) {
    auto ip = canonicalize("http://0x7f.1/");
    ASSERT_TRUE(ip);
    EXPECT_TRUE(ip.value().host_is_ip);
    auto idn = canonicalize("http://bücher.de/");
    ASSERT_TRUE(idn);
    EXPECT_TRUE(idn.value().host_is_idn);
    EXPECT_EQ(idn.value().host(), "xn--bcher-kva.de");
}

TEST(Canonicalize, RejectsBadPortsAndLiterals) {
    EXPECT_FALSE(canonicalize("http://example.com:99999/"));
    EXPECT_FALSE(canonicalize("http://example.com:8a/"));
    EXPECT_FALSE(canonicalize("http://[1::2::3]/"));
    EXPECT_FALSE(canonicalize("http://[::1/"));
    EXPECT_FALSE(canonicalize("javascript:alert(1)"));
}

TEST(Canonicalize, HostPortWithoutScheme) {
    auto url = canonicalize("example.com:8080/x");
    ASSERT_TRUE(url);
    EXPECT_EQ(url.value().url, "http://example.com/x");
    EXPECT_EQ(url.value().port, 8080);
}

TEST(Canonicalize, FuzzRegressions) {
    // Dots stripped in front of '[': the output must not turn into a broken IPv6 literal.
    EXPECT_FALSE(canonicalize(std::string("...[\0QQ\xa0.&..h|tp41fs:/\xcc\x99/1", 27)));
    EXPECT_FALSE(canonicalize("http://..[abc/"));
}

TEST(Canonicalize, DeepEscapesAreLinear) {
    std::string input = "http://h/%25";
    for (int i = 0; i < 100000; ++i) {
        input += "25";
    }
    auto url = canonicalize(input);
    ASSERT_TRUE(url);
    EXPECT_EQ(url.value().path(), "/%25");
}

}  // namespace
}  // namespace segnala::url
