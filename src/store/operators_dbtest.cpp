// The second factor and session listing of the Store on every backend: a step and a recovery
// code are accepted once, enrolment completes once, reset forgets everything, each change
// audited in its transaction.
#include <gtest/gtest.h>

#include "store/dbtest_support.hpp"

namespace segnala::store {
namespace {

using core::errc;

class SecondFactorStoreTest : public testing::BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        ASSERT_TRUE(store().migrate());
        auto id = store().create_operator(NewOperator{"mario", "analyst", "", "$argon2id$h", true},
                                          ev("operator.create"));
        ASSERT_TRUE(id);
        id_ = id.value();
        Session s{"h1", id_, "csrf", 100, 100, 0, "Agent/1"};
        ASSERT_TRUE(store().record_login_success(id_, s, ev("session.login")));
    }

    AuditEvent ev(std::string action) {
        return AuditEvent{++now_us_, "cli", std::move(action), "operator:1", "{}"};
    }
    std::size_t audit_count() { return store().list_audit(0, 1000).value().size(); }

    std::int64_t id_ = 0;
    std::int64_t now_us_ = 1'700'000'000'000'000;
};

TEST_P(SecondFactorStoreTest, EnrolmentCompletesOnceAndMarksTheSession) {
    EXPECT_EQ(store().second_factor(id_).value().enrolled_at, 0);
    EXPECT_EQ(store().second_factor(999).error(), errc::not_found);
    // No pending secret yet: nothing to complete.
    EXPECT_EQ(store().complete_totp_enrolment(id_, 5, {"a"}, "h1", 200, ev("2fa.enrol")).error(),
              errc::conflict);
    ASSERT_TRUE(store().set_pending_totp(id_, std::string("\x01\x00sealed", 8), ev("start")));
    EXPECT_EQ(store().second_factor(id_).value().secret_sealed, std::string("\x01\x00sealed", 8));
    const auto before = audit_count();
    ASSERT_TRUE(store().complete_totp_enrolment(id_, 5, {"a", "b"}, "h1", 200, ev("2fa.enrol")));
    EXPECT_EQ(audit_count(), before + 1);
    auto f = store().second_factor(id_).value();
    EXPECT_EQ(f.enrolled_at, 200);
    EXPECT_EQ(f.last_step, 5);
    EXPECT_EQ(f.recovery_codes_left, 2);
    EXPECT_EQ(store().find_session("h1").value().mfa_at, 200);
    EXPECT_EQ(store().find_session("h1").value().user_agent, "Agent/1");
    EXPECT_EQ(store().complete_totp_enrolment(id_, 6, {"c"}, "h1", 300, ev("2fa.enrol")).error(),
              errc::conflict);
    EXPECT_EQ(store().set_pending_totp(id_, "other", ev("start")).error(), errc::conflict);
    EXPECT_EQ(audit_count(), before + 1);
}

TEST_P(SecondFactorStoreTest, StepsAndRecoveryCodesAreAcceptedOnce) {
    ASSERT_TRUE(store().set_pending_totp(id_, "sealed", ev("start")));
    ASSERT_TRUE(store().complete_totp_enrolment(id_, 5, {"a", "b"}, "h1", 200, ev("2fa.enrol")));
    Session s{"h2", id_, "csrf", 300, 300, 0, ""};
    ASSERT_TRUE(store().record_login_success(id_, s, ev("session.login")));
    const auto before = audit_count();
    EXPECT_EQ(store().accept_totp_step(id_, 5, "h2", 310, ev("2fa.verify")).error(),
              errc::conflict);
    EXPECT_EQ(store().accept_totp_step(id_, 4, "h2", 310, ev("2fa.verify")).error(),
              errc::conflict);
    EXPECT_EQ(audit_count(), before);
    ASSERT_TRUE(store().accept_totp_step(id_, 6, "h2", 310, ev("2fa.verify")));
    EXPECT_EQ(store().find_session("h2").value().mfa_at, 310);
    EXPECT_EQ(store().accept_totp_step(id_, 6, "h2", 311, ev("2fa.verify")).error(),
              errc::conflict);
    ASSERT_TRUE(store().use_recovery_code(id_, "a", "h2", 320, ev("2fa.recovery")));
    EXPECT_EQ(store().use_recovery_code(id_, "a", "h2", 330, ev("2fa.recovery")).error(),
              errc::not_found);
    EXPECT_EQ(store().use_recovery_code(id_, "zzz", "h2", 330, ev("2fa.recovery")).error(),
              errc::not_found);
    EXPECT_EQ(store().second_factor(id_).value().recovery_codes_left, 1);
    // A session of someone else is never marked.
    EXPECT_EQ(store().use_recovery_code(id_, "b", "nope", 340, ev("2fa.recovery")).error(),
              errc::not_found);
    EXPECT_EQ(store().second_factor(id_).value().recovery_codes_left, 1);  // rolled back
}

TEST_P(SecondFactorStoreTest, ResetForgetsFactorCodesAndSessions) {
    ASSERT_TRUE(store().set_pending_totp(id_, "sealed", ev("start")));
    ASSERT_TRUE(store().complete_totp_enrolment(id_, 5, {"a"}, "h1", 200, ev("2fa.enrol")));
    EXPECT_EQ(store().list_sessions(id_).value().size(), 1u);
    EXPECT_EQ(store().list_sessions(0).value().at(0).username, "mario");
    ASSERT_TRUE(store().reset_second_factor(id_, ev("operator.reset_2fa")));
    auto f = store().second_factor(id_).value();
    EXPECT_EQ(f.enrolled_at, 0);
    EXPECT_EQ(f.last_step, -1);
    EXPECT_TRUE(f.secret_sealed.empty());
    EXPECT_EQ(f.recovery_codes_left, 0);
    EXPECT_TRUE(store().list_sessions(id_).value().empty());
    EXPECT_EQ(store().reset_second_factor(999, ev("operator.reset_2fa")).error(), errc::not_found);
    EXPECT_TRUE(store().verify_audit().value().ok);
}

INSTANTIATE_TEST_SUITE_P(Backends, SecondFactorStoreTest, ::testing::Values("sqlite", "postgres"),
                         testing::backend_name);

}  // namespace
}  // namespace segnala::store
