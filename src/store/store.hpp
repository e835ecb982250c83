// The Store: every durable record of Segnala, written once over the Database interface
// (database.hpp), so SQLite and PostgreSQL share one schema and one behaviour.
// All methods block (they run on the worker pool, never on an I/O thread) and are thread-safe.
// A mutating method returns only after its transaction is durable (COMMIT done).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
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
    std::string role;           ///< "operator", "analyst", "supervisor", "admin"
    std::string permissions;    ///< comma-separated extra permissions, e.g. "csam"
    std::string password_hash;  ///< argon2id string (crypto::hash_password)
    bool must_change_password = true;
    bool disabled = false;
    std::int64_t created_at = 0;  ///< unix seconds
    std::int64_t last_login_at = 0;
    int failed_logins = 0;              ///< consecutive failures since the last success
    std::int64_t locked_until = 0;      ///< unix seconds; 0 = not locked
    std::int64_t totp_enrolled_at = 0;  ///< second factor enrolled since; 0 = not enrolled
};

struct NewOperator {
    std::string username;
    std::string role;
    std::string permissions;
    std::string password_hash;
    bool must_change_password = true;
};

struct Session {
    std::string id_hash;  ///< SHA-256 hex of the cookie value; the cookie itself is never stored
    std::int64_t operator_id = 0;
    std::string csrf_token;
    std::int64_t created_at = 0;
    std::int64_t last_seen_at = 0;
    std::int64_t mfa_at = 0;  ///< when the second factor was passed; 0 = half-open session
    std::string user_agent;   ///< short form, at most 120 bytes
};

/// A session as the account and admin pages list it (never the cookie value).
struct ActiveSession {
    Session session;
    std::string username;
};

/// An operator's second factor: the TOTP secret sealed at rest (crypto::Sealer, associated
/// data "operator:<id>:totp"), when enrolment completed (0 = not enrolled; a secret may then
/// be pending), and the last accepted time step (a code works once).
struct SecondFactor {
    std::string secret_sealed;
    std::int64_t enrolled_at = 0;
    std::int64_t last_step = -1;
    int recovery_codes_left = 0;
};

struct ApiKey {
    std::int64_t id = 0;
    std::string name;
    std::string key_hash;  ///< SHA-256 hex of the secret
    std::string prefix;    ///< first characters of the secret, for display
    std::string scopes;    ///< space-separated, e.g. "reports:write"
    int rate_limit = 0;    ///< requests per second, 0 = none
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
    std::string head_hash;           ///< hash of the last good entry: keep it elsewhere to anchor
                                     ///< the chain against truncation
};

/// One URL of a new report; the case key is `url_hash` (hex SHA-256 of the canonical URL).
struct NewReportUrl {
    std::string canonical;
    std::string url_hash;
    std::string host;
    std::string registrable_domain;
    std::string signals;          ///< comma-separated: "ip_host", "idn", "userinfo"
    std::string original_sealed;  ///< the URL as typed, sealed by the caller
    bool had_userinfo = false;
};

struct NewAttachment {
    std::string sha256;
    std::string mime;
    std::int64_t size = 0;
    int width = 0;
    int height = 0;
    std::string original_sealed;
    std::string preview_sealed;
    std::string blurred_sealed;
};

/// A report to store. Personal fields arrive sealed (the store never sees them in clear).
struct NewReport {
    std::string code;      ///< unique; errc::conflict on a collision
    std::string category;  ///< core::to_string(Category)
    std::string channel;
    bool verified = false;
    std::string lang;
    std::int64_t created_at = 0;  ///< unix seconds
    std::string client_key;
    std::int64_t api_key_id = 0;
    std::string sender;  ///< data about the offender, kept in clear for search
    std::string subject_sealed;
    std::string text_sealed;
    std::string description_sealed;
    std::string contact_sealed;
    std::vector<NewReportUrl> urls;  ///< at least one
    std::vector<NewAttachment> attachments;
    /// Space-separated search tokens of [a-z0-9] (app::search_terms): URL words in clear,
    /// description words only as keyed hashes. One report_search row per report.
    std::string search_terms;
};

/// A case as it was just before a report joined it (for "already reported N times").
struct CaseBefore {
    std::int64_t case_id = 0;
    std::int64_t report_count = 0;  ///< 0 when the case was created by this report
    std::int64_t first_seen = 0;
    std::string status;
    std::int64_t status_at = 0;
    std::string category;  ///< the case's category after this report joined
};

