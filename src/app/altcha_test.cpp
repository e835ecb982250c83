#include "app/altcha.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "crypto/hash.hpp"
#include "store/database.hpp"
#include "store/sqlite/sqlite_database.hpp"
#include "store/store.hpp"

namespace segnala::app {
namespace {

using core::errc;
using nlohmann::json;

std::string base64(std::string_view in) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        std::uint32_t v = static_cast<unsigned char>(in[i]) << 16 |
                          static_cast<unsigned char>(in[i + 1]) << 8 |
                          static_cast<unsigned char>(in[i + 2]);
        for (int k = 18; k >= 0; k -= 6) {
            out.push_back(kAlphabet[(v >> k) & 63]);
        }
    }
    if (i + 1 == in.size()) {
        std::uint32_t v = static_cast<unsigned char>(in[i]) << 16;
        out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        std::uint32_t v =
            static_cast<unsigned char>(in[i]) << 16 | static_cast<unsigned char>(in[i + 1]) << 8;
        out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
    }
    return out;
}

// What the widget does: find the number by brute force, post base64(JSON).
json solve(const std::string& challenge_text) {
    json c = json::parse(challenge_text);
    std::string salt = c["salt"];
    std::int64_t max = c["maxnumber"];
    for (std::int64_t n = 0; n <= max; ++n) {
        if (crypto::sha256_hex(salt + std::to_string(n)) == c["challenge"]) {
            return {{"algorithm", c["algorithm"]},
                    {"challenge", c["challenge"]},
                    {"number", n},
                    {"salt", salt},
                    {"signature", c["signature"]},
                    {"took", 12.3}};
        }
    }
    ADD_FAILURE() << "no solution in " << challenge_text;
    return {};
}

class AltchaTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() /
               ("segnala-altcha-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
        auto db = store::open_sqlite(store::SqliteSettings{.path = (dir_ / "t.db").string()});
        ASSERT_TRUE(db) << db.error().message();
        db_ = std::move(db).value();
        store_ = std::make_unique<store::Store>(*db_);
        ASSERT_TRUE(store_->migrate());
        altcha_ = std::make_unique<Altcha>(key_, *store_, clock_, settings_);
    }

    void TearDown() override {
        altcha_.reset();
        store_.reset();
        db_->close();
        db_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    errc verify(const json& payload) { return verify_text(base64(payload.dump())); }
    errc verify_text(std::string_view b64) {
        auto r = altcha_->verify(b64);
        return r ? errc::ok : static_cast<errc>(r.error().value());
    }

    std::string key_ = std::string(32, 'k');
    AltchaSettings settings_{.max_number = 1000, .ttl_seconds = 600};
    core::FakeClock clock_;
    std::filesystem::path dir_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<Altcha> altcha_;
};

TEST_F(AltchaTest, ChallengeHasTheClassicShape) {
    json c = json::parse(altcha_->challenge_json());
    EXPECT_EQ(c["algorithm"], "SHA-256");
    EXPECT_EQ(c["maxnumber"], 1000);
    std::string salt = c["salt"];
    EXPECT_EQ(salt.size(), 24u + 9 + 10);
    EXPECT_EQ(salt.substr(24), "?expires=" + std::to_string(clock_.now_unix() + 600));
    EXPECT_EQ(std::string(c["signature"]),
              crypto::hex_encode(crypto::hmac_sha256(key_, std::string(c["challenge"]))));
    EXPECT_NE(altcha_->challenge_json(), altcha_->challenge_json());
}

TEST_F(AltchaTest, ValidSolutionPassesOnceThenConflicts) {
    json p = solve(altcha_->challenge_json());
    EXPECT_EQ(verify(p), errc::ok);
    EXPECT_EQ(verify(p), errc::conflict);
    // Spent for every instance sharing the database, whatever its settings.
    Altcha other(key_, *store_, clock_, settings_);
    EXPECT_FALSE(other.verify(base64(p.dump())));
    // Another challenge is independent.
    EXPECT_EQ(verify(solve(altcha_->challenge_json())), errc::ok);
}

TEST_F(AltchaTest, SpentChallengesSurviveTheThrottlePurge) {
    json p = solve(altcha_->challenge_json());
    ASSERT_EQ(verify(p), errc::ok);
    // Another caller's throttle_hit purges windows older than a week before its own window.
    ASSERT_TRUE(store_->purge_throttle(clock_.now_unix() - 7 * 24 * 3600));
    EXPECT_EQ(verify(p), errc::conflict);
}

TEST_F(AltchaTest, ExpiredAfterTtl) {
    json p = solve(altcha_->challenge_json());
    clock_.advance(std::chrono::seconds(600));
    json q = solve(altcha_->challenge_json());
    EXPECT_EQ(verify(p), errc::ok);  // exactly at expiry: still valid
    clock_.advance(std::chrono::seconds(1));
    json r = solve(altcha_->challenge_json());
    clock_.advance(std::chrono::seconds(600));
    EXPECT_EQ(verify(q), errc::expired);
    EXPECT_EQ(verify(r), errc::ok);
    clock_.advance(std::chrono::hours(24));
    EXPECT_EQ(verify(r), errc::expired);  // even when already spent, expiry is reported first
}

