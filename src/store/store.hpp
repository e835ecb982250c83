// The Store: every durable record of Segnala, written once over the Database interface
// (database.hpp), so SQLite and PostgreSQL share one schema and one behaviour.
// All methods block (they run on the worker pool, never on an I/O thread) and are thread-safe.
// A mutating method returns only after its transaction is durable (COMMIT done).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace segnala::store {

class Database;

struct Operator {
    std::int64_t id = 0;
    std::string username;
    std::string role;              ///< "operator", "analyst", "supervisor", "admin"
    std::string permissions;       ///< comma-separated extra permissions, e.g. "csam"
    std::string password_hash;     ///< argon2id string (crypto::hash_password)
    bool must_change_password = true;
    bool disabled = false;
    std::int64_t created_at = 0;   ///< unix seconds
    std::int64_t last_login_at = 0;
    int failed_logins = 0;         ///< consecutive failures since the last success
    std::int64_t locked_until = 0; ///< unix seconds; 0 = not locked
};

struct NewOperator {
    std::string username;
    std::string role;
    std::string permissions;
    std::string password_hash;
    bool must_change_password = true;
};

struct Session {
    std::string id_hash;           ///< SHA-256 hex of the cookie value; the cookie itself is never stored
    std::int64_t operator_id = 0;
    std::string csrf_token;
    std::int64_t created_at = 0;
    std::int64_t last_seen_at = 0;
};

struct ApiKey {
    std::int64_t id = 0;
    std::string name;
    std::string key_hash;          ///< SHA-256 hex of the secret
    std::string prefix;            ///< first characters of the secret, for display
    std::string scopes;            ///< space-separated, e.g. "reports:write"
    int rate_limit = 0;            ///< requests per second, 0 = none
    std::int64_t created_at = 0;
    std::int64_t revoked_at = 0;
};

/// One audit entry to append. `at` is unix microseconds.
struct AuditEvent {
    std::int64_t at = 0;
    std::string actor;   ///< "operator:12", "cli", "system", "apikey:3"
    std::string action;  ///< "operator.create", "session.login", …
    std::string object;  ///< "operator:12", "case:77", …
    std::string detail;  ///< JSON object text, never personal data in clear
};

struct AuditEntry : AuditEvent {
    std::int64_t seq = 0;
    std::string prev_hash;  ///< hex SHA-256 of the previous entry ("" for the first)
    std::string hash;       ///< hex SHA-256 over prev_hash and this entry's fields
};

/// Result of `verify_audit`: ok, or the first entry that breaks the chain.
struct AuditVerification {
    bool ok = true;
    std::int64_t entries = 0;
    std::int64_t first_bad_seq = 0;  ///< 0 when ok
    std::string reason;              ///< "hash mismatch", "sequence gap", "prev_hash mismatch"
};

/// Commit statistics for /metrics.
struct StoreStats {
    std::uint64_t commits = 0;
    std::uint64_t writes = 0;                      ///< write functions committed
    std::vector<std::uint64_t> commit_latency_us_buckets;  ///< cumulative, for kCommitLatencyBoundsUs
    double commit_latency_us_sum = 0;
    std::vector<std::uint64_t> batch_size_buckets; ///< cumulative, for kBatchSizeBounds
    std::uint64_t batch_size_sum = 0;
};

class Store {
  public:
    explicit Store(Database& db);

    /// Schema version of this binary, and of the database.
    static int binary_schema_version();
    core::result<int> schema_version();
    /// Applies pending migrations. errc::version_mismatch when the database is newer.
    core::result<int> migrate();
    /// Cheap round trip for /healthz.
    core::result<void> ping();
    StoreStats stats() const;

    // Operators. create_operator: errc::conflict when the username exists; created_at is taken
    // from audit.at. Methods taking an id return errc::not_found when no operator has it (and
    // then append no audit entry). Every AuditEvent is appended in the change's transaction.
    core::result<std::int64_t> create_operator(const NewOperator& op, const AuditEvent& audit);
    core::result<Operator> find_operator(const std::string& username);
    core::result<Operator> get_operator(std::int64_t id);
    core::result<std::vector<Operator>> list_operators();
    core::result<std::int64_t> count_operators();
    core::result<void> set_operator_disabled(std::int64_t id, bool disabled, const AuditEvent& audit);
    core::result<void> set_password(std::int64_t id, const std::string& password_hash,
                                    bool must_change, const AuditEvent& audit);
    /// Records a failed login; locks until `lock_until` when `lock_until` > 0.
    core::result<void> record_login_failure(std::int64_t id, std::int64_t lock_until,
                                            const AuditEvent& audit);
    /// Successful login: resets failures, stores the session, appends the audit entry.
    core::result<void> record_login_success(std::int64_t id, const Session& s, const AuditEvent& audit);

    // Sessions (only the hash of the cookie value is stored). touch_session and delete_session
    // return errc::not_found when there is no such session (nothing is audited then).
    core::result<Session> find_session(const std::string& id_hash);
    core::result<void> touch_session(const std::string& id_hash, std::int64_t now);
    core::result<void> delete_session(const std::string& id_hash, const AuditEvent& audit);
    core::result<void> delete_sessions_of(std::int64_t operator_id, const AuditEvent& audit);
    core::result<std::int64_t> purge_sessions(std::int64_t idle_before);

    // Per-key counters in fixed windows (login throttling, rate limits shared by instances).
    /// Adds one hit to `key` in the window starting at `window_start`; returns the count.
    core::result<std::int64_t> throttle_hit(const std::string& key, std::int64_t window_start);
    core::result<std::int64_t> throttle_count(const std::string& key, std::int64_t window_start);
    /// Deletes windows that started before `before`; returns how many. throttle_hit also
    /// purges windows older than 7 days every 1024 hits.
    core::result<std::int64_t> purge_throttle(std::int64_t before);

    // API keys. errc::conflict when the name (or key hash) exists. find_api_key also returns
    // revoked keys (revoked_at > 0): the caller refuses them. Revoking twice keeps the first time.
    core::result<std::int64_t> create_api_key(const ApiKey& key, const AuditEvent& audit);
    core::result<ApiKey> find_api_key(const std::string& key_hash);
    core::result<std::vector<ApiKey>> list_api_keys();
    core::result<void> revoke_api_key(std::int64_t id, std::int64_t at, const AuditEvent& audit);

    // Audit log: append-only, hash-chained.
    core::result<void> append_audit(const AuditEvent& e);
    core::result<std::vector<AuditEntry>> list_audit(std::int64_t after_seq, int limit);
    core::result<AuditVerification> verify_audit();

    Database& database() { return db_; }

  private:
    Database& db_;
    std::atomic<std::uint64_t> throttle_hits_{0};
};

inline constexpr std::uint64_t kCommitLatencyBoundsUs[] = {100,   250,   500,    1000,   2500,
                                                           5000,  10000, 25000,  50000,  100000,
                                                           250000, 1000000};
inline constexpr std::uint64_t kBatchSizeBounds[] = {1, 2, 4, 8, 16, 32, 64, 128, 256};

}  // namespace segnala::store
