#include "store/store.hpp"

#include <spdlog/spdlog.h>

#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/migrations/migrations.hpp"

namespace segnala::store {
namespace {

using core::errc;

constexpr std::int64_t kMigrateLockKey = 0x5345474e4d494731;  // "SEGNMIG1"
constexpr std::int64_t kThrottlePurgeEvery = 1024;            // hits between purges
constexpr std::int64_t kThrottleKeepSeconds = 7 * 24 * 3600;  // windows older are purged

constexpr const char* kLock = "SELECT pg_advisory_xact_lock($1)";
constexpr const char* kHasVersionTableSqlite =
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
constexpr const char* kHasVersionTablePostgres =
    "SELECT count(*) FROM pg_catalog.pg_tables "
    "WHERE schemaname = current_schema() AND tablename = 'schema_version'";
constexpr const char* kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, name TEXT NOT NULL)";
constexpr const char* kSelectVersion = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
constexpr const char* kInsertVersion = "INSERT INTO schema_version (version, name) VALUES ($1, $2)";
constexpr const char* kPing = "SELECT 1";

constexpr const char* kOperatorColumns =
    "SELECT id, username, role, permissions, password_hash, must_change_password, disabled, "
    "created_at, last_login_at, failed_logins, locked_until, totp_enrolled_at FROM operators ";
constexpr const char* kInsertOperator =
    "INSERT INTO operators (username, role, permissions, password_hash, must_change_password, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
constexpr const char* kCountOperators = "SELECT count(*) FROM operators";
constexpr const char* kSetDisabled = "UPDATE operators SET disabled = $2 WHERE id = $1";
constexpr const char* kSetPassword =
    "UPDATE operators SET password_hash = $2, must_change_password = $3 WHERE id = $1";
constexpr const char* kLoginFailure =
    "UPDATE operators SET failed_logins = failed_logins + 1, "
    "locked_until = CASE WHEN $2 > 0 THEN $2 ELSE locked_until END WHERE id = $1";
constexpr const char* kLoginSuccess =
    "UPDATE operators SET failed_logins = 0, locked_until = 0, last_login_at = $2 WHERE id = $1";

constexpr const char* kInsertSession =
    "INSERT INTO sessions (id_hash, operator_id, csrf_token, created_at, last_seen_at, mfa_at, "
    "user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7)";
constexpr const char* kFindSession =
    "SELECT id_hash, operator_id, csrf_token, created_at, last_seen_at, mfa_at, user_agent "
    "FROM sessions WHERE id_hash = $1";
constexpr const char* kTouchSession = "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1";
constexpr const char* kDeleteSession = "DELETE FROM sessions WHERE id_hash = $1";
constexpr const char* kDeleteSessionsOf = "DELETE FROM sessions WHERE operator_id = $1";
constexpr const char* kPurgeSessions =
    "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2";

constexpr const char* kThrottleHit =
    "INSERT INTO throttle (key, window_start, hits) VALUES ($1, $2, 1) "
    "ON CONFLICT (key, window_start) DO UPDATE SET hits = throttle.hits + 1 RETURNING hits";
constexpr const char* kThrottleCount =
    "SELECT hits FROM throttle WHERE key = $1 AND window_start = $2";
constexpr const char* kPurgeThrottle = "DELETE FROM throttle WHERE window_start < $1";

constexpr const char* kApiKeyColumns =
    "SELECT id, name, key_hash, prefix, scopes, rate_limit, created_at, revoked_at FROM api_keys ";
constexpr const char* kInsertApiKey =
    "INSERT INTO api_keys (name, key_hash, prefix, scopes, rate_limit, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
constexpr const char* kRevokeApiKey =
    "UPDATE api_keys SET revoked_at = CASE WHEN revoked_at = 0 THEN $2 ELSE revoked_at END "
    "WHERE id = $1";

Operator operator_from(const Rows& r, std::size_t i) {
    Operator o;
    o.id = r.int64(i, 0);
    o.username = r.text(i, 1);
    o.role = r.text(i, 2);
    o.permissions = r.text(i, 3);
    o.password_hash = r.text(i, 4);
    o.must_change_password = r.int64(i, 5) != 0;
    o.disabled = r.int64(i, 6) != 0;
    o.created_at = r.int64(i, 7);
    o.last_login_at = r.int64(i, 8);
    o.failed_logins = static_cast<int>(r.int64(i, 9));
    o.locked_until = r.int64(i, 10);
    o.totp_enrolled_at = r.int64(i, 11);
    return o;
}

ApiKey api_key_from(const Rows& r, std::size_t i) {
    ApiKey k;
    k.id = r.int64(i, 0);
    k.name = r.text(i, 1);
    k.key_hash = r.text(i, 2);
    k.prefix = r.text(i, 3);
    k.scopes = r.text(i, 4);
    k.rate_limit = static_cast<int>(r.int64(i, 5));
    k.created_at = r.int64(i, 6);
    k.revoked_at = r.int64(i, 7);
    return k;
}

// Runs one mutating statement that must touch a row, then appends the audit entry, both in the
// same transaction: a change is never stored without its audit entry, nor the reverse.
core::result<void> change_audited(Database& db, const char* sql,
                                  std::initializer_list<Value> params, const AuditEvent& audit) {
    std::vector<Value> copy(params);
    return db.write([&](Tx& tx) -> core::result<void> {
        SEGNALA_TRY(n, tx.query(sql, std::span<const Value>(copy)));
        if (n.changes == 0) {
            return errc::not_found;
        }
        SEGNALA_TRY(entry, append_audit_in(tx, audit));
        (void)entry;
        return core::success();
    });
}

core::result<int> version_in(Tx& tx) {
    SEGNALA_TRY(has, tx.query(tx.dialect() == Dialect::sqlite ? kHasVersionTableSqlite
                                                              : kHasVersionTablePostgres));
    if (has.int64(0, 0) == 0) {
        return 0;
    }
    SEGNALA_TRY(v, tx.query(kSelectVersion));
    return static_cast<int>(v.int64(0, 0));
}

}  // namespace

