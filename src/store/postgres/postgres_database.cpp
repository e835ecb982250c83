#include "store/postgres/postgres_database.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <vector>

#include <fmt/format.h>
#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include "store/placeholders.hpp"

namespace segnala::store {
namespace {

using core::errc;

constexpr const char* kBeginWrite = "BEGIN";
constexpr const char* kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
constexpr const char* kCommit = "COMMIT";
constexpr const char* kRollback = "ROLLBACK";

// Type OIDs from pg_type.h (stable across versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;

std::string_view head(std::string_view sql) {
    return sql.substr(0, 80);
}

std::string one_line(const char* message) {
    std::string s = message ? message : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
        s.pop_back();
    }
    for (char& c : s) {
        c = c == '\n' ? ' ' : c;
    }
    return s;
}

errc classify(std::string_view state) {
    if (state == "23505" || state == "23503") {
        return errc::conflict;
    }
    if (state.substr(0, 2) == "23" || state.substr(0, 2) == "22") {
        return errc::invalid_argument;
    }
    if (state == "40001" || state == "40P01" || state.substr(0, 2) == "08" ||
        state.substr(0, 2) == "53" || state.substr(0, 2) == "57") {
        return errc::unavailable;
    }
    return errc::internal;
}

struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

class PgTx final : public Tx {
  public:
    explicit PgTx(PGconn* c) : c_(c) {}
    Dialect dialect() const override { return Dialect::postgres; }
    core::result<void> simple(const char* sql);

  protected:
    core::result<Rows> run(std::string_view sql, std::span<const Value> params) override;

  private:
    boost::system::error_code fail(PGresult* r, std::string_view sql);
    PGconn* c_;
};

boost::system::error_code PgTx::fail(PGresult* r, std::string_view sql) {
    if (r == nullptr || PQstatus(c_) != CONNECTION_OK) {
        spdlog::warn("postgres: connection lost: {} in: {}", one_line(PQerrorMessage(c_)),
                     head(sql));
        return errc::unavailable;
    }
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const errc e = classify(state ? state : "");
    const auto message = one_line(PQresultErrorMessage(r));
    if (e == errc::conflict || e == errc::invalid_argument) {
        spdlog::debug("postgres: {} ({}) in: {}", message, state ? state : "", head(sql));
    } else {
        spdlog::warn("postgres: {} ({}) in: {}", message, state ? state : "", head(sql));
    }
    return e;
}

core::result<void> PgTx::simple(const char* sql) {
    ResultPtr r(PQexec(c_, sql));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
        return fail(r.get(), sql);
    }
    // COMMIT of a transaction that had a failed statement answers "ROLLBACK": not durable.
    if (std::strcmp(sql, kCommit) == 0 && std::strcmp(PQcmdStatus(r.get()), "COMMIT") != 0) {
        spdlog::error("postgres: COMMIT rolled back (a statement had failed)");
        return errc::internal;
    }
    return core::success();
}

