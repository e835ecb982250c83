#include "crypto/totp.hpp"

#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace segnala::crypto {
namespace {

const std::string kRfcSecret = "12345678901234567890";

TEST(Base32, Rfc4648Vectors) {
    const std::vector<std::pair<std::string, std::string>> vectors = {
        {"", ""},
        {"f", "MY======"},
        {"fo", "MZXQ===="},
        {"foo", "MZXW6==="},
        {"foob", "MZXW6YQ="},
        {"fooba", "MZXW6YTB"},
        {"foobar", "MZXW6YTBOI======"},
    };
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(base32_encode(plain), encoded);
        EXPECT_EQ(base32_decode(encoded).value(), plain) << encoded;
    }
}

TEST(Base32, UnpaddedLowercaseAndSpacesDecode) {
    EXPECT_EQ(base32_encode("foobar", false), "MZXW6YTBOI");
    EXPECT_EQ(base32_decode("mzxw 6ytb oi").value(), "foobar");
    EXPECT_EQ(base32_decode("MZXW6-YTBOI").value(), "foobar");
}

TEST(Base32, RejectsBadInput) {
    EXPECT_EQ(base32_decode("MZXW1").error(), core::errc::invalid_argument);  // '1' not base32
    EXPECT_EQ(base32_decode("M").error(), core::errc::invalid_argument);      // impossible length
    EXPECT_EQ(base32_decode("MY=A").error(), core::errc::invalid_argument);   // data after '='
}

TEST(Hotp, Rfc4226AppendixD) {
    const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                              "254676", "287922", "162583", "399871", "520489"};
    for (std::uint64_t i = 0; i < 10; ++i) {
        EXPECT_EQ(hotp(kRfcSecret, i), expected[i]) << i;
    }
}

TEST(Totp, Rfc6238AppendixBSha1EightDigits) {
    const std::vector<std::pair<std::int64_t, std::string>> vectors = {
        {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
        {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
    };
    for (const auto& [t, code] : vectors) {
        EXPECT_EQ(totp(kRfcSecret, t, 8), code) << t;
    }
}

// RFC 6238 appendix B: the SHA-256 and SHA-512 seeds are the ASCII digits repeated to 32 and
// 64 bytes.
TEST(Totp, Rfc6238AppendixBSha256AndSha512) {
    const std::string seed32 = "12345678901234567890123456789012";
    const std::string seed64 = "1234567890123456789012345678901234567890123456789012345678901234";
    const std::vector<std::tuple<std::int64_t, std::string, std::string>> vectors = {
        {59, "46119246", "90693936"},         {1111111109, "68084774", "25091201"},
        {1111111111, "67062674", "99943326"}, {1234567890, "91819424", "93441116"},
        {2000000000, "90698825", "38618901"}, {20000000000, "77737706", "47863826"},
    };
    for (const auto& [t, sha256, sha512] : vectors) {
        EXPECT_EQ(totp(seed32, t, 8, TotpHash::sha256), sha256) << t;
        EXPECT_EQ(totp(seed64, t, 8, TotpHash::sha512), sha512) << t;
    }
}

TEST(Totp, SixDigitsAreTheLastSixOfEight) {
    EXPECT_EQ(totp(kRfcSecret, 59), "287082");
    EXPECT_EQ(totp_step(59), 1);
    EXPECT_EQ(totp_step(60), 2);
}

TEST(Totp, VerifyAcceptsOneStepEitherSide) {
    const std::int64_t now = 1'700'000'000;
    const std::int64_t step = totp_step(now);
    EXPECT_EQ(verify_totp(kRfcSecret, totp(kRfcSecret, now), now), step);
    EXPECT_EQ(verify_totp(kRfcSecret, totp(kRfcSecret, now - 30), now), step - 1);
    EXPECT_EQ(verify_totp(kRfcSecret, totp(kRfcSecret, now + 30), now), step + 1);
    EXPECT_FALSE(verify_totp(kRfcSecret, totp(kRfcSecret, now - 60), now));
    EXPECT_FALSE(verify_totp(kRfcSecret, totp(kRfcSecret, now + 60), now));
}

TEST(Totp, VerifyRejectsReuseAndJunk) {
    const std::int64_t now = 1'700'000'000;
    const std::string code = totp(kRfcSecret, now);
    const auto used = verify_totp(kRfcSecret, code, now);
    ASSERT_TRUE(used);
    EXPECT_FALSE(verify_totp(kRfcSecret, code, now, *used));
    EXPECT_FALSE(verify_totp(kRfcSecret, "", now));
    EXPECT_FALSE(verify_totp(kRfcSecret, "12345", now));
    EXPECT_FALSE(verify_totp(kRfcSecret, "12a456", now));
    EXPECT_FALSE(verify_totp("another secret", code, now));
    EXPECT_EQ(verify_totp(kRfcSecret, code.substr(0, 3) + " " + code.substr(3), now), used);
}

TEST(Totp, NewSecretsAreRandom) {
    EXPECT_EQ(new_totp_secret().size(), kTotpSecretBytes);
    EXPECT_NE(new_totp_secret(), new_totp_secret());
}

TEST(Totp, OtpauthUri) {
    EXPECT_EQ(otpauth_uri("Segnala", "mario.rossi@example.org", "foobar"),
              "otpauth://totp/Segnala:mario.rossi%40example.org?secret=MZXW6YTBOI"
              "&issuer=Segnala&algorithm=SHA1&digits=6&period=30");
    EXPECT_EQ(otpauth_uri("Polizia di Stato", "a:b", "f"),
              "otpauth://totp/Polizia%20di%20Stato:a%3Ab?secret=MY"
              "&issuer=Polizia%20di%20Stato&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace segnala::crypto