Store::Store(Database& db) : db_(db) {}

int Store::binary_schema_version() {
    return migrations().back().version;
}

core::result<int> Store::schema_version() {
    return db_.read_as<int>([](Tx& tx) { return version_in(tx); });
}

core::result<int> Store::migrate() {
    return db_.write_as<int>([](Tx& tx) -> core::result<int> {
        if (tx.dialect() == Dialect::postgres) {
            // Two instances starting together must not both apply the same migration.
            SEGNALA_TRY(locked, tx.query(kLock, {kMigrateLockKey}));
            (void)locked;
        }
        BOOST_OUTCOME_TRYV(tx.exec(kCreateVersionTable));
        SEGNALA_TRY(current, version_in(tx));
        if (current > binary_schema_version()) {
            spdlog::error("store: database schema version {} is newer than this binary's {}",
                          current, binary_schema_version());
            return errc::version_mismatch;
        }
        for (const auto& m : migrations()) {
            if (m.version <= current) {
                continue;
            }
            for (const auto& stmt : m.statements) {
                if (!applies_to(stmt, tx.dialect())) {
                    continue;
                }
                BOOST_OUTCOME_TRYV(tx.exec(render_ddl(stmt, tx.dialect())));
            }
            BOOST_OUTCOME_TRYV(tx.exec(kInsertVersion, {m.version, m.name}));
            spdlog::info("store: applied migration {} ({})", m.version, m.name);
        }
        return binary_schema_version();
    });
}

core::result<void> Store::ping() {
    return db_.read([](Tx& tx) -> core::result<void> {
        SEGNALA_TRY(r, tx.query(kPing));
        (void)r;
        return core::success();
    });
}

StoreStats Store::stats() const {
    return db_.stats();
}

// ---- operators ----

