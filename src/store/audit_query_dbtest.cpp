// Browsing the audit log on both backends: newest first, filters, keyset pages, and entries
// about CSAM cases (and their reports and attachments) hidden when asked.
#include <gtest/gtest.h>

#include "store/audit_query.hpp"
#include "store/dbtest_support.hpp"

namespace segnala::store {
namespace {

class AuditQueryTest : public testing::BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        ASSERT_TRUE(store().migrate());
    }
    void append(std::int64_t at_us, const std::string& actor, const std::string& action,
                const std::string& object) {
        ASSERT_TRUE(store().append_audit(AuditEvent{at_us, actor, action, object, "{}"}));
    }
    std::vector<std::int64_t> seqs(const AuditPage& p) {
        std::vector<std::int64_t> out;
        for (const auto& e : p.entries) {
            out.push_back(e.seq);
        }
        return out;
    }
};

TEST_P(AuditQueryTest, NewestFirstWithKeysetPages) {
    for (int i = 1; i <= 7; ++i) {
        append(i * 1000, "operator:1", "case.view", "case:" + std::to_string(i));
    }
    AuditQuery q;
    q.limit = 3;
    q.hide_restricted = false;
    auto p1 = query_audit(db(), q).value();
    EXPECT_EQ(seqs(p1), (std::vector<std::int64_t>{7, 6, 5}));
    EXPECT_EQ(p1.next_before, 5);
    EXPECT_EQ(p1.entries[0].object, "case:7");
    EXPECT_EQ(p1.entries[0].at, 7000);
    q.before_seq = p1.next_before;
    auto p2 = query_audit(db(), q).value();
    EXPECT_EQ(seqs(p2), (std::vector<std::int64_t>{4, 3, 2}));
    q.before_seq = p2.next_before;
    auto p3 = query_audit(db(), q).value();
    EXPECT_EQ(seqs(p3), (std::vector<std::int64_t>{1}));
    EXPECT_EQ(p3.next_before, 0);
    // A page that ends exactly at the last entry says there is no more.
    q.before_seq = 4;
    auto exact = query_audit(db(), q).value();
    EXPECT_EQ(seqs(exact), (std::vector<std::int64_t>{3, 2, 1}));
    EXPECT_EQ(exact.next_before, 0);
}

TEST_P(AuditQueryTest, Filters) {
    append(1'000'000, "operator:1", "session.login", "operator:1");
    append(2'000'000, "operator:2", "case.confirm", "case:9");
    append(3'000'000, "operator:1", "case.view", "case:9");
    append(4'000'000, "cli", "operator.create", "operator:2");
    append(5'000'000, "operator:1", "casefile.x", "case:10");
    AuditQuery q;
    q.hide_restricted = false;
    q.actor = "operator:1";
    EXPECT_EQ(seqs(query_audit(db(), q).value()), (std::vector<std::int64_t>{5, 3, 1}));
    q.actor.clear();
    q.action_prefix = "case.";
    EXPECT_EQ(seqs(query_audit(db(), q).value()), (std::vector<std::int64_t>{3, 2}));
    q.action_prefix = "case";
    EXPECT_EQ(seqs(query_audit(db(), q).value()), (std::vector<std::int64_t>{5, 3, 2}));
    q.action_prefix.clear();
    q.object = "case:9";
    EXPECT_EQ(seqs(query_audit(db(), q).value()), (std::vector<std::int64_t>{3, 2}));
    q.object.clear();
    q.from_us = 2'000'000;
    q.to_us = 4'000'000;
    EXPECT_EQ(seqs(query_audit(db(), q).value()), (std::vector<std::int64_t>{3, 2}));
    q.actor = "operator:2";
    EXPECT_EQ(seqs(query_audit(db(), q).value()), (std::vector<std::int64_t>{2}));
    q.actor = "operator:3";
    EXPECT_TRUE(query_audit(db(), q).value().entries.empty());
}

TEST_P(AuditQueryTest, RefusesBadQueries) {
    AuditQuery q;
    q.limit = 0;
    EXPECT_EQ(query_audit(db(), q).error(), core::errc::invalid_argument);
    q.limit = 10001;
    EXPECT_EQ(query_audit(db(), q).error(), core::errc::invalid_argument);
    q.limit = 10;
    q.action_prefix = "case' OR 1=1 --";
    EXPECT_EQ(query_audit(db(), q).error(), core::errc::invalid_argument);
    q.action_prefix.clear();
    q.from_us = -1;
    EXPECT_EQ(query_audit(db(), q).error(), core::errc::invalid_argument);
    // Values are bound, never spliced: a hostile object matches nothing.
    q.from_us = 0;
    q.object = "x' OR '1'='1";
    append(1, "operator:1", "a", "case:1");
    EXPECT_TRUE(query_audit(db(), q).value().entries.empty());
}