struct StoredReport {
    std::int64_t report_id = 0;
    std::vector<CaseBefore> cases;  ///< one per URL, in order
};

struct ReportStatus {
    std::string status;  ///< the status of the report's case
    std::int64_t since = 0;
};

/// Idempotency of a batch: a stored response replayed for the same (api key, key).
struct IdempotencyRecord {
    std::int64_t api_key_id = 0;
    std::string key;
    std::string request_hash;
};

struct BatchOutcome {
    std::vector<StoredReport> stored;  ///< empty when replayed
    bool replayed = false;
    std::string response;             ///< the stored response (replay or fresh)
    std::string stored_request_hash;  ///< of the first request (replay only)
};

/// Commit statistics for /metrics.
struct StoreStats {
    std::uint64_t commits = 0;
    std::uint64_t writes = 0;  ///< write functions committed
    std::vector<std::uint64_t>
        commit_latency_us_buckets;  ///< cumulative, for kCommitLatencyBoundsUs
    double commit_latency_us_sum = 0;
    std::vector<std::uint64_t> batch_size_buckets;  ///< cumulative, for kBatchSizeBounds
    std::uint64_t batch_size_sum = 0;
};

/// What Store::erase_expired_reports erases: the retention policy as points in time (app::
/// Retention turns days into them). A report qualifies when it was received, and every case
/// it is in (or the case that case was merged into) was closed, before the cutoff.
struct RetentionCutoffs {
    std::int64_t contact_before = 0;  ///< the reporter's contact
    std::int64_t details_before = 0;  ///< description, message subject and text, URLs as typed,
                                      ///< screenshots (and the contact, if still there)
    std::int64_t now = 0;             ///< recorded as the erasure time
};

struct ErasureCounts {
    std::int64_t contacts = 0;     ///< contacts erased (alone or with the details)
    std::int64_t reports = 0;      ///< reports whose details were erased
    std::int64_t attachments = 0;  ///< screenshots erased (hash, type and size stay)
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
    core::result<void> set_operator_disabled(std::int64_t id, bool disabled,
                                             const AuditEvent& audit);
    core::result<void> set_password(std::int64_t id, const std::string& password_hash,
                                    bool must_change, const AuditEvent& audit);
    /// Records a failed login; locks until `lock_until` when `lock_until` > 0.
    core::result<void> record_login_failure(std::int64_t id, std::int64_t lock_until,
                                            const AuditEvent& audit);
    /// Successful login: resets failures, stores the session, appends the audit entry.
    core::result<void> record_login_success(std::int64_t id, const Session& s,
                                            const AuditEvent& audit);

    // Sessions (only the hash of the cookie value is stored). touch_session and delete_session
    // return errc::not_found when there is no such session (nothing is audited then).
    core::result<Session> find_session(const std::string& id_hash);
    core::result<void> touch_session(const std::string& id_hash, std::int64_t now);
    core::result<void> delete_session(const std::string& id_hash, const AuditEvent& audit);
    core::result<void> delete_sessions_of(std::int64_t operator_id, const AuditEvent& audit);
    /// Deletes sessions idle since before `idle_before` or created before `created_before`
    /// (both expired, app::Auth); returns how many.
    core::result<std::int64_t> purge_sessions(std::int64_t idle_before,
                                              std::int64_t created_before);
    /// Active sessions of one operator (operator_id > 0) or of everyone (0), newest first.
    core::result<std::vector<ActiveSession>> list_sessions(std::int64_t operator_id);

