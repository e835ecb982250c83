#include "store/sqlite/sqlite_database.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <future>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "store/sqlite/sqlite_connection.hpp"

namespace segnala::store {
namespace {

using core::errc;
using sqlite::Connection;
using sqlite::ConnectionTx;

constexpr const char* kBegin = "BEGIN IMMEDIATE";
constexpr const char* kBeginRead = "BEGIN DEFERRED";
constexpr const char* kCommit = "COMMIT";
constexpr const char* kRollback = "ROLLBACK";
constexpr const char* kSavepoint = "SAVEPOINT w";
constexpr const char* kRelease = "RELEASE w";
constexpr const char* kRollbackTo = "ROLLBACK TO w";
// What is left of the log for the writer to copy itself before it can start the log over.
constexpr int kWriterTailFrames = 128;

// Runs fn, turning an escaped exception (a bug) into errc::internal so one bad function cannot
// take down the writer thread or its batch.
core::result<void> call(const Database::TxFn& fn, Tx& tx) {
    try {
        return fn(tx);
    } catch (const std::exception& e) {
        spdlog::error("store: write function threw: {}", e.what());
    } catch (...) {
        spdlog::error("store: write function threw");
    }
    return errc::internal;
}

class SqliteDatabase final : public Database {
  public:
    SqliteDatabase(SqliteSettings settings, std::unique_ptr<Connection> writer,
                   std::unique_ptr<Connection> checkpointer)
        : settings_(std::move(settings)),
          writer_conn_(std::move(writer)),
          checkpointer_conn_(std::move(checkpointer)) {
        writer_conn_->on_commit([this](int frames) { after_commit(frames); });
        checkpointer_ = std::thread([this] { checkpointer_loop(); });
        writer_ = std::thread([this] { writer_loop(); });
        writer_id_ = writer_.get_id();
    }
    ~SqliteDatabase() override { close(); }

    core::result<void> read(const TxFn& fn) override;
    core::result<void> write(TxFn fn) override;
    void write_async(TxFn fn, WriteDone done) override;
    bool async_writes() const override { return true; }
    Dialect dialect() const override { return Dialect::sqlite; }
    StoreStats stats() const override { return stats_.snapshot(); }
    void close() override;

  private:
    struct Job {
        TxFn fn;
        WriteDone done;
    };

    void writer_loop();
    void run_batch(std::vector<Job>& batch);
    void after_commit(int frames);
    void checkpointer_loop();
    core::result<std::unique_ptr<Connection>> take_reader();
    void give_back_reader(std::unique_ptr<Connection> c);

    SqliteSettings settings_;
    CommitStats stats_;

    std::mutex queue_mutex_;
    std::condition_variable queue_cv_;
    std::deque<Job> queue_;
    bool closing_ = false;
    std::unique_ptr<Connection> writer_conn_;  // used only by writer_
    std::thread writer_;
    std::thread::id writer_id_;

    std::mutex checkpoint_mutex_;
    std::condition_variable checkpoint_cv_;
    bool checkpoint_wanted_ = false;
    bool checkpointer_closing_ = false;
    std::unique_ptr<Connection> checkpointer_conn_;  // used only by checkpointer_
    std::thread checkpointer_;
    std::atomic<int> copied_{0};  // frames of the log the checkpointer has copied
    std::atomic<int> frames_{0};  // frames in the log after the last COMMIT

