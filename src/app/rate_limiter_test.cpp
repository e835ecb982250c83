// Token buckets per key (fake clock) and the per-client window over a real SQLite file.
#include "app/rate_limiter.hpp"

#include <filesystem>
#include <memory>
#include <random>

#include <gtest/gtest.h>

#include "store/database.hpp"
#include "store/sqlite/sqlite_database.hpp"
#include "store/store.hpp"

namespace segnala::app {
namespace {

class RateLimiterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() /
               ("segnala-rate-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
        auto db = store::open_sqlite({.path = (dir_ / "t.db").string()});
        ASSERT_TRUE(db) << db.error().message();
        db_ = std::move(db).value();
        store_ = std::make_unique<store::Store>(*db_);
        ASSERT_TRUE(store_->migrate());
        RateLimiterSettings s;
        s.client_lookups_per_window = 3;
        s.client_window_seconds = 60;
        limiter_ = std::make_unique<RateLimiter>(*store_, clock_, s);
    }
    void TearDown() override {
        limiter_.reset();
        store_.reset();
        if (db_) {
            db_->close();
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    std::filesystem::path dir_;
    core::FakeClock clock_{1'700'000'000};
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<RateLimiter> limiter_;
};

TEST_F(RateLimiterTest, ZeroRateIsUnlimited) {
    for (int i = 0; i < 10000; ++i) {
        ASSERT_TRUE(limiter_->allow_key(1, 0).allowed);
    }
}

TEST_F(RateLimiterTest, BucketAllowsBurstThenRefills) {
    for (int i = 0; i < 5; ++i) {
        EXPECT_TRUE(limiter_->allow_key(7, 5).allowed) << i;
    }
    auto refused = limiter_->allow_key(7, 5);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_after, 1);
    // Another key has its own bucket.
    EXPECT_TRUE(limiter_->allow_key(8, 5).allowed);
    clock_.advance(std::chrono::milliseconds(200));  // one token at 5/s
    EXPECT_TRUE(limiter_->allow_key(7, 5).allowed);
    EXPECT_FALSE(limiter_->allow_key(7, 5).allowed);
    clock_.advance(std::chrono::seconds(10));  // never more than the burst
    for (int i = 0; i < 5; ++i) {
        EXPECT_TRUE(limiter_->allow_key(7, 5).allowed) << i;
    }
    EXPECT_FALSE(limiter_->allow_key(7, 5).allowed);
}

TEST_F(RateLimiterTest, SlowRateAsksToWaitLonger) {
    clock_.set_unix(1'700'000'000);
    EXPECT_TRUE(limiter_->allow_key(3, 1).allowed);
    auto r = limiter_->allow_key(3, 1);
    EXPECT_FALSE(r.allowed);
    EXPECT_EQ(r.retry_after, 1);
}

TEST_F(RateLimiterTest, IdleBucketsAreSweptAndStartFull) {
    for (int i = 0; i < 2; ++i) {
        EXPECT_TRUE(limiter_->allow_key(9, 2).allowed);
    }
    EXPECT_FALSE(limiter_->allow_key(9, 2).allowed);
    clock_.advance(std::chrono::seconds(600));
    EXPECT_TRUE(limiter_->allow_key(10, 2).allowed);  // triggers the sweep
    EXPECT_TRUE(limiter_->allow_key(9, 2).allowed);
    EXPECT_TRUE(limiter_->allow_key(9, 2).allowed);
    EXPECT_FALSE(limiter_->allow_key(9, 2).allowed);
}

TEST_F(RateLimiterTest, ClientWindowIsSharedThroughTheStore) {
    clock_.set_unix(1'700'000'020);  // 20 s before the next minute starts
    for (int i = 0; i < 3; ++i) {
        auto d = limiter_->allow_client_lookup("abc");
        ASSERT_TRUE(d);
        EXPECT_TRUE(d.value().allowed);
    }
    auto refused = limiter_->allow_client_lookup("abc");
    ASSERT_TRUE(refused);
    EXPECT_FALSE(refused.value().allowed);
    EXPECT_EQ(refused.value().retry_after, 20);
    EXPECT_TRUE(limiter_->allow_client_lookup("other").value().allowed);
    // A second instance over the same database sees the same count.
    RateLimiter second(*store_, clock_, {.client_lookups_per_window = 3});
    EXPECT_FALSE(second.allow_client_lookup("abc").value().allowed);
    clock_.advance(std::chrono::seconds(20));
    EXPECT_TRUE(limiter_->allow_client_lookup("abc").value().allowed);
}

}  // namespace
}  // namespace segnala::app
