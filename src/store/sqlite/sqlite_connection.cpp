#include "store/sqlite/sqlite_connection.hpp"

#include <algorithm>
#include <type_traits>

#include <spdlog/spdlog.h>

#include "store/placeholders.hpp"
#include "store/sqlite/wal_vfs.hpp"

namespace segnala::store::sqlite {
namespace {

using core::errc;

std::string_view head(std::string_view sql) {
    return sql.substr(0, 80);
}

errc classify(int rc) {
    switch (rc) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
        case SQLITE_CONSTRAINT_FOREIGNKEY:
        case SQLITE_CONSTRAINT_ROWID:
            return errc::conflict;
        default:
            break;
    }
    switch (rc & 0xff) {
        case SQLITE_CONSTRAINT:
        case SQLITE_MISMATCH:
        case SQLITE_RANGE:
            return errc::invalid_argument;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_FULL:
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_NOMEM:
            return errc::unavailable;
        default:
            return errc::internal;
    }
}

}  // namespace

core::result<std::unique_ptr<Connection>> Connection::open(const std::string& path, bool writer,
                                                           int busy_timeout_ms) {
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    // Every connection goes through the WAL-gathering VFS (wal_vfs.hpp): the writer because it
    // runs with synchronous=FULL, the readers because they never write.
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, wal_vfs_name());
    if (rc != SQLITE_OK) {
        spdlog::error("sqlite: cannot open {}: {}", path,
                      db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close_v2(db);
        return core::errc::unavailable;
    }
    std::unique_ptr<Connection> c(new Connection(db));
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, busy_timeout_ms);
    if (writer) {
        // WAL: readers never block the writer. synchronous=FULL: a COMMIT that returned is on
        // disk, also on power loss (NORMAL would only survive a process crash).
        SEGNALA_TRY(mode, c->run("PRAGMA journal_mode=WAL", {}));
        if (mode.empty() || mode.text(0, 0) != "wal") {
            spdlog::error("sqlite: {} refuses WAL mode", path);
            return core::errc::unavailable;
        }
        BOOST_OUTCOME_TRYV(c->exec("PRAGMA synchronous=FULL"));
        BOOST_OUTCOME_TRYV(c->exec("PRAGMA foreign_keys=ON"));
        // Deleted and overwritten values are zeroed in the file, so that what retention erases
        // cannot be read back from freed space. Debian's SQLite does it by default; other
        // builds do not.
        BOOST_OUTCOME_TRYV(c->exec("PRAGMA secure_delete=ON"));
    } else {
        BOOST_OUTCOME_TRYV(c->exec("PRAGMA query_only=ON"));
        // Readers map the file instead of a pread per page: the queue's searches touch
        // thousands of random pages, and system calls are what they would cost (bench/queue).
        SEGNALA_TRY(mapped, c->run("PRAGMA mmap_size=4294967296", {}));
        (void)mapped;
    }
    return c;
}

void Connection::on_commit(std::function<void(int frames)> hook) {
    commit_hook_ = std::move(hook);
    sqlite3_wal_hook(
        db_,
        [](void* self, sqlite3*, const char*, int frames) {
            static_cast<Connection*>(self)->commit_hook_(frames);
            return SQLITE_OK;
        },
        this);
}

core::result<Connection::Checkpoint> Connection::checkpoint(int mode) {
    int log = 0;
    int copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, mode, &log, &copied);
    if (rc != SQLITE_OK) {
        if ((rc & 0xff) == SQLITE_BUSY) {
            return errc::unavailable;  // another checkpoint, or RESTART waiting on readers
        }
        return fail(rc, "checkpoint");
    }
    return Checkpoint{std::max(log, 0), std::max(copied, 0)};
}

Connection::~Connection() {
    for (auto& [sql, cached] : cache_) {
        sqlite3_finalize(cached.stmt);
    }
    sqlite3_close_v2(db_);
}

boost::system::error_code Connection::fail(int rc, std::string_view sql) {
    const errc e = classify(rc);
    if (e == errc::conflict || e == errc::invalid_argument) {
        spdlog::debug("sqlite: {} ({}) in: {}", sqlite3_errmsg(db_), rc, head(sql));
    } else {
        spdlog::warn("sqlite: {} ({}) in: {}", sqlite3_errmsg(db_), rc, head(sql));
    }
    return e;
}