    std::mutex readers_mutex_;
    std::vector<std::unique_ptr<Connection>> idle_readers_;
    bool readers_closed_ = false;
};

core::result<void> SqliteDatabase::write(TxFn fn) {
    if (std::this_thread::get_id() == writer_id_) {
        // A write function that writes again would wait for itself forever.
        spdlog::error("store: nested write() from inside a write function");
        return errc::internal;
    }
    std::promise<core::result<void>> promise;
    auto done = promise.get_future();
    write_async(std::move(fn),
                [&promise](core::result<void> r) { promise.set_value(std::move(r)); });
    return done.get();
}

void SqliteDatabase::write_async(TxFn fn, WriteDone done) {
    bool queued = false;
    {
        std::lock_guard lock(queue_mutex_);
        if (!closing_) {
            queue_.push_back(Job{std::move(fn), std::move(done)});
            queued = true;
        }
    }
    if (queued) {
        queue_cv_.notify_one();
    } else {
        done(errc::unavailable);
    }
}

void SqliteDatabase::writer_loop() {
    std::vector<Job> batch;
    for (;;) {
        {
            std::unique_lock lock(queue_mutex_);
            queue_cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
            if (queue_.empty()) {
                return;  // closing and drained
            }
            const auto max = static_cast<std::size_t>(std::max(1, settings_.max_batch));
            while (!queue_.empty() && batch.size() < max) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        run_batch(batch);
        batch.clear();
    }
}

// Group commit: every queued function runs under its own SAVEPOINT inside one transaction, so a
// failing one is rolled back alone; one COMMIT (one fsync) then makes the whole group durable.
void SqliteDatabase::run_batch(std::vector<Job>& batch) {
    const auto start = std::chrono::steady_clock::now();
    Connection& c = *writer_conn_;
    ConnectionTx tx(c);
    std::vector<core::result<void>> results(batch.size(), core::result<void>(core::success()));
    std::size_t first_in_tx = 0;  // jobs [first_in_tx, i) belong to the open transaction

    auto begin = c.exec(kBegin);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (!begin) {
            results[i] = begin.error();
            if (i + 1 < batch.size()) {
                first_in_tx = i + 1;
                begin = c.exec(kBegin);
            }
            continue;
        }
        if (auto sp = c.exec(kSavepoint); !sp) {
            results[i] = sp.error();
            continue;
        }
        results[i] = call(batch[i].fn, tx);
        if (results[i]) {
            if (auto rel = c.exec(kRelease); !rel) {
                results[i] = rel.error();
            }
        }
        if (!results[i]) {
            if (c.autocommit()) {
                // SQLite rolled the whole transaction back (I/O error, disk full): the earlier
                // functions of this group are lost too; tell their callers.
                for (std::size_t j = first_in_tx; j < i; ++j) {
                    if (results[j]) {
                        results[j] = errc::unavailable;
                    }
                }
                first_in_tx = i + 1;
                begin = c.exec(kBegin);
            } else {
                (void)c.exec(kRollbackTo);
                (void)c.exec(kRelease);
            }
        }
    }
    std::size_t committed = 0;
    if (begin) {
        if (auto commit = c.exec(kCommit); !commit) {
            spdlog::error("sqlite: COMMIT failed: {}", commit.error().message());
            if (!c.autocommit()) {
                (void)c.exec(kRollback);
            }
            for (std::size_t j = first_in_tx; j < batch.size(); ++j) {
                if (results[j]) {
                    results[j] = commit.error();
                }
            }
        }
    }
    for (const auto& r : results) {
        committed += r ? 1 : 0;
    }
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    stats_.record(static_cast<std::uint64_t>(us), batch.size(), committed);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        try {
            batch[i].done(std::move(results[i]));
        } catch (const std::exception& e) {
            spdlog::error("store: write completion threw: {}", e.what());
        } catch (...) {
            spdlog::error("store: write completion threw");
        }
    }
}

// Runs on the writer after each COMMIT, in place of SQLite's automatic checkpoint, which
// copies the log into the database file on the writer, one write per page, while every queued
// request waits (a third of the writer's time under load). The checkpointer thread copies the
// log, pass after pass, until only a few pages are left; the writer copies those (a millisecond
// or two), so that the log is wholly copied and the next transaction starts it over from the
// beginning instead of letting it grow.
void SqliteDatabase::after_commit(int frames) {
    if (frames < frames_.exchange(frames)) {
        copied_.store(0);  // the log started over
    }
    if (frames >= settings_.writer_checkpoint_frames) {
        // The checkpointer cannot keep up: copy and restart the log here, so that it stops
        // growing. Waits for readers (busy timeout) while this batch's callers wait too.
        (void)writer_conn_->checkpoint(SQLITE_CHECKPOINT_RESTART);
        return;
    }
    if (frames < settings_.checkpoint_frames) {
        return;
    }
    const int copied = copied_.load();
    if (copied <= frames && frames - copied <= kWriterTailFrames) {
        (void)writer_conn_->checkpoint(SQLITE_CHECKPOINT_PASSIVE);
        return;
    }
    {
        std::lock_guard lock(checkpoint_mutex_);
        if (checkpoint_wanted_) {
            return;
        }
        checkpoint_wanted_ = true;
    }
    checkpoint_cv_.notify_one();
}

void SqliteDatabase::checkpointer_loop() {
    for (;;) {
        {
            std::unique_lock lock(checkpoint_mutex_);
            checkpoint_cv_.wait(lock,
                                [this] { return checkpointer_closing_ || checkpoint_wanted_; });
            if (checkpointer_closing_) {
                return;
            }
        }
        // PASSIVE copies what is committed without blocking the writer or the readers. While
        // the writer keeps adding more than the writer's share, go again at once, unless the
        // pass made no progress (a long read holds the oldest pages back): then wait for the
        // next COMMIT to ask again.
        bool again = false;
        const int before = copied_.load();
        if (auto done = checkpointer_conn_->checkpoint(SQLITE_CHECKPOINT_PASSIVE)) {
            const int copied = done.value().copied;
            copied_.store(copied);
            again = copied > before && frames_.load() - copied > kWriterTailFrames;
        }
        if (!again) {
            std::lock_guard lock(checkpoint_mutex_);
            checkpoint_wanted_ = false;
        }
    }
}

core::result<std::unique_ptr<Connection>> SqliteDatabase::take_reader() {
    {
        std::lock_guard lock(readers_mutex_);
        if (readers_closed_) {
            return errc::unavailable;
        }
        if (!idle_readers_.empty()) {
            auto c = std::move(idle_readers_.back());
            idle_readers_.pop_back();
            return c;
        }
    }
    return Connection::open(settings_.path, false, settings_.busy_timeout_ms);
}

void SqliteDatabase::give_back_reader(std::unique_ptr<Connection> c) {
    std::lock_guard lock(readers_mutex_);
    if (!readers_closed_ &&
        idle_readers_.size() < static_cast<std::size_t>(std::max(0, settings_.max_idle_readers))) {
        idle_readers_.push_back(std::move(c));
    }
}

core::result<void> SqliteDatabase::read(const TxFn& fn) {
    SEGNALA_TRY(c, take_reader());
    BOOST_OUTCOME_TRYV(c->exec(kBeginRead));
    ConnectionTx tx(*c);
    core::result<void> r = errc::internal;
    try {
        r = fn(tx);
    } catch (...) {
        (void)c->exec(kRollback);
        give_back_reader(std::move(c));
        throw;
    }
    if (!c->autocommit()) {
        (void)c->exec(r ? kCommit : kRollback);
    }
    give_back_reader(std::move(c));
    return r;
}

void SqliteDatabase::close() {
    {
        std::lock_guard lock(queue_mutex_);
        closing_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) {
        writer_.join();
    }
    {
        std::lock_guard lock(checkpoint_mutex_);
        checkpointer_closing_ = true;
    }
    checkpoint_cv_.notify_all();
    if (checkpointer_.joinable()) {
        checkpointer_.join();
    }
    checkpointer_conn_.reset();
    writer_conn_.reset();
    std::lock_guard lock(readers_mutex_);
    readers_closed_ = true;
    idle_readers_.clear();
}

}  // namespace

core::result<std::unique_ptr<Database>> open_sqlite(const SqliteSettings& settings) {
    if (settings.path.empty()) {
        spdlog::error("sqlite: empty database path");
        return errc::invalid_argument;
    }
    SEGNALA_TRY(writer, Connection::open(settings.path, true, settings.busy_timeout_ms));
    if (settings.writer_cache_kib > 0) {
        // Negative: a size in KiB rather than in pages.
        BOOST_OUTCOME_TRYV(
            writer->exec("PRAGMA cache_size=-" + std::to_string(settings.writer_cache_kib)));
    }
    SEGNALA_TRY(checkpointer, Connection::open(settings.path, false, settings.busy_timeout_ms));
    // A connection checkpoints only once it has read the database and so opened its log.
    SEGNALA_TRY(mode, checkpointer->run("PRAGMA journal_mode", {}));
    (void)mode;
    return std::unique_ptr<Database>(
        new SqliteDatabase(settings, std::move(writer), std::move(checkpointer)));
}

}  // namespace segnala::store
