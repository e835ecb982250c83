// Dashboard figures on fixed data, on both backends: hourly counts, open cases by status,
// triage medians (odd and even counts), top domains, and CSAM left out when asked.
#include <map>

#include <gtest/gtest.h>

#include "store/dbtest_support.hpp"
#include "store/statistics.hpp"

namespace segnala::store {
namespace {

constexpr std::int64_t kDay0 = 1'700'006'400;  // 2023-11-15 00:00 UTC, a multiple of 3600

class StatisticsTest : public testing::BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        ASSERT_TRUE(store().migrate());
    }

    /// A case; returns its id (ids are 1, 2, … in insertion order).
    std::int64_t add_case(const std::string& domain, const std::string& category,
                          const std::string& status, std::int64_t first_seen,
                          std::int64_t first_triage_at = 0, std::int64_t reports = 1,
                          std::int64_t merged_into = 0) {
        ++cases_;
        // As the store keeps it: merging a case closes it (open = 0), its status stays.
        const bool open = merged_into == 0 &&
                          (status == "received" || status == "in_review" || status == "confirmed");
        sql("INSERT INTO cases (url_hash, canonical_url, host, registrable_domain, category, "
            "status, status_at, report_count, first_seen, last_seen, priority, open, restricted, "
            "first_triage_at, merged_into) VALUES ('h" +
            std::to_string(cases_) + "', 'http://x" + std::to_string(cases_) + "." + domain +
            "/', 'x." + domain + "', '" + domain + "', '" + category + "', '" + status + "', " +
            std::to_string(first_seen) + ", " + std::to_string(reports) + ", " +
            std::to_string(first_seen) + ", " + std::to_string(first_seen) + ", " +
            std::to_string(first_seen) + ", " + (open ? "1" : "0") + ", " +
            (category == "csam" ? "1" : "0") + ", " + std::to_string(first_triage_at) + ", " +
            std::to_string(merged_into) + ")");
        return cases_;
    }
    void add_report(std::int64_t case_id, const std::string& category, std::int64_t at) {
        ++reports_;
        sql("INSERT INTO reports (code, case_id, category, channel, created_at) VALUES ('R" +
            std::to_string(reports_) + "', " + std::to_string(case_id) + ", '" + category +
            "', 'web', " + std::to_string(at) + ")");
    }

    std::int64_t cases_ = 0;
    std::int64_t reports_ = 0;
};

TEST_P(StatisticsTest, ReportsPerHourByCategory) {
    const auto phish = add_case("example.com", "phishing", "received", kDay0);
    const auto spam = add_case("spam.it", "spam", "received", kDay0);
    const auto csam = add_case("bad.example", "csam", "received", kDay0);
    add_report(phish, "phishing", kDay0 + 10);
    add_report(phish, "phishing", kDay0 + 3599);
    add_report(phish, "phishing", kDay0 + 3600);
    add_report(spam, "spam", kDay0 + 7200);
    add_report(csam, "csam", kDay0 + 20);
    // A report filed as phishing whose case became CSAM is CSAM for the figures.
    add_report(csam, "phishing", kDay0 + 30);
    add_report(phish, "phishing", kDay0 - 1);      // before the window
    add_report(phish, "phishing", kDay0 + 86400);  // at its end (excluded)

    auto all = reports_per_hour(db(), kDay0, kDay0 + 86400, true).value();
    std::map<std::pair<std::string, std::int64_t>, std::int64_t> got;
    for (const auto& h : all) {
        got[{h.category, h.hour}] = h.reports;
    }
    const std::int64_t h0 = kDay0 / 3600;
    EXPECT_EQ(got.size(), 4u);
    EXPECT_EQ((got[{"phishing", h0}]), 3);  // two of its case, one of the CSAM case
    EXPECT_EQ((got[{"phishing", h0 + 1}]), 1);
    EXPECT_EQ((got[{"spam", h0 + 2}]), 1);
    EXPECT_EQ((got[{"csam", h0}]), 1);
    // Ordered by hour.
    for (std::size_t i = 1; i < all.size(); ++i) {
        EXPECT_LE(all[i - 1].hour, all[i].hour);
    }

    auto safe = reports_per_hour(db(), kDay0, kDay0 + 86400, false).value();
    got.clear();
    for (const auto& h : safe) {
        got[{h.category, h.hour}] = h.reports;
    }
    EXPECT_EQ(got.size(), 3u);
    EXPECT_EQ((got[{"phishing", h0}]), 2);
    EXPECT_EQ((got[{"phishing", h0 + 1}]), 1);
    EXPECT_EQ((got[{"spam", h0 + 2}]), 1);
    EXPECT_FALSE(got.contains({"csam", h0}));
}

