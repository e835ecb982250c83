// One SQLite connection with its prepared-statement cache (internal to the SQLite backend).
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sqlite3.h>

#include "store/database.hpp"

namespace segnala::store::sqlite {

class Connection {
  public:
    /// Opens `path`; `writer` configures WAL, synchronous=FULL and foreign keys, a reader
    /// connection is made query-only.
    static core::result<std::unique_ptr<Connection>> open(const std::string& path, bool writer,
                                                          int busy_timeout_ms);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    core::result<Rows> run(std::string_view sql, std::span<const Value> params);
    /// For BEGIN/COMMIT/SAVEPOINT: no parameters, no rows.
    core::result<void> exec(std::string_view sql);
    /// True when no transaction is open (SQLite rolled back on its own after some errors).
    bool autocommit() const { return sqlite3_get_autocommit(db_) != 0; }

    /// Replaces SQLite's automatic checkpoint: after each COMMIT, `hook` gets the number of
    /// frames in the write-ahead log. Called on the committing thread.
    void on_commit(std::function<void(int frames)> hook);
    /// Copies the log into the database file (SQLITE_CHECKPOINT_PASSIVE or _RESTART).
    /// errc::unavailable when another checkpoint runs or RESTART timed out waiting.
    struct Checkpoint {
        int log = 0;     ///< frames in the log
        int copied = 0;  ///< of which are now in the database file
    };
    core::result<Checkpoint> checkpoint(int mode);

  private:
    struct Cached {
        sqlite3_stmt* stmt = nullptr;
        int placeholders = 0;
    };
    explicit Connection(sqlite3* db) : db_(db) {}
    core::result<Cached*> prepare(std::string_view sql);
    boost::system::error_code fail(int rc, std::string_view sql);

    // Looked up by string_view: no copy of the statement's text on every run.
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };
    sqlite3* db_;
    std::unordered_map<std::string, Cached, TextHash, std::equal_to<>> cache_;
    std::function<void(int)> commit_hook_;
};

/// The Tx handed to functions: queries go to one connection.
class ConnectionTx final : public Tx {
  public:
    explicit ConnectionTx(Connection& c) : c_(c) {}
    Dialect dialect() const override { return Dialect::sqlite; }

  protected:
    core::result<Rows> run(std::string_view sql, std::span<const Value> params) override {
        return c_.run(sql, params);
    }

  private:
    Connection& c_;
};

}  // namespace segnala::store::sqlite