TEST_P(AuditQueryTest, RestrictedCasesHidden) {
    sql("INSERT INTO cases (url_hash, canonical_url, host, category, status_at, first_seen, "
        "last_seen, restricted) VALUES ('h1', 'http://a.com/', 'a.com', 'phishing', 1, 1, 1, 0)");
    sql("INSERT INTO cases (url_hash, canonical_url, host, category, status_at, first_seen, "
        "last_seen, restricted) VALUES ('h2', 'http://b.com/', 'b.com', 'csam', 1, 1, 1, 1)");
    sql("INSERT INTO reports (code, case_id, category, channel, created_at) "
        "VALUES ('R1', 1, 'phishing', 'web', 1)");
    sql("INSERT INTO reports (code, case_id, category, channel, created_at) "
        "VALUES ('R2', 2, 'csam', 'web', 1)");
    sql("INSERT INTO attachments (report_id, position, sha256, mime, size, width, height, "
        "original_sealed, preview_sealed, blurred_sealed, created_at) VALUES "
        "(2, 0, 'x', 'image/png', 1, 1, 1, 'a', 'b', 'c', 1)");
    append(1, "operator:1", "case.view", "case:1");              // 1
    append(2, "operator:1", "case.view", "case:2");              // 2 hidden
    append(3, "operator:1", "report.reveal", "report:2");        // 3 hidden
    append(4, "operator:1", "report.reveal", "report:1");        // 4
    append(5, "operator:1", "evidence.reveal", "attachment:1");  // 5 hidden
    for (int i = 0; i < 12; ++i) {
        append(6 + i, "operator:1", "case.view", "case:2");  // 6..17 hidden
    }
    append(18, "operator:1", "session.login", "operator:1");  // 18
    append(19, "operator:1", "case.view", "case:2x");         // 19 (not a case id)

    AuditQuery q;
    q.limit = 2;
    q.hide_restricted = true;
    auto p1 = query_audit(db(), q).value();
    EXPECT_EQ(seqs(p1), (std::vector<std::int64_t>{19, 18}));
    q.before_seq = p1.next_before;
    auto p2 = query_audit(db(), q).value();
    EXPECT_EQ(seqs(p2), (std::vector<std::int64_t>{4, 1}));
    EXPECT_EQ(p2.next_before, 0);

    q.before_seq = 0;
    q.limit = 50;
    q.hide_restricted = false;
    EXPECT_EQ(query_audit(db(), q).value().entries.size(), 19u);
    // Filtering on the hidden object shows nothing without the permission.
    q.hide_restricted = true;
    q.object = "case:2";
    EXPECT_TRUE(query_audit(db(), q).value().entries.empty());

    EXPECT_TRUE(is_restricted_object(db(), "case:2").value());
    EXPECT_TRUE(is_restricted_object(db(), "report:2").value());
    EXPECT_TRUE(is_restricted_object(db(), "attachment:1").value());
    EXPECT_FALSE(is_restricted_object(db(), "case:1").value());
    EXPECT_FALSE(is_restricted_object(db(), "operator:2").value());
    EXPECT_FALSE(is_restricted_object(db(), "case:").value());
}

TEST_P(AuditQueryTest, ManyHiddenEntriesStillMoveTheCursor) {
    sql("INSERT INTO cases (url_hash, canonical_url, host, category, status_at, first_seen, "
        "last_seen, restricted) VALUES ('h2', 'http://b.com/', 'b.com', 'csam', 1, 1, 1, 1)");
    append(1, "operator:1", "session.login", "operator:1");
    for (int i = 0; i < 40; ++i) {
        append(2 + i, "operator:1", "case.view", "case:1");
    }
    AuditQuery q;
    q.limit = 1;
    q.hide_restricted = true;
    // Each call reads a bounded number of pages; following the cursor reaches the entry.
    std::vector<std::int64_t> seen;
    for (int calls = 0; calls < 100; ++calls) {
        auto p = query_audit(db(), q).value();
        for (auto s : seqs(p)) {
            seen.push_back(s);
        }
        if (p.next_before == 0) {
            break;
        }
        ASSERT_LT(p.next_before, q.before_seq == 0 ? INT64_MAX : q.before_seq);
        q.before_seq = p.next_before;
    }
    EXPECT_EQ(seen, (std::vector<std::int64_t>{1}));
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditQueryTest, ::testing::Values("sqlite", "postgres"),
                         testing::backend_name);

}  // namespace
}  // namespace segnala::store