TEST_F(AltchaTest, ForgedOrTamperedIsInvalid) {
    json good = solve(altcha_->challenge_json());

    json forged = good;
    std::string sig = good["signature"];
    sig[0] = sig[0] == '0' ? '1' : '0';
    forged["signature"] = sig;
    EXPECT_EQ(verify(forged), errc::invalid_argument);

    // A challenge signed with another key.
    Altcha stranger(std::string(32, 'x'), *store_, clock_, settings_);
    EXPECT_EQ(verify(solve(stranger.challenge_json())), errc::invalid_argument);

    // Later expiry in the salt: the challenge hash no longer matches.
    json later = good;
    std::string salt = good["salt"];
    later["salt"] = salt.substr(0, salt.find('=') + 1) + "9999999999";
    EXPECT_EQ(verify(later), errc::invalid_argument);
    json other_salt = good;
    other_salt["salt"] = "00" + salt.substr(2);
    EXPECT_EQ(verify(other_salt), errc::invalid_argument);

    // An attacker-made challenge with its own salt and a copied signature.
    json homemade = good;
    homemade["salt"] = "abc?expires=9999999999";
    homemade["number"] = 1;
    homemade["challenge"] = crypto::sha256_hex("abc?expires=99999999991");
    EXPECT_EQ(verify(homemade), errc::invalid_argument);

    json wrong_number = good;
    wrong_number["number"] = (good["number"].get<std::int64_t>() + 1) % 1001;
    EXPECT_EQ(verify(wrong_number), errc::invalid_argument);

    EXPECT_EQ(verify(good), errc::ok);  // none of the above spent it
}

TEST_F(AltchaTest, NumbersOutsideTheRangeAreInvalid) {
    // A signed challenge whose number exceeds max_number (e.g. minted by an instance with other
    // settings) is refused without hashing beyond the bound.
    AltchaSettings big{.max_number = 100000, .ttl_seconds = 600};
    Altcha generous(key_, *store_, clock_, big);
    for (int i = 0; i < 50; ++i) {
        json c = json::parse(generous.challenge_json());
        json p = {{"algorithm", "SHA-256"},
                  {"challenge", c["challenge"]},
                  {"salt", c["salt"]},
                  {"signature", c["signature"]}};
        std::string salt = c["salt"];
        std::int64_t n = 0;
        while (crypto::sha256_hex(salt + std::to_string(n)) != c["challenge"]) {
            ++n;
        }
        p["number"] = n;
        if (n > 1000) {
            EXPECT_EQ(verify(p), errc::invalid_argument);
            break;
        }
    }
    json good = solve(altcha_->challenge_json());
    for (json bad_number : {json(-1), json(1.5), json("7"), json(nullptr), json(1e30),
                            json(18446744073709551615ULL)}) {
        json p = good;
        p["number"] = bad_number;
        EXPECT_EQ(verify(p), errc::invalid_argument) << bad_number;
    }
}

TEST_F(AltchaTest, GarbageIsInvalid) {
    json good = solve(altcha_->challenge_json());
    std::string b64 = base64(good.dump());
    for (std::string_view bad :
         {std::string_view(""), std::string_view("not base64!"), std::string_view("e30"),
          std::string_view("e30=x"), std::string_view("=e30"), std::string_view(" e30="),
          std::string_view("e31="),         // non-canonical padding bits
          std::string_view("W10="),         // []
          std::string_view("e30="),         // {}
          std::string_view("bnVsbA==")}) {  // null
        EXPECT_EQ(verify_text(bad), errc::invalid_argument) << bad;
    }
    EXPECT_EQ(verify_text(base64("{\"algorithm\":")), errc::invalid_argument);
    EXPECT_EQ(verify_text(b64 + "===="), errc::invalid_argument);
    EXPECT_EQ(verify_text(std::string(kMaxAltchaPayloadBytes + 4, 'A')), errc::invalid_argument);
    for (const char* field : {"algorithm", "challenge", "number", "salt", "signature"}) {
        json p = good;
        p.erase(field);
        EXPECT_EQ(verify(p), errc::invalid_argument) << field;
        p[field] = json::array();
        EXPECT_EQ(verify(p), errc::invalid_argument) << field;
    }
    json sha1 = good;
    sha1["algorithm"] = "SHA-1";
    EXPECT_EQ(verify(sha1), errc::invalid_argument);
    json upper = good;
    upper["challenge"] = std::string(64, 'A');
    EXPECT_EQ(verify(upper), errc::invalid_argument);
    json long_salt = good;
    long_salt["salt"] = std::string(300, 'a');
    EXPECT_EQ(verify(long_salt), errc::invalid_argument);
    EXPECT_EQ(verify_text(b64), errc::ok);  // the well-formed one still passes
}

TEST_F(AltchaTest, SaltWithoutExpiryIsInvalidEvenWhenSigned) {
    // A correctly signed challenge without "?expires=" (never issued by us) is not accepted.
    std::string salt = "00112233";
    std::string challenge = crypto::sha256_hex(salt + "5");
    json p = {{"algorithm", "SHA-256"},
              {"challenge", challenge},
              {"number", 5},
              {"salt", salt},
              {"signature", crypto::hex_encode(crypto::hmac_sha256(key_, challenge))}};
    EXPECT_EQ(verify(p), errc::invalid_argument);
    p["salt"] = salt + "?expires=-5";
    p["challenge"] = crypto::sha256_hex(salt + "?expires=-55");
    p["signature"] = crypto::hex_encode(crypto::hmac_sha256(key_, std::string(p["challenge"])));
    EXPECT_EQ(verify(p), errc::invalid_argument);
}

}  // namespace
}  // namespace segnala::app