TEST_P(StatisticsTest, OpenCasesByStatus) {
    add_case("a.com", "phishing", "received", kDay0);
    add_case("a.com", "phishing", "received", kDay0);
    add_case("b.com", "fraud", "in_review", kDay0);
    add_case("c.com", "spam", "closed", kDay0);
    add_case("d.com", "csam", "received", kDay0);
    add_case("e.com", "phishing", "received", kDay0, 0, 1, /*merged_into=*/1);

    auto count_of = [](const std::vector<StatusCount>& v) {
        std::map<std::string, std::int64_t> m;
        for (const auto& s : v) {
            m[s.status] = s.cases;
        }
        return m;
    };
    auto all = count_of(open_cases_by_status(db(), true).value());
    EXPECT_EQ(all.size(), 2u);
    EXPECT_EQ(all["received"], 3);
    EXPECT_EQ(all["in_review"], 1);
    auto safe = count_of(open_cases_by_status(db(), false).value());
    EXPECT_EQ(safe["received"], 2);
    EXPECT_EQ(safe["in_review"], 1);
}

TEST_P(StatisticsTest, TriageMediansOddAndEven) {
    // phishing: waits 100, 300, 200 -> median 200 (odd); one untriaged.
    add_case("a.com", "phishing", "confirmed", kDay0, kDay0 + 100);
    add_case("a.com", "phishing", "confirmed", kDay0, kDay0 + 300);
    add_case("a.com", "phishing", "confirmed", kDay0 + 5, kDay0 + 205);
    add_case("a.com", "phishing", "received", kDay0);
    // spam: waits 10, 40, 20, 1000 -> median (20 + 40) / 2 = 30 (even).
    add_case("s.com", "spam", "closed", kDay0, kDay0 + 10);
    add_case("s.com", "spam", "closed", kDay0, kDay0 + 40);
    add_case("s.com", "spam", "closed", kDay0, kDay0 + 20);
    add_case("s.com", "spam", "closed", kDay0, kDay0 + 1000);
    // Before the window: not counted.
    add_case("s.com", "spam", "closed", kDay0 - 100, kDay0 + 100000);
    // CSAM: waits 60 and 120 -> 90.
    add_case("c.com", "csam", "confirmed", kDay0, kDay0 + 60);
    add_case("c.com", "csam", "confirmed", kDay0, kDay0 + 120);

    auto all = triage_times(db(), kDay0, true).value();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].category, "csam");
    EXPECT_EQ(all[0].cases, 2);
    EXPECT_EQ(all[0].median_seconds, 90);
    EXPECT_EQ(all[1].category, "phishing");
    EXPECT_EQ(all[1].cases, 3);
    EXPECT_EQ(all[1].median_seconds, 200);
    EXPECT_EQ(all[1].untriaged, 1);
    EXPECT_EQ(all[2].category, "spam");
    EXPECT_EQ(all[2].cases, 4);
    EXPECT_EQ(all[2].median_seconds, 30);
    EXPECT_EQ(all[2].untriaged, 0);

    auto safe = triage_times(db(), kDay0, false).value();
    ASSERT_EQ(safe.size(), 2u);
    EXPECT_EQ(safe[0].category, "phishing");
    EXPECT_EQ(safe[1].category, "spam");
}

TEST_P(StatisticsTest, TopDomainsOfOpenCases) {
    for (int i = 0; i < 3; ++i) {
        add_case("many.com", "phishing", "received", kDay0, 0, 2);
    }
    add_case("two.it", "fraud", "in_review", kDay0, 0, 5);
    add_case("two.it", "fraud", "received", kDay0, 0, 1);
    add_case("alpha.org", "spam", "received", kDay0);
    add_case("beta.org", "spam", "received", kDay0);
    add_case("closed.com", "spam", "closed", kDay0);
    add_case("", "malware", "received", kDay0);
    add_case("csam.example", "csam", "received", kDay0);
    add_case("csam.example", "csam", "received", kDay0);
    add_case("csam.example", "csam", "received", kDay0);
    add_case("csam.example", "csam", "received", kDay0);

    auto top = top_domains(db(), 3, false).value();
    ASSERT_EQ(top.size(), 3u);
    EXPECT_EQ(top[0].domain, "many.com");
    EXPECT_EQ(top[0].cases, 3);
    EXPECT_EQ(top[0].reports, 6);
    EXPECT_EQ(top[1].domain, "two.it");
    EXPECT_EQ(top[1].cases, 2);
    EXPECT_EQ(top[1].reports, 6);
    EXPECT_EQ(top[2].domain, "alpha.org");  // ties broken by name

    auto with = top_domains(db(), 20, true).value();
    ASSERT_EQ(with.size(), 5u);
    EXPECT_EQ(with[0].domain, "csam.example");
    for (const auto& d : with) {
        EXPECT_NE(d.domain, "closed.com");
        EXPECT_NE(d.domain, "");
    }
    EXPECT_FALSE(top_domains(db(), 0, true));
}

TEST_P(StatisticsTest, EmptyDatabase) {
    EXPECT_TRUE(reports_per_hour(db(), 0, kDay0, true).value().empty());
    EXPECT_TRUE(open_cases_by_status(db(), false).value().empty());
    EXPECT_TRUE(triage_times(db(), 0, true).value().empty());
    EXPECT_TRUE(top_domains(db(), 20, false).value().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, StatisticsTest, ::testing::Values("sqlite", "postgres"),
                         testing::backend_name);

}  // namespace
}  // namespace segnala::store
