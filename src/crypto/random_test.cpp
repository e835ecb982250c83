#include "crypto/random.hpp"

#include <set>

#include <gtest/gtest.h>

namespace segnala::crypto {
namespace {

TEST(Random, BytesHaveRequestedSizeAndDiffer) {
    EXPECT_EQ(random_bytes(0).size(), 0u);
    EXPECT_EQ(random_bytes(32).size(), 32u);
    EXPECT_NE(random_bytes(32), random_bytes(32));
}

TEST(Random, TokenIsUnpaddedBase64Url) {
    const std::string t = random_token(32);
    EXPECT_EQ(t.size(), 43u);
    EXPECT_EQ(
        t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    auto decoded = base64url_decode(t);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded.value().size(), 32u);
}

TEST(Random, Base64UrlKnownAnswers) {
    EXPECT_EQ(base64url_encode(""), "");
    EXPECT_EQ(base64url_encode("f"), "Zg");
    EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    EXPECT_EQ(base64url_decode("-_8").value(), "\xfb\xff");
    EXPECT_FALSE(base64url_decode("Zg=="));
    EXPECT_FALSE(base64url_decode("Z"));
    EXPECT_FALSE(base64url_decode("Zm9v+mFy"));
}

TEST(Random, UniformStaysInRangeAndCoversIt) {
    std::set<std::uint32_t> seen;
    for (int i = 0; i < 2000; ++i) {
        const auto v = uniform(7);
        ASSERT_LT(v, 7u);
        seen.insert(v);
    }
    EXPECT_EQ(seen.size(), 7u);
    EXPECT_EQ(uniform(1), 0u);
    EXPECT_EQ(uniform(0), 0u);
}

TEST(Random, EqualComparesContentAndLength) {
    EXPECT_TRUE(equal("", ""));
    EXPECT_TRUE(equal("secret", "secret"));
    EXPECT_FALSE(equal("secret", "secreT"));
    EXPECT_FALSE(equal("secret", "secret2"));
    EXPECT_TRUE(equal(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
    EXPECT_FALSE(equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

}  // namespace
}  // namespace segnala::crypto
