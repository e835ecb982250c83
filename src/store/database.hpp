// The Database interface: the only thing a backend (sqlite/, postgres/) implements. SQL is
// written once with $1, $2… placeholders; the backends run it on their own connections.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "store/store.hpp"

namespace segnala::store {

enum class Dialect { sqlite, postgres };

/// Binary data (BLOB / BYTEA), kept apart from text so that each backend binds it as bytes.
struct Blob {
    std::string bytes;
    bool operator==(const Blob&) const = default;
};

/// One SQL parameter or column value. Booleans are stored as integers 0/1 on both backends.
class Value {
  public:
    using Variant = std::variant<std::monostate, std::int64_t, double, std::string, Blob>;

    Value() = default;
    Value(std::nullptr_t) {}
    Value(bool b) : v_(std::int64_t{b ? 1 : 0}) {}
    Value(int i) : v_(std::int64_t{i}) {}
    Value(long i) : v_(std::int64_t{i}) {}
    Value(long long i) : v_(static_cast<std::int64_t>(i)) {}
    Value(double d) : v_(d) {}
    Value(const char* s) : v_(std::string(s)) {}
    Value(std::string s) : v_(std::move(s)) {}
    Value(std::string_view s) : v_(std::string(s)) {}
    Value(Blob b) : v_(std::move(b)) {}

    bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
    const Variant& variant() const { return v_; }

    /// Typed access; a NULL reads as 0 / "" / empty blob. Integers and doubles convert.
    std::int64_t as_int64() const;
    double as_double() const;
    std::string as_text() const;
    Blob as_blob() const;

    bool operator==(const Value&) const = default;

  private:
    Variant v_;
};

/// The result of one statement: column names, rows of values, and how many rows it changed.
class Rows {
  public:
    std::vector<std::string> columns;
    std::vector<std::vector<Value>> rows;
    std::int64_t changes = 0;  ///< rows inserted/updated/deleted (DML only)

    bool empty() const { return rows.empty(); }
    std::size_t size() const { return rows.size(); }
    const Value& at(std::size_t row, std::size_t col) const { return rows.at(row).at(col); }
    std::int64_t int64(std::size_t row, std::size_t col) const { return at(row, col).as_int64(); }
    double real(std::size_t row, std::size_t col) const { return at(row, col).as_double(); }
    std::string text(std::size_t row, std::size_t col) const { return at(row, col).as_text(); }
    Blob blob(std::size_t row, std::size_t col) const { return at(row, col).as_blob(); }
};

/// A transaction in progress on one connection. Not thread-safe; valid only inside the
/// function given to Database::read / Database::write.
/// Errors: errc::conflict on a unique/primary-key/foreign-key violation, errc::unavailable when
/// the database is busy or the connection is lost, errc::invalid_argument when the number of
/// parameters does not match the $n placeholders, errc::internal otherwise (logged).
class Tx {
  public:
    virtual ~Tx() = default;

    [[nodiscard]] core::result<Rows> query(std::string_view sql,
                                           std::initializer_list<Value> params = {}) {
        return run(sql, std::span<const Value>(params.begin(), params.size()));
    }
    [[nodiscard]] core::result<Rows> query(std::string_view sql, std::span<const Value> params) {
        return run(sql, params);
    }
    /// Runs a statement and returns the number of rows it changed.
    [[nodiscard]] core::result<std::int64_t> exec(std::string_view sql,
                                                  std::initializer_list<Value> params = {}) {
        SEGNALA_TRY(rows, run(sql, std::span<const Value>(params.begin(), params.size())));
        return rows.changes;
    }

    virtual Dialect dialect() const = 0;

  protected:
    virtual core::result<Rows> run(std::string_view sql, std::span<const Value> params) = 0;
};

/// A database: a way to run functions in read or write transactions. Thread-safe.
class Database {
  public:
    using TxFn = std::function<core::result<void>(Tx&)>;

    virtual ~Database() = default;

    /// Runs fn in a read-only transaction on a reader connection (consistent snapshot).
    /// Blocks. Returns fn's error, or the backend's.
    [[nodiscard]] virtual core::result<void> read(const TxFn& fn) = 0;

    /// Runs fn inside a write transaction and returns only after COMMIT is durable. When fn
    /// fails, only its own work is rolled back and its error is returned. Blocks.
    /// errc::unavailable after close().
    [[nodiscard]] virtual core::result<void> write(TxFn fn) = 0;

    using WriteDone = std::function<void(core::result<void>)>;

    /// write() without waiting: `done` gets what write() would have returned. With a writer
    /// thread (async_writes()), fn is queued and `done` runs on the writer after the COMMIT:
    /// it must be quick and must neither block nor write. Otherwise (the default) fn runs here
    /// and `done` before this returns, so a caller that must not block checks async_writes().
    virtual void write_async(TxFn fn, WriteDone done) { done(write(std::move(fn))); }
    /// Whether write_async returns without waiting for the database.
    virtual bool async_writes() const { return false; }

    virtual Dialect dialect() const = 0;
    virtual StoreStats stats() const = 0;

    /// Finishes queued writes and releases connections; later calls fail with unavailable.
    virtual void close() = 0;

    /// read()/write() returning a value: fn is `core::result<T>(Tx&)`.
    template <class T, class F>
    [[nodiscard]] core::result<T> read_as(F&& fn) {
        std::optional<T> out;
        auto r = read([&](Tx& tx) -> core::result<void> {
            SEGNALA_TRY(v, fn(tx));
            out.emplace(std::move(v));
            return core::success();
        });
        if (!r) {
            return r.error();
        }
        return std::move(*out);
    }
    template <class T, class F>
    [[nodiscard]] core::result<T> write_as(F&& fn) {
        std::optional<T> out;
        auto r = write([&](Tx& tx) -> core::result<void> {
            SEGNALA_TRY(v, fn(tx));
            out.emplace(std::move(v));
            return core::success();
        });
        if (!r) {
            return r.error();
        }
        return std::move(*out);
    }
};

/// Thread-safe accumulator of commit latency and batch size, shared by the backends.
class CommitStats {
  public:
    CommitStats();
    /// One COMMIT of a group of `batch` write functions, `committed` of which succeeded, that
    /// took `latency_us` from BEGIN to durable COMMIT.
    void record(std::uint64_t latency_us, std::uint64_t batch, std::uint64_t committed);
    StoreStats snapshot() const;

  private:
    mutable std::mutex mutex_;
    StoreStats stats_;
};

}  // namespace segnala::store