core::result<Rows> PgTx::run(std::string_view sql, std::span<const Value> params) {
    const auto placeholders = max_placeholder(sql);
    if (!placeholders || static_cast<std::size_t>(*placeholders) != params.size()) {
        spdlog::error("postgres: {} parameters do not match the placeholders of: {}", params.size(),
                      head(sql));
        return errc::invalid_argument;
    }
    const std::size_t n = params.size();
    std::vector<Oid> types(n, 0);
    std::vector<std::string> storage(n);
    std::vector<const char*> values(n, nullptr);
    std::vector<int> lengths(n, 0);
    std::vector<int> formats(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& v = params[i].variant();
        if (const auto* x = std::get_if<std::int64_t>(&v)) {
            types[i] = kInt8Oid;
            storage[i] = std::to_string(*x);
        } else if (const auto* d = std::get_if<double>(&v)) {
            types[i] = kFloat8Oid;
            storage[i] = fmt::format("{}", *d);  // shortest round-trip form
        } else if (const auto* s = std::get_if<std::string>(&v)) {
            storage[i] = *s;  // unknown type: PostgreSQL infers it from the context
        } else if (const auto* b = std::get_if<Blob>(&v)) {
            types[i] = kByteaOid;
            formats[i] = 1;
            storage[i] = b->bytes;
        } else {
            continue;  // NULL
        }
        values[i] = storage[i].data();
        lengths[i] = static_cast<int>(storage[i].size());
    }
    const std::string text(sql);
    ResultPtr r(PQexecParams(c_, text.c_str(), static_cast<int>(n), types.data(), values.data(),
                             lengths.data(), formats.data(), 0));
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        return fail(r.get(), sql);
    }
    Rows out;
    const int ncols = PQnfields(r.get());
    const int nrows = PQntuples(r.get());
    std::vector<Oid> col_types(static_cast<std::size_t>(ncols));
    for (int c = 0; c < ncols; ++c) {
        out.columns.emplace_back(PQfname(r.get(), c));
        col_types[static_cast<std::size_t>(c)] = PQftype(r.get(), c);
    }
    out.rows.reserve(static_cast<std::size_t>(nrows));
    for (int i = 0; i < nrows; ++i) {
        auto& row = out.rows.emplace_back();
        row.reserve(static_cast<std::size_t>(ncols));
        for (int c = 0; c < ncols; ++c) {
            if (PQgetisnull(r.get(), i, c)) {
                row.emplace_back();
                continue;
            }
            const char* cell = PQgetvalue(r.get(), i, c);
            switch (col_types[static_cast<std::size_t>(c)]) {
                case kInt8Oid:
                case kInt4Oid:
                case kInt2Oid:
                case kOidOid:
                    row.emplace_back(static_cast<std::int64_t>(std::strtoll(cell, nullptr, 10)));
                    break;
                case kBoolOid:
                    row.emplace_back(cell[0] == 't');
                    break;
                case kFloat4Oid:
                case kFloat8Oid:
                    row.emplace_back(std::strtod(cell, nullptr));
                    break;
                case kByteaOid: {
                    std::size_t len = 0;
                    unsigned char* bytes =
                        PQunescapeBytea(reinterpret_cast<const unsigned char*>(cell), &len);
                    row.emplace_back(Blob{std::string(reinterpret_cast<char*>(bytes), len)});
                    PQfreemem(bytes);
                    break;
                }
                default:
                    row.emplace_back(
                        std::string(cell, static_cast<std::size_t>(PQgetlength(r.get(), i, c))));
            }
        }
    }
    const char* tuples = PQcmdTuples(r.get());
    out.changes = (tuples && *tuples) ? std::strtoll(tuples, nullptr, 10) : 0;
    return out;
}

class PostgresDatabase final : public Database {
  public:
    explicit PostgresDatabase(PostgresSettings s) : settings_(std::move(s)) {}
    ~PostgresDatabase() override { close(); }

    core::result<PGconn*> connect();
    core::result<void> read(const TxFn& fn) override;
    core::result<void> write(TxFn fn) override;
    Dialect dialect() const override { return Dialect::postgres; }
    StoreStats stats() const override { return stats_.snapshot(); }
    void close() override;
    void release(PGconn* c);
    /// Parks a connection made by connect() in the pool.
    void adopt(PGconn* c) {
        {
            std::lock_guard lock(mutex_);
            ++open_;
        }
        release(c);
    }

  private:
    core::result<PGconn*> acquire();
    core::result<void> begin(PGconn*& c, const char* sql);

    PostgresSettings settings_;
    CommitStats stats_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<PGconn*> idle_;
    int open_ = 0;
    bool closed_ = false;
};

