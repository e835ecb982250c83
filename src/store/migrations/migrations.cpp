#include "store/migrations/migrations.hpp"

#include <array>
#include <utility>

namespace segnala::store {
namespace {

const std::vector<Migration> kMigrations = {
    {1,
     "operators, sessions, api keys, throttle, audit log",
     {
         R"sql(CREATE TABLE operators (
    id {{id}},
    username TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    permissions TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    must_change_password BIGINT NOT NULL DEFAULT 1,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    last_login_at BIGINT NOT NULL DEFAULT 0,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0
))sql",
         R"sql(CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    operator_id BIGINT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
))sql",
         "CREATE INDEX sessions_operator ON sessions(operator_id)",
         "CREATE INDEX sessions_last_seen ON sessions(last_seen_at)",
         R"sql(CREATE TABLE api_keys (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    scopes TEXT NOT NULL DEFAULT '',
    rate_limit BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL DEFAULT 0
))sql",
         R"sql(CREATE TABLE throttle (
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
))sql",
         "CREATE INDEX throttle_window ON throttle(window_start)",
         R"sql(CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
))sql",
     }},
    {2,
     "reports, cases, report URLs, attachments, idempotency",
     {
         R"sql(CREATE TABLE cases (
    id {{id}},
    url_hash TEXT NOT NULL UNIQUE,
    canonical_url TEXT NOT NULL,
    host TEXT NOT NULL,
    registrable_domain TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'received',
    status_at BIGINT NOT NULL,
    report_count BIGINT NOT NULL DEFAULT 0,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    signals TEXT NOT NULL DEFAULT ''
))sql",
         "CREATE INDEX cases_domain ON cases(registrable_domain)",
         "CREATE INDEX cases_host ON cases(host)",
         "CREATE INDEX cases_status_last_seen ON cases(status, last_seen)",
         R"sql(CREATE TABLE reports (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    category TEXT NOT NULL,
    channel TEXT NOT NULL,
    verified BIGINT NOT NULL DEFAULT 0,
    lang TEXT NOT NULL DEFAULT 'it',
    created_at BIGINT NOT NULL,
    client_key TEXT NOT NULL DEFAULT '',
    api_key_id BIGINT NOT NULL DEFAULT 0,
    sender TEXT NOT NULL DEFAULT '',
    subject_sealed {{blob}},
    text_sealed {{blob}},
    description_sealed {{blob}},
    contact_sealed {{blob}}
))sql",
         "CREATE INDEX reports_case ON reports(case_id)",
         "CREATE INDEX reports_created ON reports(created_at)",
         R"sql(CREATE TABLE report_urls (
    report_id BIGINT NOT NULL REFERENCES reports(id),
    position BIGINT NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    original_sealed {{blob}} NOT NULL,
    had_userinfo BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (report_id, position)
))sql",
         "CREATE INDEX report_urls_case ON report_urls(case_id)",
         R"sql(CREATE TABLE attachments (
    id {{id}},
    report_id BIGINT NOT NULL REFERENCES reports(id),
    position BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    original_sealed {{blob}} NOT NULL,
    preview_sealed {{blob}} NOT NULL,
    blurred_sealed {{blob}} NOT NULL,
    created_at BIGINT NOT NULL
))sql",
         "CREATE INDEX attachments_report ON attachments(report_id)",
         "CREATE INDEX attachments_sha256 ON attachments(sha256)",
         R"sql(CREATE TABLE idempotency (
    api_key_id BIGINT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (api_key_id, idem_key)
))sql",
     }},
    {3,
     "back office: second factor, sessions, triage, notes, links, reveals, search",
     {
         // Second factor: the TOTP secret sealed (crypto::Sealer), the last accepted time step
         // (a code works once), and one-time recovery codes stored hashed.
         "ALTER TABLE operators ADD COLUMN totp_secret_sealed {{blob}}",
         "ALTER TABLE operators ADD COLUMN totp_enrolled_at BIGINT NOT NULL DEFAULT 0",
         "ALTER TABLE operators ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT -1",
         R"sql(CREATE TABLE recovery_codes (
    operator_id BIGINT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (operator_id, code_hash)
))sql",
         // A session is half-open (password only) until its second factor: mfa_at = 0.
         "ALTER TABLE sessions ADD COLUMN mfa_at BIGINT NOT NULL DEFAULT 0",
         "ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT ''",
         // Triage. `priority` is an effective time (unix seconds): last_seen moved later by
         // the boosts of store/priority.hpp, so the order never changes with the clock and
         // keyset pagination stays exact. `open` = status in (received, in_review, confirmed);
         // `restricted` = CSAM (ranked first, visible only with the csam permission).
         "ALTER TABLE cases ADD COLUMN priority BIGINT NOT NULL DEFAULT 0",
         "ALTER TABLE cases ADD COLUMN open BIGINT NOT NULL DEFAULT 1",
         "ALTER TABLE cases ADD COLUMN restricted BIGINT NOT NULL DEFAULT 0",
         "ALTER TABLE cases ADD COLUMN assigned_to BIGINT NOT NULL DEFAULT 0",
         "ALTER TABLE cases ADD COLUMN assigned_at BIGINT NOT NULL DEFAULT 0",
         "ALTER TABLE cases ADD COLUMN first_triage_at BIGINT NOT NULL DEFAULT 0",
         "ALTER TABLE cases ADD COLUMN triaged_by BIGINT NOT NULL DEFAULT 0",
         "ALTER TABLE cases ADD COLUMN merged_into BIGINT NOT NULL DEFAULT 0",
         "ALTER TABLE cases ADD COLUMN action_kind TEXT NOT NULL DEFAULT ''",
         "ALTER TABLE cases ADD COLUMN action_reference TEXT NOT NULL DEFAULT ''",
         "UPDATE cases SET priority = last_seen, "
         "open = CASE WHEN status IN ('received', 'in_review', 'confirmed') THEN 1 ELSE 0 END, "
         "restricted = CASE WHEN category = 'csam' THEN 1 ELSE 0 END",
         "CREATE INDEX cases_queue ON cases(open, restricted, priority, id)",
         "CREATE INDEX cases_queue_category ON cases(category, open, priority, id)",
         "CREATE INDEX cases_queue_status ON cases(status, restricted, priority, id)",
         "CREATE INDEX cases_queue_assigned ON cases(assigned_to, open, priority, id)",
         "CREATE INDEX cases_merged_into ON cases(merged_into)",
         "CREATE INDEX cases_first_seen ON cases(first_seen)",
         // What happened to a case (status changes, assignment, merge, split, link), newest
         // last; detail is JSON without personal data. Notes are sealed like descriptions.
         R"sql(CREATE TABLE case_events (
    id {{id}},
    case_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    operator_id BIGINT NOT NULL DEFAULT 0,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
))sql",
         "CREATE INDEX case_events_case ON case_events(case_id, at)",
         R"sql(CREATE TABLE case_notes (
    id {{id}},
    case_id BIGINT NOT NULL,
    operator_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    body_sealed {{blob}} NOT NULL
))sql",
         "CREATE INDEX case_notes_case ON case_notes(case_id, at)",
         R"sql(CREATE TABLE case_links (
    case_a BIGINT NOT NULL,
    case_b BIGINT NOT NULL,
    operator_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (case_a, case_b)
))sql",
         "CREATE INDEX case_links_b ON case_links(case_b)",
         // Evidence and CSAM details an operator revealed (the exposure counter).
         R"sql(CREATE TABLE reveals (
    id {{id}},
    operator_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    object TEXT NOT NULL,
    csam BIGINT NOT NULL DEFAULT 0
))sql",
         "CREATE INDEX reveals_operator ON reveals(operator_id, at)",
         // Full-text search, one row per report: `terms` holds the words of its URLs in clear
         // and the words of its description as keyed hashes (never the words themselves).
         "-- sqlite\n"
         "CREATE VIRTUAL TABLE report_search USING fts5(terms, case_id UNINDEXED, "
         "tokenize = 'unicode61')",
         "-- postgres\n"
         R"sql(CREATE TABLE report_search (
    report_id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL,
    terms TEXT NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED
))sql",
         "-- postgres\nCREATE INDEX report_search_tsv ON report_search USING GIN (tsv)",
         "-- postgres\nCREATE INDEX report_search_case ON report_search(case_id)",
         "CREATE INDEX audit_actor ON audit_log(actor, seq)",
         "CREATE INDEX audit_object ON audit_log(object, seq)",
         "CREATE INDEX audit_action ON audit_log(action, seq)",
     }},
    {4,
     "queue: cases of one registrable domain in rank order",
     {
         // The queue's domain filter reads one index range in (priority, id) order instead of
         // sorting every case of a busy domain.
         "CREATE INDEX cases_queue_domain ON cases(registrable_domain, open, restricted, "
         "priority, id)",
     }},
    {5,
     "intake: search rows indexed in batches off the report's transaction; two indexes fewer",
     {
         // A report's search terms wait here until the search indexer (Store::
         // index_search_backlog) files many at once: FTS5 writes a segment per savepoint, so
         // one row per report inside group commit cost more than the rest of the report.
         "-- sqlite\nCREATE TABLE search_backlog (report_id INTEGER PRIMARY KEY, "
         "terms TEXT NOT NULL)",
         "-- postgres\nCREATE TABLE search_backlog (report_id BIGINT PRIMARY KEY, "
         "terms TEXT NOT NULL)",
         // Both are prefixes of, or answered by, the queue's indexes (cases_queue_domain,
         // cases_queue_status); every report paid for keeping them.
         "DROP INDEX cases_domain",
         "DROP INDEX cases_status_last_seen",
     }},
    {6,
     "retention: when a report's personal details and contact were erased",
     {
         // Store::erase_expired_reports: the reporter's contact goes first, the description,
         // message subject and text, URLs as typed and screenshots later; what stays (category,
         // canonical URLs, sender, dates, image hashes) is what blocklists and statistics need.
         "ALTER TABLE reports ADD COLUMN erased_at BIGINT NOT NULL DEFAULT 0",
         "ALTER TABLE reports ADD COLUMN contact_erased_at BIGINT NOT NULL DEFAULT 0",
         "ALTER TABLE attachments ADD COLUMN erased_at BIGINT NOT NULL DEFAULT 0",
         // Only reports still holding something to erase, oldest first: each run reads just
         // those, not every report the service ever received.
         "CREATE INDEX reports_retained ON reports(created_at) WHERE erased_at = 0",
     }},
};

}  // namespace

std::span<const Migration> migrations() {
    return kMigrations;
}

bool applies_to(std::string_view sql, Dialect dialect) {
    if (sql.starts_with("-- sqlite\n")) {
        return dialect == Dialect::sqlite;
    }
    if (sql.starts_with("-- postgres\n")) {
        return dialect == Dialect::postgres;
    }
    return true;
}

std::string render_ddl(std::string_view sql, Dialect dialect) {
    const bool pg = dialect == Dialect::postgres;
    const std::array<std::pair<std::string_view, std::string_view>, 2> subst = {{
        {"{{id}}", pg ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
                      : "INTEGER PRIMARY KEY AUTOINCREMENT"},
        {"{{blob}}", pg ? "BYTEA" : "BLOB"},
    }};
    std::string out;
    out.reserve(sql.size() + 64);
    std::size_t i = 0;
    while (i < sql.size()) {
        bool replaced = false;
        if (sql[i] == '{') {
            for (const auto& [from, to] : subst) {
                if (sql.substr(i, from.size()) == from) {
                    out += to;
                    i += from.size();
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) {
            out += sql[i++];
        }
    }
    return out;
}

}  // namespace segnala::store
