// Test support for *_dbtest.cpp (header only, never part of the library): a fixture that opens
// a fresh database for each test on the backend named by the test parameter.
//   sqlite   a file in a new temporary folder
//   postgres SEGNALA_TEST_POSTGRES (scripts/start-postgres), a fresh schema t_<random> per
//            test, dropped afterwards; skipped when unset unless SEGNALA_REQUIRE_POSTGRES=1.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "store/database.hpp"
#include "store/postgres/postgres_database.hpp"
#include "store/sqlite/sqlite_database.hpp"
#include "store/store.hpp"

namespace segnala::store::testing {

inline std::string random_suffix() {
    std::random_device rd;
    std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
    static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string s;
    for (int i = 0; i < 12; ++i) {
        s += kChars[gen() % 36];
    }
    return s;
}

class BackendTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        if (GetParam() == "sqlite") {
            dir_ = std::filesystem::temp_directory_path() / ("segnala-store-" + random_suffix());
            std::filesystem::create_directories(dir_);
            auto db = open_sqlite(SqliteSettings{.path = (dir_ / "test.db").string()});
            ASSERT_TRUE(db) << db.error().message();
            db_ = std::move(db).value();
        } else {
            const char* url = std::getenv("SEGNALA_TEST_POSTGRES");
            if (url == nullptr || *url == '\0') {
                const char* require = std::getenv("SEGNALA_REQUIRE_POSTGRES");
                if (require != nullptr && std::string(require) == "1") {
                    FAIL() << "SEGNALA_REQUIRE_POSTGRES=1 but SEGNALA_TEST_POSTGRES is unset "
                              "(run scripts/start-postgres)";
                }
                GTEST_SKIP() << "SEGNALA_TEST_POSTGRES unset (run scripts/start-postgres)";
            }
            url_ = url;
            schema_ = "t_" + random_suffix();
            admin_exec("CREATE SCHEMA " + schema_);
            auto db = open_postgres(PostgresSettings{
                .conninfo = url_, .pool_size = 4, .schema = schema_, .application_name = schema_});
            ASSERT_TRUE(db) << db.error().message();
            db_ = std::move(db).value();
        }
        store_ = std::make_unique<Store>(*db_);
    }

    void TearDown() override {
        store_.reset();
        if (db_) {
            db_->close();
            db_.reset();
        }
        if (!schema_.empty()) {
            admin_exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
        }
        if (!dir_.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(dir_, ec);
        }
    }

    bool is_postgres() const { return GetParam() == "postgres"; }

    /// A statement on a connection outside the pool under test (schema setup, terminating
    /// the pool's backends).
    void admin_exec(const std::string& sql) {
        PostgresSettings settings;
        settings.conninfo = url_;
        settings.pool_size = 1;
        auto admin = open_postgres(settings);
        ASSERT_TRUE(admin) << admin.error().message();
        auto r = admin.value()->write([&](Tx& tx) -> core::result<void> {
            SEGNALA_TRY(rows, tx.query(sql));
            (void)rows;
            return core::success();
        });
        ASSERT_TRUE(r) << sql << ": " << r.error().message();
        admin.value()->close();
    }

    /// Runs one statement in its own write transaction on the database under test.
    void sql(const std::string& statement) {
        auto r = db_->write([&](Tx& tx) -> core::result<void> {
            SEGNALA_TRY(n, tx.exec(statement));
            (void)n;
            return core::success();
        });
        ASSERT_TRUE(r) << statement << ": " << r.error().message();
    }

    Database& db() { return *db_; }
    Store& store() { return *store_; }
    const std::string& schema() const { return schema_; }
    const std::filesystem::path& dir() const { return dir_; }

  private:
    std::filesystem::path dir_;
    std::string url_;
    std::string schema_;
    std::unique_ptr<Database> db_;
    std::unique_ptr<Store> store_;
};

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) {
    return info.param;
}

}  // namespace segnala::store::testing