core::result<PGconn*> PostgresDatabase::connect() {
    const std::string timeout = std::to_string(settings_.connect_timeout_s);
    const std::string options =
        settings_.schema.empty() ? "" : "-c search_path=" + settings_.schema;
    std::vector<const char*> keys = {"dbname", "application_name", "connect_timeout"};
    std::vector<const char*> values = {settings_.conninfo.c_str(),
                                       settings_.application_name.c_str(), timeout.c_str()};
    if (!options.empty()) {
        keys.push_back("options");
        values.push_back(options.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* c = PQconnectdbParams(keys.data(), values.data(), 1);
    if (c == nullptr || PQstatus(c) != CONNECTION_OK) {
        spdlog::error("postgres: cannot connect: {}",
                      one_line(c ? PQerrorMessage(c) : "out of memory"));
        PQfinish(c);
        return errc::unavailable;
    }
    // Server notices (e.g. "drop cascades to…") go to the log, not to stderr.
    PQsetNoticeProcessor(
        c, [](void*, const char* message) { spdlog::debug("postgres: {}", one_line(message)); },
        nullptr);
    return c;
}

core::result<PGconn*> PostgresDatabase::acquire() {
    {
        std::unique_lock lock(mutex_);
        const auto deadline = std::chrono::steady_clock::now() +
                              std::chrono::milliseconds(settings_.acquire_timeout_ms);
        while (!closed_ && idle_.empty() && open_ >= std::max(1, settings_.pool_size)) {
            if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
                spdlog::warn("postgres: no free connection after {} ms",
                             settings_.acquire_timeout_ms);
                return errc::unavailable;
            }
        }
        if (closed_) {
            return errc::unavailable;
        }
        if (!idle_.empty()) {
            PGconn* c = idle_.back();
            idle_.pop_back();
            return c;
        }
        ++open_;  // reserve the slot, connect outside the lock
    }
    auto c = connect();
    if (!c) {
        std::lock_guard lock(mutex_);
        --open_;
        cv_.notify_one();
    }
    return c;
}

void PostgresDatabase::release(PGconn* c) {
    {
        std::lock_guard lock(mutex_);
        if (!closed_) {
            idle_.push_back(c);
            cv_.notify_one();
            return;
        }
        --open_;
    }
    PQfinish(c);
}

// BEGIN, resetting the connection and trying once more when it turns out to be dead (server
// restart, pg_terminate_backend): nothing of the transaction was sent yet, so this is safe.
core::result<void> PostgresDatabase::begin(PGconn*& c, const char* sql) {
    for (int attempt = 0;; ++attempt) {
        if (PQstatus(c) != CONNECTION_OK) {
            spdlog::info("postgres: resetting a dropped connection");
            PQreset(c);
        }
        PgTx tx(c);
        auto r = tx.simple(sql);
        if (r || PQstatus(c) == CONNECTION_OK || attempt == 1) {
            return r;
        }
    }
}

core::result<void> PostgresDatabase::read(const TxFn& fn) {
    for (int attempt = 0;; ++attempt) {
        SEGNALA_TRY(c, acquire());
        if (auto b = begin(c, kBeginRead); !b) {
            release(c);
            return b.error();
        }
        PgTx tx(c);
        core::result<void> r = errc::internal;
        try {
            r = fn(tx);
        } catch (...) {
            (void)tx.simple(kRollback);
            release(c);
            throw;
        }
        if (!r && PQstatus(c) != CONNECTION_OK && attempt == 0) {
            release(c);  // reset on the next use; a read can safely run again
            continue;
        }
        (void)tx.simple(r ? kCommit : kRollback);
        release(c);
        return r;
    }
}

core::result<void> PostgresDatabase::write(TxFn fn) {
    SEGNALA_TRY(c, acquire());
    const auto start = std::chrono::steady_clock::now();
    if (auto b = begin(c, kBeginWrite); !b) {
        release(c);
        return b.error();
    }
    PgTx tx(c);
    core::result<void> r = errc::internal;
    try {
        r = fn(tx);
    } catch (const std::exception& e) {
        spdlog::error("store: write function threw: {}", e.what());
    } catch (...) {
        spdlog::error("store: write function threw");
    }
    if (!r) {
        (void)tx.simple(kRollback);
        release(c);
        return r;
    }
    // If the connection drops during COMMIT the outcome is unknown: report unavailable and
    // never retry (the write may have happened).
    r = tx.simple(kCommit);
    release(c);
    if (r) {
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
        stats_.record(static_cast<std::uint64_t>(us), 1, 1);
    }
    return r;
}

void PostgresDatabase::close() {
    std::vector<PGconn*> idle;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        idle.swap(idle_);
        open_ -= static_cast<int>(idle.size());
        cv_.notify_all();
    }
    for (PGconn* c : idle) {
        PQfinish(c);
    }
}

bool valid_schema(const std::string& s) {
    if (s.empty() || s.size() > 63) {
        return false;
    }
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

}  // namespace

core::result<std::unique_ptr<Database>> open_postgres(const PostgresSettings& settings) {
    if (settings.conninfo.empty() || settings.pool_size < 1 ||
        (!settings.schema.empty() && !valid_schema(settings.schema))) {
        spdlog::error("postgres: bad settings (empty URL, pool size < 1 or bad schema name)");
        return errc::invalid_argument;
    }
    auto db = std::make_unique<PostgresDatabase>(settings);
    SEGNALA_TRY(first, db->connect());
    db->adopt(first);
    return std::unique_ptr<Database>(std::move(db));
}

}  // namespace segnala::store
