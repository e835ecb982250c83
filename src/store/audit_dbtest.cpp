// The hash-chained audit log: appends, verification, and tampering made directly in SQL.
#include <gtest/gtest.h>

#include "store/audit_hash.hpp"
#include "store/dbtest_support.hpp"

namespace segnala::store {
namespace {

class AuditTest : public testing::BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        ASSERT_TRUE(store().migrate());
    }
    void append(int n) {
        for (int i = 0; i < n; ++i) {
            ++count_;
            ASSERT_TRUE(store().append_audit(AuditEvent{
                count_ * 1000, "operator:1", "case.view", "case:" + std::to_string(count_),
                R"({"n":)" + std::to_string(count_) + "}"}));
        }
    }
    std::int64_t count_ = 0;
};

TEST_P(AuditTest, EmptyChainVerifies) {
    auto v = store().verify_audit().value();
    EXPECT_TRUE(v.ok);
    EXPECT_EQ(v.entries, 0);
}

TEST_P(AuditTest, AppendChainsEntries) {
    append(5);
    auto entries = store().list_audit(0, 100).value();
    ASSERT_EQ(entries.size(), 5u);
    EXPECT_EQ(entries[0].seq, 1);
    EXPECT_EQ(entries[0].prev_hash, "");
    for (std::size_t i = 0; i < entries.size(); ++i) {
        EXPECT_EQ(entries[i].seq, static_cast<std::int64_t>(i + 1));
        EXPECT_EQ(entries[i].hash, audit_hash(entries[i]));
        if (i > 0) {
            EXPECT_EQ(entries[i].prev_hash, entries[i - 1].hash);
        }
    }
    EXPECT_EQ(entries[2].object, "case:3");
    EXPECT_EQ(store().list_audit(3, 10).value().size(), 2u);
    EXPECT_EQ(store().list_audit(0, 2).value().size(), 2u);
    auto v = store().verify_audit().value();
    EXPECT_TRUE(v.ok);
    EXPECT_EQ(v.entries, 5);
    EXPECT_EQ(v.first_bad_seq, 0);
}

TEST_P(AuditTest, ConcurrentAppendsDoNotForkTheChain) {
    constexpr int kThreads = 8;
    constexpr int kEach = 20;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                EXPECT_TRUE(
                    store().append_audit(AuditEvent{i, "t" + std::to_string(t), "a", "o", "{}"}));
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    auto v = store().verify_audit().value();
    EXPECT_TRUE(v.ok) << v.reason << " at " << v.first_bad_seq;
    EXPECT_EQ(v.entries, kThreads * kEach);
}

TEST_P(AuditTest, EditedDetailIsHashMismatch) {
    append(5);
    sql("UPDATE audit_log SET detail = '{\"n\":0}' WHERE seq = 3");
    auto v = store().verify_audit().value();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.first_bad_seq, 3);
    EXPECT_EQ(v.reason, "hash mismatch");
    EXPECT_EQ(v.entries, 2);
}

TEST_P(AuditTest, DeletedMiddleRowIsSequenceGap) {
    append(5);
    sql("DELETE FROM audit_log WHERE seq = 3");
    auto v = store().verify_audit().value();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.first_bad_seq, 3);
    EXPECT_EQ(v.reason, "sequence gap");
}

TEST_P(AuditTest, DeletedRowWithRenumberingIsPrevHashMismatch) {
    append(5);
    sql("DELETE FROM audit_log WHERE seq = 3");
    sql("UPDATE audit_log SET seq = 3 WHERE seq = 4");
    sql("UPDATE audit_log SET seq = 4 WHERE seq = 5");
    auto v = store().verify_audit().value();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.first_bad_seq, 3);
    EXPECT_EQ(v.reason, "prev_hash mismatch");
}

TEST_P(AuditTest, SwappedSeqIsPrevHashMismatch) {
    append(5);
    sql("UPDATE audit_log SET seq = -1 WHERE seq = 2");
    sql("UPDATE audit_log SET seq = 2 WHERE seq = 4");
    sql("UPDATE audit_log SET seq = 4 WHERE seq = -1");
    auto v = store().verify_audit().value();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.first_bad_seq, 2);
    EXPECT_EQ(v.reason, "prev_hash mismatch");
}

TEST_P(AuditTest, ForgedFirstRowIsFound) {
    append(2);
    sql("INSERT INTO audit_log (seq, at, actor, action, object, detail, prev_hash, hash) "
        "VALUES (0, 0, 'x', 'x', 'x', '{}', '', 'x')");
    auto v = store().verify_audit().value();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.first_bad_seq, 1);
    EXPECT_EQ(v.reason, "sequence gap");
}

TEST_P(AuditTest, AuditIsInTheSameTransactionAsTheChange) {
    // A failing change (duplicate username) must leave no audit entry behind.
    AuditEvent e{1, "cli", "operator.create", "operator:a", "{}"};
    ASSERT_TRUE(store().create_operator(NewOperator{"a", "admin", "", "h", true}, e));
    ASSERT_FALSE(store().create_operator(NewOperator{"a", "admin", "", "h", true}, e));
    EXPECT_EQ(store().list_audit(0, 10).value().size(), 1u);
    EXPECT_FALSE(store().append_audit(AuditEvent{1, "cli", "", "o", "{}"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditTest, ::testing::Values("sqlite", "postgres"),
                         testing::backend_name);

}  // namespace
}  // namespace segnala::store
