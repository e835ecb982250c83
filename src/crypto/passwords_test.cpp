#include "crypto/passwords.hpp"

#include <set>

#include <gtest/gtest.h>

namespace segnala::crypto {
namespace {

TEST(Passwords, HashVerifiesOnlyTheRightPassword) {
    auto hash = hash_password("correct horse battery staple", PasswordCost::test_fast);
    ASSERT_TRUE(hash);
    EXPECT_TRUE(hash.value().starts_with("$argon2id$"));
    EXPECT_TRUE(verify_password(hash.value(), "correct horse battery staple"));
    EXPECT_FALSE(verify_password(hash.value(), "correct horse battery stapler"));
    EXPECT_FALSE(verify_password(hash.value(), ""));
}

TEST(Passwords, SaltMakesHashesDiffer) {
    auto a = hash_password("same", PasswordCost::test_fast);
    auto b = hash_password("same", PasswordCost::test_fast);
    ASSERT_TRUE(a && b);
    EXPECT_NE(a.value(), b.value());
}

TEST(Passwords, MalformedHashesNeverVerify) {
    EXPECT_FALSE(verify_password("", "x"));
    EXPECT_FALSE(verify_password("$argon2id$garbage", "x"));
    EXPECT_FALSE(verify_password("plaintext", "plaintext"));
    EXPECT_TRUE(password_needs_rehash("not a hash"));
}

TEST(Passwords, OverLongPasswordIsRejected) {
    const std::string huge(kMaxPasswordBytes + 1, 'a');
    EXPECT_EQ(hash_password(huge, PasswordCost::test_fast).error(), core::errc::invalid_argument);
}

TEST(Passwords, NeedsRehashWhenCostDiffers) {
    auto fast = hash_password("pw", PasswordCost::test_fast);
    ASSERT_TRUE(fast);
    EXPECT_FALSE(password_needs_rehash(fast.value(), PasswordCost::test_fast));
    EXPECT_TRUE(password_needs_rehash(fast.value(), PasswordCost::interactive));
}

TEST(Passwords, InteractiveCostRoundTrips) {
    auto hash = hash_password("pw");
    ASSERT_TRUE(hash);
    EXPECT_TRUE(verify_password(hash.value(), "pw"));
    EXPECT_FALSE(password_needs_rehash(hash.value()));
}

TEST(Passwords, GeneratedPasswordsAreReadableAndUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const std::string pw = generate_password();
        ASSERT_EQ(pw.size(), 20u);
        EXPECT_EQ(pw[6], '-');
        EXPECT_EQ(pw[13], '-');
        for (std::size_t j = 0; j < pw.size(); ++j) {
            if (j == 6 || j == 13) {
                continue;
            }
            EXPECT_NE(std::string_view("23456789abcdefghjkmnpqrstuvwxyz").find(pw[j]),
                      std::string_view::npos)
                << pw;
        }
        seen.insert(pw);
    }
    EXPECT_EQ(seen.size(), 200u);
}

}  // namespace
}  // namespace segnala::crypto
