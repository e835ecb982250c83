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
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

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
