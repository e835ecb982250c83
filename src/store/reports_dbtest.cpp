// Reports, cases and idempotency on every backend, including concurrent writers racing on
// the same case and the same idempotency key.
#include <atomic>
#include <thread>

#include "store/dbtest_support.hpp"

namespace segnala::store {
namespace {

using core::errc;

class ReportsTest : public testing::BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure())
            return;
        ASSERT_TRUE(store().migrate());
    }
};

NewReport report(const std::string& code, const std::string& url, const std::string& category,
                 std::int64_t at) {
    NewReport r;
    r.code = code;
    r.category = category;
    r.channel = "web";
    r.lang = "it";
    r.created_at = at;
    r.description_sealed = std::string("\x01sealed\x00bytes", 13);
    NewReportUrl u;
    u.canonical = url;
    u.url_hash = "h:" + url;
    u.host = "example.com";
    u.registrable_domain = "example.com";
    u.original_sealed = "sealed-original";
    r.urls.push_back(u);
    return r;
}

TEST_P(ReportsTest, ReportsJoinCasesByUrlHash) {
    auto a = store().add_report(report("AAAA", "http://example.com/x", "phishing", 100));
    ASSERT_TRUE(a) << a.error().message();
    EXPECT_EQ(a.value().cases[0].report_count, 0);
    auto b = store().add_report(report("BBBB", "http://example.com/x", "phishing", 200));
    ASSERT_TRUE(b);
    EXPECT_EQ(b.value().cases[0].case_id, a.value().cases[0].case_id);
    EXPECT_EQ(b.value().cases[0].report_count, 1);
    EXPECT_EQ(b.value().cases[0].first_seen, 100);
    EXPECT_EQ(b.value().cases[0].status, "received");
    auto st = store().report_status("BBBB");
    ASSERT_TRUE(st);
    EXPECT_EQ(st.value().status, "received");
    EXPECT_EQ(store().report_status("ZZZZ").error(), errc::not_found);
    EXPECT_EQ(store().add_report(report("AAAA", "http://example.com/y", "spam", 300)).error(),
              errc::conflict);
    EXPECT_EQ(store().count_reports().value(), 2);
}

TEST_P(ReportsTest, CsamCategoryIsSticky) {
    ASSERT_TRUE(store().add_report(report("C1", "http://example.com/c", "phishing", 1)));
    auto b = store().add_report(report("C2", "http://example.com/c", "csam", 2));
    ASSERT_TRUE(b);
    EXPECT_EQ(b.value().cases[0].category, "csam");
    auto c = store().add_report(report("C3", "http://example.com/c", "spam", 3));
    EXPECT_EQ(c.value().cases[0].category, "csam");
}

TEST_P(ReportsTest, ConcurrentReportsOfOneUrlCountExactly) {
    constexpr int kThreads = 8;
    constexpr int kEach = 10;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                auto code = "T" + std::to_string(t) + "-" + std::to_string(i);
                if (!store().add_report(report(code, "http://example.com/hot", "fraud", i))) {
                    ++failures;
                }
            }
        });
    }
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(failures.load(), 0);
    auto last = store().add_report(report("LAST", "http://example.com/hot", "fraud", 99));
    ASSERT_TRUE(last);
    EXPECT_EQ(last.value().cases[0].report_count, kThreads * kEach);
}

TEST_P(ReportsTest, IdempotentBatchStoresOnceAndReplays) {
    std::vector<NewReport> batch = {report("I1", "http://example.com/1", "spam", 5),
                                    report("I2", "http://example.com/2", "spam", 5)};
    IdempotencyRecord idem{3, "retry-me", "hash"};
    auto render = [](const std::vector<StoredReport>& s) { return std::to_string(s.size()); };
    auto first = store().add_reports(batch, &idem, render, 5);
    ASSERT_TRUE(first) << first.error().message();
    EXPECT_FALSE(first.value().replayed);
    EXPECT_EQ(first.value().response, "2");
    auto again = store().add_reports(batch, &idem, render, 6);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again.value().replayed);
    EXPECT_EQ(again.value().response, "2");
    EXPECT_EQ(again.value().stored_request_hash, "hash");
    EXPECT_EQ(store().count_reports().value(), 2);
    // A failing report rolls back the whole batch.
    std::vector<NewReport> bad = {report("J1", "http://example.com/3", "spam", 7),
                                  report("I1", "http://example.com/4", "spam", 7)};
    EXPECT_EQ(store().add_reports(bad, nullptr, render, 7).error(), errc::conflict);
    EXPECT_EQ(store().count_reports().value(), 2);
    EXPECT_EQ(store().report_status("J1").error(), errc::not_found);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReportsTest, ::testing::Values("sqlite", "postgres"),
                         testing::backend_name);

}  // namespace
}  // namespace segnala::store