core::result<std::int64_t> Store::create_operator(const NewOperator& op, const AuditEvent& audit) {
    if (op.username.empty() || op.role.empty() || op.password_hash.empty()) {
        return errc::invalid_argument;
    }
    return db_.write_as<std::int64_t>([&](Tx& tx) -> core::result<std::int64_t> {
        const std::int64_t created_at = audit.at / 1'000'000;
        SEGNALA_TRY(
            rows, tx.query(kInsertOperator, {op.username, op.role, op.permissions, op.password_hash,
                                             op.must_change_password, created_at}));
        SEGNALA_TRY(entry, append_audit_in(tx, audit));
        (void)entry;
        return rows.int64(0, 0);
    });
}

core::result<Operator> Store::find_operator(const std::string& username) {
    return db_.read_as<Operator>([&](Tx& tx) -> core::result<Operator> {
        SEGNALA_TRY(rows,
                    tx.query(std::string(kOperatorColumns) + "WHERE username = $1", {username}));
        if (rows.empty()) {
            return errc::not_found;
        }
        return operator_from(rows, 0);
    });
}

core::result<Operator> Store::get_operator(std::int64_t id) {
    return db_.read_as<Operator>([&](Tx& tx) -> core::result<Operator> {
        SEGNALA_TRY(rows, tx.query(std::string(kOperatorColumns) + "WHERE id = $1", {id}));
        if (rows.empty()) {
            return errc::not_found;
        }
        return operator_from(rows, 0);
    });
}

core::result<std::vector<Operator>> Store::list_operators() {
    return db_.read_as<std::vector<Operator>>([&](Tx& tx) -> core::result<std::vector<Operator>> {
        SEGNALA_TRY(rows, tx.query(std::string(kOperatorColumns) + "ORDER BY username"));
        std::vector<Operator> out;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            out.push_back(operator_from(rows, i));
        }
        return out;
    });
}

core::result<std::int64_t> Store::count_operators() {
    return db_.read_as<std::int64_t>([](Tx& tx) -> core::result<std::int64_t> {
        SEGNALA_TRY(rows, tx.query(kCountOperators));
        return rows.int64(0, 0);
    });
}

core::result<void> Store::set_operator_disabled(std::int64_t id, bool disabled,
                                                const AuditEvent& audit) {
    return change_audited(db_, kSetDisabled, {id, disabled}, audit);
}

core::result<void> Store::set_password(std::int64_t id, const std::string& password_hash,
                                       bool must_change, const AuditEvent& audit) {
    if (password_hash.empty()) {
        return errc::invalid_argument;
    }
    return change_audited(db_, kSetPassword, {id, password_hash, must_change}, audit);
}

core::result<void> Store::record_login_failure(std::int64_t id, std::int64_t lock_until,
                                               const AuditEvent& audit) {
    return change_audited(db_, kLoginFailure, {id, lock_until}, audit);
}

core::result<void> Store::record_login_success(std::int64_t id, const Session& s,
                                               const AuditEvent& audit) {
    return db_.write([&](Tx& tx) -> core::result<void> {
        SEGNALA_TRY(n, tx.exec(kLoginSuccess, {id, s.created_at}));
        if (n == 0) {
            return errc::not_found;
        }
        BOOST_OUTCOME_TRYV(
            tx.exec(kInsertSession, {s.id_hash, id, s.csrf_token, s.created_at, s.last_seen_at,
                                     s.mfa_at, s.user_agent.substr(0, 120)}));
        SEGNALA_TRY(entry, append_audit_in(tx, audit));
        (void)entry;
        return core::success();
    });
}

// ---- sessions ----

core::result<Session> Store::find_session(const std::string& id_hash) {
    return db_.read_as<Session>([&](Tx& tx) -> core::result<Session> {
        SEGNALA_TRY(rows, tx.query(kFindSession, {id_hash}));
        if (rows.empty()) {
            return errc::not_found;
        }
        Session s;
        s.id_hash = rows.text(0, 0);
        s.operator_id = rows.int64(0, 1);
        s.csrf_token = rows.text(0, 2);
        s.created_at = rows.int64(0, 3);
        s.last_seen_at = rows.int64(0, 4);
        s.mfa_at = rows.int64(0, 5);
        s.user_agent = rows.text(0, 6);
        return s;
    });
}

