#include "crypto/hash.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace segnala::crypto {
namespace {

std::string unhex(std::string_view h) {
    return hex_decode(h).value();
}

TEST(Hash, Sha256KnownAnswers) {
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256("abc").size(), kSha256Bytes);
}

TEST(Hash, HmacSha256Rfc4231Case1) {
    const std::string key(20, '\x0b');
    EXPECT_EQ(hex_encode(hmac_sha256(key, "Hi There")),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(Hash, HmacSha256Rfc4231Case2) {
    EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Hash, HmacSha256Rfc4231Case6LongKey) {
    const std::string key(131, '\xaa');
    EXPECT_EQ(
        hex_encode(hmac_sha256(key, "Test Using Larger Than Block-Size Key - Hash Key First")),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Hash, HexRoundTripAndErrors) {
    EXPECT_EQ(hex_encode(std::string("\x00\xff\x10", 3)), "00ff10");
    EXPECT_EQ(unhex("00FF10"), std::string("\x00\xff\x10", 3));
    EXPECT_EQ(hex_decode("abc").error(), core::errc::invalid_argument);
    EXPECT_EQ(hex_decode("zz").error(), core::errc::invalid_argument);
    EXPECT_EQ(hex_decode("").value(), "");
}

TEST(Hash, KeyedHasherIsKeyedAndSized) {
    const std::string k1(32, '\x01');
    const std::string k2(32, '\x02');
    const KeyedHasher a(k1);
    const KeyedHasher b(k2);
    EXPECT_EQ(a.hex("x"), a.hex("x"));
    EXPECT_NE(a.hex("x"), b.hex("x"));
    EXPECT_NE(a.hex("x"), a.hex("y"));
    EXPECT_EQ(a.hex("x").size(), 32u);
    EXPECT_EQ(a.hex("x", 32).size(), 64u);
    EXPECT_EQ(a.digest("x", 1).size(), 16u);  // clamped to the BLAKE2b minimum
    EXPECT_THROW(KeyedHasher("short"), std::invalid_argument);
}

TEST(Hash, KeyedHasherBlake2bKnownAnswer) {
    // Expected values computed independently with Python's hashlib.blake2b(key=…, digest_size=…).
    std::string key;
    for (int i = 0; i < 32; ++i) {
        key.push_back(static_cast<char>(i));
    }
    const KeyedHasher h(key);
    EXPECT_EQ(h.hex(""), "3daf97bce7888fd59773c66bf647459c");
    EXPECT_EQ(h.hex("abc", 32), "d63a32d3e44738d7907f964316c241adaba0abfeabc32349677578a15a203f7f");
}

TEST(Hash, DerivationKnownAnswer) {
    // hashlib: blake2b(b"segnala/ip-hasher", key=master), then blake2b(b"ip-day:19676", key=…),
    // then blake2b(ip, key=day key, digest_size=16).
    const std::string master(32, '\x09');
    const std::string sub = derive_key(master, "ip-hasher");
    EXPECT_EQ(hex_encode(sub), "f4e31c3b2dcb932ab4a69d4a471c0849edaa21238ab628bb395e92f3ad641beb");
    EXPECT_EQ(DailyRotatingHasher(sub).client_key("192.0.2.1", 1'700'006'400),
              "b8e1d0b5fb155d68b94729337eea2fce");
}

TEST(Hash, DeriveKeySeparatesPurposes) {
    const std::string master(32, '\x07');
    const std::string a = derive_key(master, "ip-hasher");
    EXPECT_EQ(a.size(), kKeyBytes);
    EXPECT_EQ(a, derive_key(master, "ip-hasher"));
    EXPECT_NE(a, derive_key(master, "altcha-hmac"));
    EXPECT_NE(a, derive_key(std::string(32, '\x08'), "ip-hasher"));
    EXPECT_THROW((void)derive_key("short", "x"), std::invalid_argument);
}

TEST(Hash, DayNumberFloors) {
    EXPECT_EQ(DailyRotatingHasher::day_number(0), 0);
    EXPECT_EQ(DailyRotatingHasher::day_number(86'399), 0);
    EXPECT_EQ(DailyRotatingHasher::day_number(86'400), 1);
    EXPECT_EQ(DailyRotatingHasher::day_number(-1), -1);
    EXPECT_EQ(DailyRotatingHasher::day_number(-86'400), -1);
    EXPECT_EQ(DailyRotatingHasher::day_number(-86'401), -2);
}

TEST(Hash, ClientKeyRotatesDaily) {
    const DailyRotatingHasher h(derive_key(std::string(32, '\x09'), "ip-hasher"));
    const std::int64_t midnight = 1'700'006'400;  // 2023-11-15T00:00:00Z, a multiple of 86400
    ASSERT_EQ(midnight % 86'400, 0);
    const std::string today = h.client_key("192.0.2.1", midnight);
    EXPECT_EQ(today.size(), 32u);
    EXPECT_EQ(today, h.client_key("192.0.2.1", midnight + 86'399));
    EXPECT_NE(today, h.client_key("192.0.2.1", midnight + 86'400));
    EXPECT_NE(today, h.client_key("192.0.2.1", midnight - 1));
    EXPECT_NE(today, h.client_key("192.0.2.2", midnight));
    EXPECT_NE(h.day_key(1), h.day_key(2));
    const DailyRotatingHasher other(std::string(32, '\x0a'));
    EXPECT_NE(today, other.client_key("192.0.2.1", midnight));
}

}  // namespace
}  // namespace segnala::crypto