core::result<Connection::Cached*> Connection::prepare(std::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) {
        return &it->second;
    }
    const auto placeholders = max_placeholder(sql);
    if (!placeholders) {
        spdlog::error("sqlite: malformed placeholder in: {}", head(sql));
        return errc::invalid_argument;
    }
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) {
        return fail(rc, sql);
    }
    if (stmt == nullptr) {
        spdlog::error("sqlite: empty statement");
        return errc::invalid_argument;
    }
    // Check every parameter is $n once, here, so binding can trust the names.
    for (int i = 1; i <= sqlite3_bind_parameter_count(stmt); ++i) {
        const char* name = sqlite3_bind_parameter_name(stmt, i);
        if (name == nullptr || !placeholder_number(name)) {
            spdlog::error("sqlite: parameter {} is not $n in: {}", i, head(sql));
            sqlite3_finalize(stmt);
            return errc::invalid_argument;
        }
    }
    auto [it, inserted] = cache_.emplace(std::string(sql), Cached{stmt, *placeholders});
    return &it->second;
}

core::result<void> Connection::exec(std::string_view sql) {
    SEGNALA_TRY(rows, run(sql, {}));
    (void)rows;
    return core::success();
}

core::result<Rows> Connection::run(std::string_view sql, std::span<const Value> params) {
    SEGNALA_TRY(cached, prepare(sql));
    sqlite3_stmt* stmt = cached->stmt;
    if (static_cast<std::size_t>(cached->placeholders) != params.size()) {
        spdlog::error("sqlite: {} parameters for {} placeholders in: {}", params.size(),
                      cached->placeholders, head(sql));
        return errc::invalid_argument;
    }
    struct Reset {
        sqlite3_stmt* s;
        ~Reset() {
            sqlite3_reset(s);
            sqlite3_clear_bindings(s);
        }
    } reset{stmt};

    for (int i = 1; i <= sqlite3_bind_parameter_count(stmt); ++i) {
        const int n = *placeholder_number(sqlite3_bind_parameter_name(stmt, i));
        const Value& v = params[static_cast<std::size_t>(n - 1)];
        int rc = SQLITE_OK;
        std::visit(
            [&](const auto& x) {
                using X = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<X, std::monostate>) {
                    rc = sqlite3_bind_null(stmt, i);
                } else if constexpr (std::is_same_v<X, std::int64_t>) {
                    rc = sqlite3_bind_int64(stmt, i, x);
                } else if constexpr (std::is_same_v<X, double>) {
                    rc = sqlite3_bind_double(stmt, i, x);
                } else if constexpr (std::is_same_v<X, std::string>) {
                    rc = sqlite3_bind_text64(stmt, i, x.data(), x.size(), SQLITE_STATIC,
                                             SQLITE_UTF8);
                } else {
                    rc =
                        sqlite3_bind_blob64(stmt, i, x.bytes.data(), x.bytes.size(), SQLITE_STATIC);
                }
            },
            v.variant());
        if (rc != SQLITE_OK) {
            return fail(rc, sql);
        }
    }

    Rows out;
    const int ncols = sqlite3_column_count(stmt);
    for (int c = 0; c < ncols; ++c) {
        out.columns.emplace_back(sqlite3_column_name(stmt, c));
    }
    for (;;) {
        const int rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE) {
            break;
        }
        if (rc != SQLITE_ROW) {
            return fail(sqlite3_extended_errcode(db_), sql);
        }
        auto& row = out.rows.emplace_back();
        row.reserve(static_cast<std::size_t>(ncols));
        for (int c = 0; c < ncols; ++c) {
            switch (sqlite3_column_type(stmt, c)) {
                case SQLITE_INTEGER:
                    row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c)));
                    break;
                case SQLITE_FLOAT:
                    row.emplace_back(sqlite3_column_double(stmt, c));
                    break;
                case SQLITE_TEXT: {
                    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
                    row.emplace_back(
                        std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
                    break;
                }
                case SQLITE_BLOB: {
                    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, c));
                    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt, c));
                    row.emplace_back(Blob{p ? std::string(p, size) : std::string()});
                    break;
                }
                default:
                    row.emplace_back();
            }
        }
    }
    if (!sqlite3_stmt_readonly(stmt)) {
        out.changes = sqlite3_changes64(db_);
    }
    return out;
}

}  // namespace segnala::store::sqlite