core::result<void> Store::touch_session(const std::string& id_hash, std::int64_t now) {
    return db_.write([&](Tx& tx) -> core::result<void> {
        SEGNALA_TRY(n, tx.exec(kTouchSession, {id_hash, now}));
        return n == 0 ? core::result<void>(errc::not_found) : core::success();
    });
}

core::result<void> Store::delete_session(const std::string& id_hash, const AuditEvent& audit) {
    return change_audited(db_, kDeleteSession, {id_hash}, audit);
}

core::result<void> Store::delete_sessions_of(std::int64_t operator_id, const AuditEvent& audit) {
    return db_.write([&](Tx& tx) -> core::result<void> {
        BOOST_OUTCOME_TRYV(tx.exec(kDeleteSessionsOf, {operator_id}));
        SEGNALA_TRY(entry, append_audit_in(tx, audit));
        (void)entry;
        return core::success();
    });
}

core::result<std::int64_t> Store::purge_sessions(std::int64_t idle_before,
                                                 std::int64_t created_before) {
    return db_.write_as<std::int64_t>([&](Tx& tx) {
        return tx.exec(kPurgeSessions, {idle_before, created_before});
    });
}

// ---- throttle ----

core::result<std::int64_t> Store::throttle_hit(const std::string& key, std::int64_t window_start) {
    const bool purge = (throttle_hits_.fetch_add(1) + 1) % kThrottlePurgeEvery == 0;
    return db_.write_as<std::int64_t>([&](Tx& tx) -> core::result<std::int64_t> {
        SEGNALA_TRY(rows, tx.query(kThrottleHit, {key, window_start}));
        if (purge) {
            BOOST_OUTCOME_TRYV(tx.exec(kPurgeThrottle, {window_start - kThrottleKeepSeconds}));
        }
        return rows.int64(0, 0);
    });
}

core::result<std::int64_t> Store::throttle_count(const std::string& key,
                                                 std::int64_t window_start) {
    return db_.read_as<std::int64_t>([&](Tx& tx) -> core::result<std::int64_t> {
        SEGNALA_TRY(rows, tx.query(kThrottleCount, {key, window_start}));
        return rows.empty() ? 0 : rows.int64(0, 0);
    });
}

core::result<std::int64_t> Store::purge_throttle(std::int64_t before) {
    return db_.write_as<std::int64_t>([&](Tx& tx) { return tx.exec(kPurgeThrottle, {before}); });
}

// ---- API keys ----

core::result<std::int64_t> Store::create_api_key(const ApiKey& key, const AuditEvent& audit) {
    if (key.name.empty() || key.key_hash.empty()) {
        return errc::invalid_argument;
    }
    return db_.write_as<std::int64_t>([&](Tx& tx) -> core::result<std::int64_t> {
        SEGNALA_TRY(rows, tx.query(kInsertApiKey, {key.name, key.key_hash, key.prefix, key.scopes,
                                                   key.rate_limit, key.created_at}));
        SEGNALA_TRY(entry, append_audit_in(tx, audit));
        (void)entry;
        return rows.int64(0, 0);
    });
}

core::result<ApiKey> Store::find_api_key(const std::string& key_hash) {
    return db_.read_as<ApiKey>([&](Tx& tx) -> core::result<ApiKey> {
        SEGNALA_TRY(rows,
                    tx.query(std::string(kApiKeyColumns) + "WHERE key_hash = $1", {key_hash}));
        if (rows.empty()) {
            return errc::not_found;
        }
        return api_key_from(rows, 0);
    });
}

core::result<std::vector<ApiKey>> Store::list_api_keys() {
    return db_.read_as<std::vector<ApiKey>>([&](Tx& tx) -> core::result<std::vector<ApiKey>> {
        SEGNALA_TRY(rows, tx.query(std::string(kApiKeyColumns) + "ORDER BY name"));
        std::vector<ApiKey> out;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            out.push_back(api_key_from(rows, i));
        }
        return out;
    });
}

core::result<void> Store::revoke_api_key(std::int64_t id, std::int64_t at,
                                         const AuditEvent& audit) {
    return change_audited(db_, kRevokeApiKey, {id, at}, audit);
}

}  // namespace segnala::store
