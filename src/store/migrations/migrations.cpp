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
};

}  // namespace

std::span<const Migration> migrations() {
    return kMigrations;
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
