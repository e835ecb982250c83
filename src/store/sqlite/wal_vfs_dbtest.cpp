// The SQLite backend's file layer: the WAL-gathering VFS (wal_vfs.hpp), the in-memory
// sub-journal and the checkpointer thread. What SQLite wrote through them must read back the
// same through SQLite's own default VFS, and the log must stay bounded under load.
#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/database.hpp"
#include "store/sqlite/sqlite_database.hpp"
#include "store/sqlite/wal_vfs.hpp"

namespace segnala::store {
namespace {

using core::errc;

class WalVfsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() /
               ("segnala-walvfs-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override {
        if (db_) {
            db_->close();
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    std::string path() const { return (dir_ / "t.db").string(); }

    Database& open(SqliteSettings s = {}) {
        s.path = path();
        auto db = open_sqlite(s);
        EXPECT_TRUE(db) << db.error().message();
        db_ = std::move(db).value();
        EXPECT_TRUE(db_->write([](Tx& tx) -> core::result<void> {
            SEGNALA_TRY(n, tx.exec("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, "
                                   "k TEXT NOT NULL UNIQUE, payload BLOB NOT NULL)"));
            (void)n;
            return core::success();
        }));
        return *db_;
    }

    static std::string payload(std::int64_t id, std::size_t size) {
        std::string p(size, '\0');
        std::mt19937_64 g(static_cast<std::uint64_t>(id));
        for (auto& c : p) {
            c = static_cast<char>(g());
        }
        return p;
    }

    core::result<void> insert(Database& db, std::int64_t id, std::size_t size) {
        return db.write([&](Tx& tx) -> core::result<void> {
            SEGNALA_TRY(n, tx.exec("INSERT INTO items (id, k, payload) VALUES ($1, $2, $3)",
                                   {id, "k" + std::to_string(id), Blob{payload(id, size)}}));
            (void)n;
            return core::success();
        });
    }

    /// Reads the file back with SQLite's default VFS: integrity, row count and every payload.
    void expect_intact(std::int64_t rows, std::size_t size) {
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open_v2(path().c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        auto one = [&](const char* sql) {
            sqlite3_stmt* st = nullptr;
            EXPECT_EQ(sqlite3_prepare_v2(raw, sql, -1, &st, nullptr), SQLITE_OK);
            EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
            std::string out(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
            sqlite3_finalize(st);
            return out;
        };
        EXPECT_EQ(one("PRAGMA integrity_check"), "ok");
        EXPECT_EQ(one("SELECT COUNT(*) FROM items"), std::to_string(rows));
        sqlite3_stmt* st = nullptr;
        ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT id, payload FROM items", -1, &st, nullptr),
                  SQLITE_OK);
        int bad = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            const auto id = sqlite3_column_int64(st, 0);
            const std::string got(static_cast<const char*>(sqlite3_column_blob(st, 1)),
                                  static_cast<std::size_t>(sqlite3_column_bytes(st, 1)));
            bad += got == payload(id, size) ? 0 : 1;
        }
        sqlite3_finalize(st);
        EXPECT_EQ(bad, 0);
        sqlite3_close_v2(raw);
    }

    std::filesystem::path dir_;
    std::unique_ptr<Database> db_;
};

TEST_F(WalVfsTest, GroupCommitsReachTheDiskInFewWritesAndReadBackIntact) {
    Database& db = open({.checkpoint_frames = 40, .writer_checkpoint_frames = 400});
    const auto before = sqlite::wal_vfs_counters();
    constexpr int kThreads = 8;
    constexpr int kEach = 150;
    std::vector<std::thread> threads;
    std::atomic<int> failed{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                failed += insert(db, t * kEach + i + 1, 1500) ? 0 : 1;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(failed.load(), 0);
    const auto after = sqlite::wal_vfs_counters();
    const auto writes = after.writes - before.writes;
    const auto flushes = after.flushes - before.flushes;
    // Two writes per page per commit reach the VFS; a commit goes out in one or a few.
    EXPECT_GT(writes, 1000u);
    EXPECT_LT(flushes * 4, writes);
    // The checkpointer kept the log far below what 1,200 pages of payload would make it.
    const auto wal = std::filesystem::file_size(path() + "-wal");
    EXPECT_LT(wal, 600u * 4120u);
    db.close();
    db_.reset();
    expect_intact(kThreads * kEach, 1500);
}

TEST_F(WalVfsTest, ATransactionLargerThanTheBufferAndTheCacheReadsBackIntact) {
    Database& db = open();
    // 24 MiB in one transaction with a 40-page cache: SQLite spills pages into the log before
    // COMMIT, reads them back, and rewrites some in place; the buffer fills more than once.
    constexpr std::int64_t kRows = 6000;
    ASSERT_TRUE(db.write([&](Tx& tx) -> core::result<void> {
        SEGNALA_TRY(c, tx.exec("PRAGMA cache_size=40"));
        (void)c;
        for (std::int64_t id = 1; id <= kRows; ++id) {
            SEGNALA_TRY(n, tx.exec("INSERT INTO items (id, k, payload) VALUES ($1, $2, $3)",
                                   {id, "k" + std::to_string(id), Blob{payload(id, 4000)}}));
            (void)n;
        }
        // Touch early pages again after they were spilled.
        SEGNALA_TRY(u, tx.exec("UPDATE items SET k = k || 'x' WHERE id % 7 = 0"));
        (void)u;
        return core::success();
    }));
    db.close();
    db_.reset();
    expect_intact(kRows, 4000);
}

TEST_F(WalVfsTest, AFailedFunctionInAGroupLeavesTheOthersAndNothingOfItsOwn) {
    Database& db = open();
    ASSERT_TRUE(insert(db, 1, 100));
    // Big enough that its savepoint journal leaves SQLite's memory for the VFS's.
    auto failing = db.write([&](Tx& tx) -> core::result<void> {
        for (std::int64_t id = 100; id < 400; ++id) {
            SEGNALA_TRY(n, tx.exec("INSERT INTO items (id, k, payload) VALUES ($1, $2, $3)",
                                   {id, "k" + std::to_string(id), Blob{payload(id, 1000)}}));
            (void)n;
        }
        SEGNALA_TRY(dup, tx.exec("INSERT INTO items (id, k, payload) VALUES (2, 'k1', x'00')"));
        (void)dup;
        return core::success();
    });
    EXPECT_EQ(failing.error(), errc::conflict);
    ASSERT_TRUE(insert(db, 2, 100));
    db.close();
    db_.reset();
    expect_intact(2, 100);
}

TEST_F(WalVfsTest, AFailedStatementUndoesOnlyItselfThroughTheJournalInMemory) {
    Database& db = open();
    const auto before = sqlite::wal_vfs_counters();
    // Three transactions, so that the second and third reuse the first one's journal buffer.
    for (std::int64_t round = 0; round < 3; ++round) {
        const std::int64_t first = round * 80 + 1;
        ASSERT_TRUE(db.write([&](Tx& tx) -> core::result<void> {
            auto add = [&](std::int64_t from, std::int64_t to) -> core::result<void> {
                for (std::int64_t id = from; id < to; ++id) {
                    SEGNALA_TRY(n,
                                tx.exec("INSERT INTO items (id, k, payload) VALUES ($1, $2, $3)",
                                        {id, "k" + std::to_string(id), Blob{payload(id, 3000)}}));
                    (void)n;
                }
                return core::success();
            };
            SEGNALA_TRYV(add(first, first + 40));
            // 20 small rows whose keys land among the ones above, the last a duplicate: SQLite
            // undoes this statement alone from its journal (a few pages, which SQLite would
            // otherwise keep in its own chunks), and the transaction goes on.
            auto failed = tx.exec(
                "WITH RECURSIVE n(i) AS (SELECT 100000 UNION ALL SELECT i + 1 FROM n "
                "WHERE i < 100019) INSERT INTO items (id, k, payload) SELECT i, CASE WHEN "
                "i = 100019 THEN 'k1' ELSE 'k' || i END, zeroblob(100) FROM n");
            EXPECT_FALSE(failed);
            return add(first + 40, first + 80);
        }));
    }
    EXPECT_GE(sqlite::wal_vfs_counters().subjournals, before.subjournals + 3);
    db.close();
    db_.reset();
    expect_intact(240, 3000);
}

TEST_F(WalVfsTest, TheWriterKeepsTheConfiguredPageCache) {
    Database& db = open({.writer_cache_kib = 12345});
    auto size = db.write_as<std::int64_t>([](Tx& tx) -> core::result<std::int64_t> {
        SEGNALA_TRY(r, tx.query("PRAGMA cache_size"));
        return r.int64(0, 0);
    });
    ASSERT_TRUE(size);
    EXPECT_EQ(size.value(), -12345);
}

TEST_F(WalVfsTest, ReadersSeeOnlyCommittedRowsWhileTheLogIsCopied) {
    Database& db = open({.checkpoint_frames = 20, .writer_checkpoint_frames = 200});
    std::atomic<bool> done{false};
    std::atomic<int> bad{0};
    std::thread reader([&] {
        std::int64_t last = 0;
        while (!done) {
            auto n = db.read_as<std::int64_t>([](Tx& tx) -> core::result<std::int64_t> {
                SEGNALA_TRY(r, tx.query("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM items"));
                // Ids are inserted in order, one per transaction: a snapshot is a prefix.
                return r.int64(0, 0) == r.int64(0, 1) ? r.int64(0, 0) : -1;
            });
            if (!n || n.value() < last) {
                ++bad;
            } else {
                last = n.value();
            }
        }
    });
    for (std::int64_t id = 1; id <= 600; ++id) {
        ASSERT_TRUE(insert(db, id, 2000));
    }
    done = true;
    reader.join();
    EXPECT_EQ(bad.load(), 0);
    db.close();
    db_.reset();
    expect_intact(600, 2000);
}

TEST_F(WalVfsTest, ALongReadHoldsTheCheckpointerBackWithoutMakingItSpin) {
    Database& db = open({.checkpoint_frames = 20, .writer_checkpoint_frames = 100000});
    for (std::int64_t id = 1; id <= 50; ++id) {
        ASSERT_TRUE(insert(db, id, 2000));
    }
    // A reader holding its snapshot: no checkpoint can copy past it.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path().c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "BEGIN; SELECT COUNT(*) FROM items;", nullptr, nullptr, nullptr),
              SQLITE_OK);
    for (std::int64_t id = 51; id <= 400; ++id) {
        ASSERT_TRUE(insert(db, id, 2000));
    }
    // Nothing is written now. A checkpointer going round without progress would burn this
    // process's CPU for the whole wait.
    auto cpu = [] {
        timespec t{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return t.tv_sec * 1000 + t.tv_nsec / 1'000'000;
    };
    const auto before = cpu();
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    EXPECT_LT(cpu() - before, 300);
    sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close_v2(raw);
    ASSERT_TRUE(insert(db, 401, 2000));
    db.close();
    db_.reset();
    expect_intact(401, 2000);
}

}  // namespace
}  // namespace segnala::store