    // Second factor (operators.cpp). Every change appends its audit entry in its transaction.
    core::result<SecondFactor> second_factor(std::int64_t operator_id);
    /// Stores a not-yet-confirmed secret. errc::conflict when the operator is enrolled.
    core::result<void> set_pending_totp(std::int64_t operator_id, const std::string& sealed,
                                        const AuditEvent& audit);
    /// Completes enrolment: enrolled_at, last step, the recovery codes' hashes (replacing any
    /// old ones), failures reset and the session marked as past the second factor.
    /// errc::conflict when already enrolled (e.g. a second tab finished first).
    core::result<void> complete_totp_enrolment(std::int64_t operator_id, std::int64_t step,
                                               const std::vector<std::string>& code_hashes,
                                               const std::string& session_hash, std::int64_t now,
                                               const AuditEvent& audit);
    /// Accepts a TOTP step: only when it is later than the last accepted one (errc::conflict
    /// otherwise: the code was used already). Resets failures, marks the session.
    core::result<void> accept_totp_step(std::int64_t operator_id, std::int64_t step,
                                        const std::string& session_hash, std::int64_t now,
                                        const AuditEvent& audit);
    /// Spends one unused recovery code (errc::not_found when unknown or used), resets
    /// failures and marks the session.
    core::result<void> use_recovery_code(std::int64_t operator_id, const std::string& code_hash,
                                         const std::string& session_hash, std::int64_t now,
                                         const AuditEvent& audit);
    /// Forgets the second factor and recovery codes and ends every session of the operator:
    /// the next login enrols again. errc::not_found when no operator has the id.
    core::result<void> reset_second_factor(std::int64_t operator_id, const AuditEvent& audit);

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

    // Reports and cases. A report joins, per URL, the case with the same url_hash (created
    // when missing); counts and last_seen move in the same transaction.
    core::result<StoredReport> add_report(const NewReport& r);
    /// Stores a batch in ONE transaction. With `idem`, a (api_key_id, key) seen before returns
    /// its stored response instead (replayed = true, nothing stored); otherwise `render` turns
    /// what was stored into the response, which is kept with the batch.
    core::result<BatchOutcome> add_reports(
        const std::vector<NewReport>& batch, const IdempotencyRecord* idem,
        const std::function<std::string(const std::vector<StoredReport>&)>& render,
        std::int64_t now);
    /// add_reports without waiting (Database::write_async): `done` gets its result, on the
    /// writer's thread when async_writes(), before this returns otherwise.
    void add_reports_async(std::vector<NewReport> batch, std::optional<IdempotencyRecord> idem,
                           std::function<std::string(const std::vector<StoredReport>&)> render,
                           std::int64_t now, std::function<void(core::result<BatchOutcome>)> done);
    /// Whether the *_async calls return without waiting for the database (SQLite's writer
    /// thread); with PostgreSQL they run on the calling thread.
    bool async_writes() const;
    /// Files up to `limit` of the oldest reports waiting in the search backlog into the search
    /// index, in one write; returns how many. The intake leaves them there because the index
    /// is far cheaper to fill many rows at a time (migration 5).
    core::result<std::int64_t> index_search_backlog(int limit);
    /// Empties the backlog in batches of kSearchIndexBatch (before a search, so that it sees
    /// every stored report); returns how many were filed.
    core::result<std::int64_t> index_all_search_backlog();
    static constexpr int kSearchIndexBatch = 500;
    /// errc::not_found when no report has `code`.
    core::result<ReportStatus> report_status(const std::string& code);
    core::result<std::int64_t> count_reports();
    /// Retention (retention.cpp): erases what `cutoffs` says has been kept long enough, `batch`
    /// reports a transaction, each transaction with its audit entry (`audit` with the counts as
    /// detail), until nothing is left. A report whose description goes keeps its URLs' words
    /// in the search index: `terms_for` gets its canonical URLs and gives its new search terms.
    /// Running it again erases nothing more. `keep_going` (when given) is asked before each
    /// transaction after the first: false stops there, with the rest left for the next run.
    core::result<ErasureCounts> erase_expired_reports(
        const RetentionCutoffs& cutoffs,
        const std::function<std::string(const std::vector<std::string>&)>& terms_for,
        const AuditEvent& audit, int batch = 200, const std::function<bool()>& keep_going = {});

    // Audit log: append-only, hash-chained.
    core::result<void> append_audit(const AuditEvent& e);
    core::result<std::vector<AuditEntry>> list_audit(std::int64_t after_seq, int limit);
    core::result<AuditVerification> verify_audit();

    Database& database() { return db_; }

  private:
    Database& db_;
    std::atomic<std::uint64_t> throttle_hits_{0};
};

inline constexpr std::uint64_t kCommitLatencyBoundsUs[] = {
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000};
inline constexpr std::uint64_t kBatchSizeBounds[] = {1, 2, 4, 8, 16, 32, 64, 128, 256};

}  // namespace segnala::store
