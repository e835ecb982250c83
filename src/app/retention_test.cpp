// Retention over a real SQLite file with a fake clock: the policy's days become cutoffs, an
// erased report keeps its URLs' words in the search index, expired sessions are purged; and
// the housekeeping thread runs its tasks, survives one that throws, and stops.
#include "app/retention.hpp"

#include <atomic>
#include <filesystem>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "app/auth.hpp"
#include "app/housekeeping.hpp"
#include "app/search_terms.hpp"
#include "store/database.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace segnala::app {
namespace {

constexpr std::int64_t kDay = 24 * 3600;

class RetentionApp : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() /
               ("segnala-retention-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
        db_ = store::open_sqlite({.path = (dir_ / "t.db").string()}).value();
        st_ = std::make_unique<store::Store>(*db_);
        ASSERT_TRUE(st_->migrate());
    }
    void TearDown() override {
        st_.reset();
        db_->close();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    /// A report received now, with a contact; returns its case.
    std::int64_t add(const std::string& code, const std::string& host) {
        store::NewReport r;
        r.code = code;
        r.category = "fraud";
        r.channel = "web";
        r.created_at = clock_.now_unix();
        r.contact_sealed = "sealed-contact";
        r.description_sealed = "sealed-description";
        r.search_terms = terms_.report_terms({"http://" + host + "/"}, "bonifico truffa");
        store::NewReportUrl u;
        u.canonical = "http://" + host + "/";
        u.url_hash = "h:" + host;
        u.host = host;
        u.registrable_domain = host;
        u.original_sealed = "s";
        r.urls.push_back(u);
        return st_->add_report(r).value().cases.front().case_id;
    }

    std::string one(const std::string& sql) {
        return db_
            ->read_as<std::string>([&](store::Tx& tx) -> core::result<std::string> {
                SEGNALA_TRY(rows, tx.query(sql));
                return rows.empty() ? std::string("none") : rows.text(0, 0);
            })
            .value();
    }

    void close_now(std::int64_t case_id) {
        ASSERT_TRUE(db_->write([&](store::Tx& tx) -> core::result<void> {
            SEGNALA_TRY(n, tx.exec("UPDATE cases SET open = 0, status = 'closed', status_at = $1 "
                                   "WHERE id = $2",
                                   {clock_.now_unix(), case_id}));
            (void)n;
            return core::success();
        }));
    }

    std::filesystem::path dir_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::Store> st_;
    core::FakeClock clock_{1'790'000'000};
    SearchTerms terms_{std::string(32, 'k')};
};

TEST_F(RetentionApp, DaysBecomeCutoffsAndSearchKeepsTheUrlWords) {
    Retention retention(*st_, terms_, clock_, {.contact_days = 30, .report_days = 365});
    const std::int64_t c = add("R1", "truffa-shop.example");
    close_now(c);
    clock_.advance(std::chrono::seconds(29 * kDay));
    EXPECT_EQ(retention.run().value().contacts, 0);  // closed 29 days ago
    clock_.advance(std::chrono::seconds(2 * kDay));
    auto n = retention.run().value();
    EXPECT_EQ(n.contacts, 1);
    EXPECT_EQ(n.reports, 0);
    EXPECT_EQ(one("SELECT contact_sealed IS NULL FROM reports"), "1");
    EXPECT_EQ(one("SELECT description_sealed IS NULL FROM reports"), "0");
    clock_.advance(std::chrono::seconds(335 * kDay));  // 366 days after closing
    n = retention.run().value();
    EXPECT_EQ(n.reports, 1);
    EXPECT_EQ(n.contacts, 0);  // already gone
    EXPECT_EQ(one("SELECT description_sealed IS NULL FROM reports"), "1");
    EXPECT_EQ(one("SELECT actor || ' ' || action FROM audit_log ORDER BY seq DESC LIMIT 1"),
              "system retention.erase");
    // The new terms are the URL's words as the intake makes them, without the description's.
    ASSERT_TRUE(st_->index_all_search_backlog());
    const std::string t = one("SELECT terms FROM report_search");
    EXPECT_EQ(t, terms_.report_terms({"http://truffa-shop.example/"}, ""));
    EXPECT_EQ(t.find(terms_.word_token("bonifico")), std::string::npos);
    EXPECT_NE(t.find("shop"), std::string::npos);
}

TEST_F(RetentionApp, ExpiredSessionsArePurged) {
    store::NewOperator op{"olga", "operator", "", "x", false};
    const auto id = st_->create_operator(
        op, {clock_.now_unix(), "cli", "operator.create", "operator:olga", "{}"});
    ASSERT_TRUE(id);
    const std::int64_t now = clock_.now_unix();
    store::AuditEvent login{now, "operator", "session.login", "operator", "{}"};
    ASSERT_TRUE(st_->record_login_success(id.value(), {"idle", id.value(), "c", now, now}, login));
    ASSERT_TRUE(st_->record_login_success(id.value(), {"busy", id.value(), "c", now, now}, login));
    Auth auth(*st_, clock_, AuthSettings{});
    clock_.advance(std::chrono::minutes(20));
    ASSERT_TRUE(st_->touch_session("busy", clock_.now_unix()));
    EXPECT_EQ(auth.purge_expired_sessions().value(), 0);
    clock_.advance(std::chrono::minutes(11));  // "idle" unused for 31 minutes
    EXPECT_EQ(auth.purge_expired_sessions().value(), 1);
    EXPECT_TRUE(st_->find_session("busy"));
    for (int i = 0; i < 12 * 3; ++i) {  // used every 20 minutes, but 12 hours old
        clock_.advance(std::chrono::minutes(20));
        ASSERT_TRUE(st_->touch_session("busy", clock_.now_unix()));
    }
    EXPECT_EQ(auth.purge_expired_sessions().value(), 1);
    EXPECT_FALSE(st_->find_session("busy"));
}

TEST(Housekeeping, RunsEveryTaskEachRoundEvenAfterOneThrows) {
    std::atomic<int> first{0};
    std::atomic<int> second{0};
    {
        Housekeeping h({{"throws",
                         [&] {
                             ++first;
                             throw std::runtime_error("boom");
                         }},
                        {"counts", [&] { ++second; }}},
                       std::chrono::milliseconds(5));
        for (int i = 0; i < 400 && h.rounds() < 3; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        EXPECT_GE(h.rounds(), 3);
    }
    const int after_stop = second.load();
    EXPECT_GE(after_stop, 3);
    EXPECT_EQ(first.load(), after_stop);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_EQ(second.load(), after_stop);  // stopped for good
}

TEST(Housekeeping, FirstRoundRunsAtOnceAndStopDoesNotWaitForThePeriod) {
    std::atomic<int> runs{0};
    const auto start = std::chrono::steady_clock::now();
    {
        Housekeeping h({{"once", [&] { ++runs; }}}, std::chrono::hours(1));
        for (int i = 0; i < 400 && h.rounds() < 1; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        EXPECT_EQ(h.rounds(), 1);
    }
    EXPECT_EQ(runs.load(), 1);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace segnala::app
