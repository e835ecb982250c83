// Operators' second factor and session listing (the rest of operators and sessions is in
// store.cpp). Every change appends its audit entry in the same transaction.
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/store.hpp"

namespace segnala::store {
namespace {

using core::errc;

constexpr const char* kSecondFactor =
    "SELECT totp_secret_sealed, totp_enrolled_at, totp_last_step, "
    "(SELECT count(*) FROM recovery_codes WHERE operator_id = operators.id AND used_at = 0) "
    "FROM operators WHERE id = $1";
constexpr const char* kSetPendingTotp =
    "UPDATE operators SET totp_secret_sealed = $2 WHERE id = $1 AND totp_enrolled_at = 0";
constexpr const char* kCompleteEnrolment =
    "UPDATE operators SET totp_enrolled_at = $2, totp_last_step = $3, failed_logins = 0, "
    "locked_until = 0 WHERE id = $1 AND totp_enrolled_at = 0 AND totp_secret_sealed IS NOT NULL";
constexpr const char* kDeleteRecoveryCodes = "DELETE FROM recovery_codes WHERE operator_id = $1";
constexpr const char* kInsertRecoveryCode =
    "INSERT INTO recovery_codes (operator_id, code_hash) VALUES ($1, $2)";
constexpr const char* kAcceptStep =
    "UPDATE operators SET totp_last_step = $2, failed_logins = 0, locked_until = 0 "
    "WHERE id = $1 AND totp_enrolled_at > 0 AND totp_last_step < $2";
constexpr const char* kUseRecoveryCode =
    "UPDATE recovery_codes SET used_at = $3 WHERE operator_id = $1 AND code_hash = $2 "
    "AND used_at = 0";
constexpr const char* kResetFailures =
    "UPDATE operators SET failed_logins = 0, locked_until = 0 WHERE id = $1";
constexpr const char* kMarkSession =
    "UPDATE sessions SET mfa_at = $3 WHERE id_hash = $1 AND operator_id = $2";
constexpr const char* kResetSecondFactor =
    "UPDATE operators SET totp_secret_sealed = NULL, totp_enrolled_at = 0, totp_last_step = -1 "
    "WHERE id = $1";
constexpr const char* kDeleteSessionsOf = "DELETE FROM sessions WHERE operator_id = $1";
constexpr const char* kListSessions =
    "SELECT s.id_hash, s.operator_id, s.csrf_token, s.created_at, s.last_seen_at, s.mfa_at, "
    "s.user_agent, o.username FROM sessions s JOIN operators o ON o.id = s.operator_id ";

// Marks the session as past the second factor; the session must belong to the operator.
core::result<void> mark_session(Tx& tx, const std::string& session_hash, std::int64_t operator_id,
                                std::int64_t now) {
    SEGNALA_TRY(n, tx.exec(kMarkSession, {session_hash, operator_id, now}));
    return n == 0 ? core::result<void>(errc::not_found) : core::success();
}

}  // namespace

core::result<SecondFactor> Store::second_factor(std::int64_t operator_id) {
    return db_.read_as<SecondFactor>([&](Tx& tx) -> core::result<SecondFactor> {
        SEGNALA_TRY(rows, tx.query(kSecondFactor, {operator_id}));
        if (rows.empty()) {
            return errc::not_found;
        }
        SecondFactor f;
        f.secret_sealed = rows.blob(0, 0).bytes;
        f.enrolled_at = rows.int64(0, 1);
        f.last_step = rows.int64(0, 2);
        f.recovery_codes_left = static_cast<int>(rows.int64(0, 3));
        return f;
    });
}

core::result<void> Store::set_pending_totp(std::int64_t operator_id, const std::string& sealed,
                                           const AuditEvent& audit) {
    if (sealed.empty()) {
        return errc::invalid_argument;
    }
    return db_.write([&](Tx& tx) -> core::result<void> {
        SEGNALA_TRY(n, tx.exec(kSetPendingTotp, {operator_id, Blob{sealed}}));
        if (n == 0) {
            return errc::conflict;
        }
        SEGNALA_TRY(entry, append_audit_in(tx, audit));
        (void)entry;
        return core::success();
    });
}

core::result<void> Store::complete_totp_enrolment(std::int64_t operator_id, std::int64_t step,
                                                  const std::vector<std::string>& code_hashes,
                                                  const std::string& session_hash, std::int64_t now,
                                                  const AuditEvent& audit) {
    return db_.write([&](Tx& tx) -> core::result<void> {
        SEGNALA_TRY(n, tx.exec(kCompleteEnrolment, {operator_id, now, step}));
        if (n == 0) {
            return errc::conflict;
        }
        BOOST_OUTCOME_TRYV(tx.exec(kDeleteRecoveryCodes, {operator_id}));
        for (const auto& h : code_hashes) {
            BOOST_OUTCOME_TRYV(tx.exec(kInsertRecoveryCode, {operator_id, h}));
        }
        BOOST_OUTCOME_TRYV(mark_session(tx, session_hash, operator_id, now));
        SEGNALA_TRY(entry, append_audit_in(tx, audit));
        (void)entry;
        return core::success();
    });
}

core::result<void> Store::accept_totp_step(std::int64_t operator_id, std::int64_t step,
                                           const std::string& session_hash, std::int64_t now,
                                           const AuditEvent& audit) {
    return db_.write([&](Tx& tx) -> core::result<void> {
        // The condition on the last step makes two concurrent uses of one code impossible.
        SEGNALA_TRY(n, tx.exec(kAcceptStep, {operator_id, step}));
        if (n == 0) {
            return errc::conflict;
        }
        BOOST_OUTCOME_TRYV(mark_session(tx, session_hash, operator_id, now));
        SEGNALA_TRY(entry, append_audit_in(tx, audit));
        (void)entry;
        return core::success();
    });
}

core::result<void> Store::use_recovery_code(std::int64_t operator_id, const std::string& code_hash,
                                            const std::string& session_hash, std::int64_t now,
                                            const AuditEvent& audit) {
    return db_.write([&](Tx& tx) -> core::result<void> {
        SEGNALA_TRY(n, tx.exec(kUseRecoveryCode, {operator_id, code_hash, now}));
        if (n == 0) {
            return errc::not_found;
        }
        BOOST_OUTCOME_TRYV(tx.exec(kResetFailures, {operator_id}));
        BOOST_OUTCOME_TRYV(mark_session(tx, session_hash, operator_id, now));
        SEGNALA_TRY(entry, append_audit_in(tx, audit));
        (void)entry;
        return core::success();
    });
}

core::result<void> Store::reset_second_factor(std::int64_t operator_id, const AuditEvent& audit) {
    return db_.write([&](Tx& tx) -> core::result<void> {
        SEGNALA_TRY(n, tx.exec(kResetSecondFactor, {operator_id}));
        if (n == 0) {
            return errc::not_found;
        }
        BOOST_OUTCOME_TRYV(tx.exec(kDeleteRecoveryCodes, {operator_id}));
        BOOST_OUTCOME_TRYV(tx.exec(kDeleteSessionsOf, {operator_id}));
        SEGNALA_TRY(entry, append_audit_in(tx, audit));
        (void)entry;
        return core::success();
    });
}

core::result<std::vector<ActiveSession>> Store::list_sessions(std::int64_t operator_id) {
    return db_.read_as<std::vector<ActiveSession>>(
        [&](Tx& tx) -> core::result<std::vector<ActiveSession>> {
            auto rows = operator_id > 0
                            ? tx.query(std::string(kListSessions) +
                                           "WHERE s.operator_id = $1 ORDER BY s.created_at DESC",
                                       {operator_id})
                            : tx.query(std::string(kListSessions) +
                                       "ORDER BY s.created_at DESC LIMIT 1000");
            if (!rows) {
                return rows.error();
            }
            std::vector<ActiveSession> out;
            const Rows& r = rows.value();
            for (std::size_t i = 0; i < r.size(); ++i) {
                ActiveSession a;
                a.session.id_hash = r.text(i, 0);
                a.session.operator_id = r.int64(i, 1);
                a.session.created_at = r.int64(i, 3);
                a.session.last_seen_at = r.int64(i, 4);
                a.session.mfa_at = r.int64(i, 5);
                a.session.user_agent = r.text(i, 6);
                a.username = r.text(i, 7);
                out.push_back(std::move(a));
            }
            return out;
        });
}

}  // namespace segnala::store
