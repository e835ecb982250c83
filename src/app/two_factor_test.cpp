// TwoFactor over a real SQLite file with a fake clock: enrolment, codes once, recovery codes
// once, failures toward the lock, reset.
#include "app/two_factor.hpp"

#include <filesystem>
#include <memory>
#include <random>

#include <gtest/gtest.h>

#include "crypto/totp.hpp"
#include "store/database.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace segnala::app {
namespace {

using core::errc;

class TwoFactorTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() /
               ("segnala-2fa-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
        auto db = store::open_sqlite({.path = (dir_ / "t.db").string()});
        ASSERT_TRUE(db) << db.error().message();
        db_ = std::move(db).value();
        store_ = std::make_unique<store::Store>(*db_);
        ASSERT_TRUE(store_->migrate());
        clock_.set_unix(1'700'000'000);
        AuthSettings s;
        s.fast_password_hashing_for_test = true;
        s.lock_after_failures = 3;
        auth_ = std::make_unique<Auth>(*store_, clock_, s);
        two_ = std::make_unique<TwoFactor>(*auth_, *store_, sealer_, clock_);
        auto created = auth_->add_operator("test", "mario", "analyst");
        ASSERT_TRUE(created);
        password_ = created.value().one_time_password;
    }
    void TearDown() override {
        two_.reset();
        auth_.reset();
        store_.reset();
        if (db_) {
            db_->close();
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    Principal login() {
        auto r = auth_->login("mario", password_, "client", nullptr, "Mozilla/5.0\x01 test");
        EXPECT_TRUE(r);
        EXPECT_TRUE(r.value().principal.mfa_pending);
        token_ = r.value().session_token;
        return r.value().principal;
    }

    // Enrols and returns the raw secret (decoded from what the page shows).
    std::string enrol(const Principal& who, std::vector<std::string>* codes = nullptr) {
        auto e = two_->start_enrolment(who, "QR");
        EXPECT_TRUE(e);
        std::string secret = crypto::base32_decode(e.value().secret_grouped).value();
        auto done = two_->finish_enrolment(who, crypto::totp(secret, clock_.now_unix()), nullptr);
        EXPECT_TRUE(done) << done.error().message();
        if (codes != nullptr) {
            *codes = done.value();
        }
        return secret;
    }

    std::filesystem::path dir_;
    core::FakeClock clock_;
    crypto::Sealer sealer_ = crypto::Sealer::in_memory_for_test();
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<Auth> auth_;
    std::unique_ptr<TwoFactor> two_;
    std::string password_;
    std::string token_;  ///< of the last login
};

TEST(RecoveryCodes, Normalize) {
    EXPECT_EQ(normalize_recovery_code("abcde-fgh27"), "abcdefgh27");
    EXPECT_EQ(normalize_recovery_code(" ABCDE FGH27 "), "abcdefgh27");
    EXPECT_EQ(normalize_recovery_code("123456"), "");
    EXPECT_EQ(normalize_recovery_code("abcde-fgh2"), "");
    EXPECT_EQ(normalize_recovery_code("abcde-fgh2x7"), "");
    EXPECT_EQ(normalize_recovery_code("abcde-fgh1!"), "");
}

TEST_F(TwoFactorTest, EnrolmentReusesThePendingSecretUntilConfirmed) {
    const Principal who = login();
    auto a = two_->start_enrolment(who, "QR");
    auto b = two_->start_enrolment(who, "QR");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a.value().secret_grouped, b.value().secret_grouped);
    EXPECT_EQ(a.value().uri.rfind("otpauth://totp/Segnala:mario?secret=", 0), 0u);
    EXPECT_NE(a.value().qr_svg.find("<svg"), std::string::npos);
    // The secret is sealed at rest: the stored blob does not contain it.
    auto f = store_->second_factor(who.operator_id).value();
    const std::string raw = crypto::base32_decode(a.value().secret_grouped).value();
    EXPECT_EQ(f.secret_sealed.find(raw), std::string::npos);
    EXPECT_EQ(f.enrolled_at, 0);
}

TEST_F(TwoFactorTest, WrongFirstCodeRefusedThenRightOneEnrolsAndMarksTheSession) {
    const Principal who = login();
    auto e = two_->start_enrolment(who, "QR").value();
    const std::string secret = crypto::base32_decode(e.secret_grouped).value();
    const std::string right = crypto::totp(secret, clock_.now_unix());
    const std::string wrong = right == "000000" ? "111111" : "000000";
    EXPECT_EQ(two_->finish_enrolment(who, wrong, nullptr).error(), errc::unauthenticated);
    auto codes = two_->finish_enrolment(who, right, nullptr);
    ASSERT_TRUE(codes);
    EXPECT_EQ(codes.value().size(), static_cast<std::size_t>(kRecoveryCodes));
    EXPECT_TRUE(two_->status(who).value().enrolled);
    EXPECT_FALSE(auth_->authenticate(token_).value().mfa_pending);
    EXPECT_EQ(two_->start_enrolment(who, "QR").error(), errc::conflict);
}

TEST_F(TwoFactorTest, ACodeWorksOnceAndOnlyWithinOneStep) {
    const std::string secret = enrol(login());
    clock_.advance(std::chrono::seconds(60));
    const Principal who = login();
    const std::int64_t now = clock_.now_unix();
    EXPECT_EQ(two_->verify(who, crypto::totp(secret, now - 60), nullptr).error(),
              errc::unauthenticated);
    ASSERT_TRUE(two_->verify(who, crypto::totp(secret, now), nullptr));
    EXPECT_FALSE(auth_->authenticate(token_).value().mfa_pending);
    const Principal again = login();
    EXPECT_EQ(two_->verify(again, crypto::totp(secret, now), nullptr).error(),
              errc::unauthenticated);
    // The previous step is older than the last used one: refused too.
    EXPECT_EQ(two_->verify(again, crypto::totp(secret, now - 30), nullptr).error(),
              errc::unauthenticated);
    EXPECT_TRUE(two_->verify(again, crypto::totp(secret, now + 30), nullptr));
}

TEST_F(TwoFactorTest, RecoveryCodesWorkOnce) {
    std::vector<std::string> codes;
    enrol(login(), &codes);
    const Principal who = login();
    ASSERT_TRUE(two_->verify(who, codes[3], nullptr));
    EXPECT_EQ(two_->status(who).value().recovery_codes_left, kRecoveryCodes - 1);
    const Principal again = login();
    EXPECT_EQ(two_->verify(again, codes[3], nullptr).error(), errc::unauthenticated);
    EXPECT_EQ(two_->verify(again, "aaaaa-aaaaa", nullptr).error(), errc::unauthenticated);
}

TEST_F(TwoFactorTest, FailuresLockLikePasswordsAndTheLockHoldsForRightCodes) {
    const std::string secret = enrol(login());
    clock_.advance(std::chrono::seconds(90));
    const Principal who = login();
    std::int64_t retry = 0;
    EXPECT_EQ(two_->verify(who, "12345x", &retry).error(), errc::unauthenticated);
    EXPECT_EQ(two_->verify(who, "1", &retry).error(), errc::unauthenticated);
    EXPECT_EQ(two_->verify(who, "not a code", &retry).error(), errc::rate_limited);
    EXPECT_GT(retry, 0);
    EXPECT_EQ(two_->verify(who, crypto::totp(secret, clock_.now_unix()), &retry).error(),
              errc::rate_limited);
}

TEST_F(TwoFactorTest, ResetForgetsTheFactorAndEndsSessions) {
    enrol(login());
    const Principal who = login();
    ASSERT_TRUE(auth_->reset_second_factor("cli", "mario"));
    EXPECT_FALSE(two_->status(who).value().enrolled);
    EXPECT_EQ(two_->status(who).value().recovery_codes_left, 0);
    EXPECT_TRUE(store_->list_sessions(who.operator_id).value().empty());
    EXPECT_EQ(auth_->reset_second_factor("cli", "nobody").error(), errc::not_found);
    const Principal fresh = login();
    EXPECT_TRUE(two_->start_enrolment(fresh, "QR"));
}

TEST_F(TwoFactorTest, SessionsKeepAShortPrintableUserAgent) {
    const Principal who = login();
    auto list = auth_->sessions(who.operator_id).value();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].session.user_agent, "Mozilla/5.0? test");
    EXPECT_EQ(list[0].username, "mario");
    EXPECT_EQ(short_user_agent(std::string(300, 'a')).size(), 120u);
}

}  // namespace
}  // namespace segnala::app
