// Retention on every backend: what is erased, when, and what stays.
#include <fstream>
#include <iterator>
#include <thread>

#include "store/dbtest_support.hpp"

namespace segnala::store {
namespace {

using core::errc;

class RetentionTest : public testing::BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure())
            return;
        ASSERT_TRUE(store().migrate());
    }

    /// A report received at 100, with a description, a URL as typed, and optionally a contact
    /// and a screenshot; returns the ids of the cases of its URLs.
    std::vector<std::int64_t> add(const std::string& code, const std::vector<std::string>& urls,
                                  bool contact, bool screenshot = false) {
        NewReport r;
        r.code = code;
        r.category = "phishing";
        r.channel = "web";
        r.lang = "it";
        r.created_at = 100;
        r.description_sealed = "sealed-description-" + code;
        r.subject_sealed = "sealed-subject";
        r.contact_sealed = contact ? "sealed-contact-" + code : "";
        r.search_terms = "example com hdescriptionword";
        for (const auto& u : urls) {
            NewReportUrl nu;
            nu.canonical = "http://" + u + "/";
            nu.url_hash = "h:" + u;
            nu.host = u;
            nu.registrable_domain = u;
            nu.original_sealed = "sealed-typed-" + u;
            r.urls.push_back(nu);
        }
        if (screenshot) {
            NewAttachment a;
            a.sha256 = "ab12";
            a.mime = "image/png";
            a.size = 3;
            a.width = 1;
            a.height = 1;
            a.original_sealed = "orig";
            a.preview_sealed = "prev";
            a.blurred_sealed = "blur";
            r.attachments.push_back(a);
        }
        auto stored = store().add_report(r);
        EXPECT_TRUE(stored) << stored.error().message();
        std::vector<std::int64_t> cases;
        for (const auto& c : stored.value().cases) {
            cases.push_back(c.case_id);
        }
        return cases;
    }

    void close_case(std::int64_t id, std::int64_t at) {
        sql("UPDATE cases SET open = 0, status = 'closed', status_at = " + std::to_string(at) +
            " WHERE id = " + std::to_string(id));
    }

    std::string text(const std::string& query) {
        auto r = db().read_as<std::string>([&](Tx& tx) -> core::result<std::string> {
            SEGNALA_TRY(rows, tx.query(query));
            if (rows.empty() || rows.at(0, 0).is_null()) {
                return std::string("NULL");
            }
            return rows.text(0, 0);
        });
        EXPECT_TRUE(r) << query;
        return r ? r.value() : "";
    }

    std::string of_report(const std::string& column, const std::string& code) {
        return text("SELECT " + column + " FROM reports WHERE code = '" + code + "'");
    }

    core::result<ErasureCounts> erase(std::int64_t contact_before, std::int64_t details_before,
                                      int batch = 200) {
        AuditEvent audit{9000, "system", "retention.erase", "reports", ""};
        return store().erase_expired_reports(
            {contact_before, details_before, 9000},
            [](const std::vector<std::string>& urls) {
                std::string terms;
                for (const auto& u : urls) {
                    terms +=
                        (terms.empty() ? "" : " ") + std::string("url ") + std::to_string(u.size());
                }
                return terms;
            },
            audit, batch);
    }

    int audit_entries() {
        auto all = store().list_audit(0, 1000);
        EXPECT_TRUE(all);
        int n = 0;
        for (const auto& e : all.value()) {
            n += e.action == "retention.erase" ? 1 : 0;
        }
        return n;
    }
};

TEST_P(RetentionTest, ErasesWhatWasKeptLongEnoughAndNothingElse) {
    const auto a = add("A1", {"a.example"}, true, true);          // closed long ago
    const auto b = add("B1", {"b.example"}, true);                // still open
    const auto m = add("M1", {"a.example", "c.example"}, false);  // one of its cases open
    const auto d = add("D1", {"d.example"}, false);               // merged into a's case
    const auto e = add("E1", {"e.example"}, true);                // closed recently
    (void)b;
    (void)m;
    close_case(a[0], 1000);
    sql("UPDATE cases SET merged_into = " + std::to_string(a[0]) +
        " WHERE id = " + std::to_string(d[0]));
    close_case(e[0], 5000);

    // Contacts of reports closed before 6000, details of reports closed before 2000.
    auto n = erase(6000, 2000);
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(n.value().reports, 2);      // A1, D1 (its case was merged into a closed one)
    EXPECT_EQ(n.value().contacts, 2);     // A1 with its details, E1 alone
    EXPECT_EQ(n.value().attachments, 1);  // A1's screenshot

    EXPECT_EQ(of_report("description_sealed", "A1"), "NULL");
    EXPECT_EQ(of_report("subject_sealed", "A1"), "NULL");
    EXPECT_EQ(of_report("contact_sealed", "A1"), "NULL");
    EXPECT_EQ(of_report("erased_at", "A1"), "9000");
    EXPECT_EQ(of_report("contact_erased_at", "A1"), "9000");
    EXPECT_EQ(of_report("erased_at", "D1"), "9000");
    EXPECT_EQ(of_report("contact_erased_at", "D1"), "0");  // it had none
    // What stays: the report itself, its category and canonical URL, the screenshot's hash.
    EXPECT_EQ(of_report("category", "A1"), "phishing");
    EXPECT_EQ(text("SELECT COUNT(*) FROM report_urls u JOIN reports r ON r.id = u.report_id "
                   "WHERE r.code = 'A1' AND u.original_sealed = " +
                   std::string(is_postgres() ? "'\\x'::bytea" : "X''")),
              "1");
    EXPECT_EQ(text("SELECT sha256 FROM attachments"), "ab12");
    EXPECT_EQ(text("SELECT erased_at FROM attachments"), "9000");
    EXPECT_EQ(text("SELECT COUNT(*) FROM attachments WHERE length(original_sealed) = 0 AND "
                   "length(preview_sealed) = 0 AND length(blurred_sealed) = 0"),
              "1");

    // E1: closed at 5000, so its contact went (before 6000) and its details stay (not 2000).
    EXPECT_EQ(of_report("contact_sealed", "E1"), "NULL");
    EXPECT_EQ(of_report("contact_erased_at", "E1"), "9000");
    EXPECT_EQ(of_report("erased_at", "E1"), "0");
    EXPECT_NE(of_report("description_sealed", "E1"), "NULL");
    // Open cases keep everything, also a report with one URL in a closed case.
    for (const std::string code : {"B1", "M1"}) {
        EXPECT_EQ(of_report("erased_at", code), "0") << code;
        EXPECT_NE(of_report("description_sealed", code), "NULL") << code;
    }
    EXPECT_NE(of_report("contact_sealed", "B1"), "NULL");

    // The erased reports stay findable by their URLs' words, not their description's.
    ASSERT_TRUE(store().index_all_search_backlog());
    const std::string a1 = of_report("id", "A1");
    const std::string row = is_postgres() ? "report_id = " + a1 : "rowid = " + a1;
    EXPECT_EQ(text("SELECT terms FROM report_search WHERE " + row), "url 17");
    EXPECT_EQ(text("SELECT COUNT(*) FROM report_search WHERE terms LIKE '%hdescriptionword%'"),
              "3");  // B1, M1, E1

    EXPECT_EQ(audit_entries(), 1);
    auto again = erase(6000, 2000);
    ASSERT_TRUE(again);
    EXPECT_EQ(again.value().reports + again.value().contacts + again.value().attachments, 0);
    EXPECT_EQ(audit_entries(), 1);  // nothing erased, nothing recorded
    ASSERT_TRUE(store().verify_audit().value().ok);
}

// An erased value must not live on in the freed space of SQLite's pages: the sealed bytes could
// otherwise be read back from the file, and opened with the key. The writer runs with
// secure_delete=ON for this; the test checks the file, whatever overwrote the freed space.
TEST_P(RetentionTest, ErasedValuesDoNotStayInTheSqliteFile) {
    if (is_postgres()) {
        GTEST_SKIP() << "PostgreSQL reuses dead rows' space after VACUUM (README, retention)";
    }
    add("B1", {"b.example"}, true);  // kept: shows the scan can see what is still there
    const auto a = add("A1", {"a.example"}, true);
    for (int i = 0; i < 10; ++i) {  // neighbours on the same pages, kept
        add("K" + std::to_string(i), {"k" + std::to_string(i) + ".example"}, true);
    }
    close_case(a[0], 1000);
    auto n = erase(2000, 2000);
    ASSERT_TRUE(n) << n.error().message();
    ASSERT_EQ(n.value().reports, 1);
    db().close();  // the last connection copies the log into the file and removes it
    std::string bytes;
    for (const char* name : {"test.db", "test.db-wal"}) {
        std::ifstream in(dir() / name, std::ios::binary);
        bytes += std::string(std::istreambuf_iterator<char>(in), {});
    }
    EXPECT_NE(bytes.find("sealed-contact-B1"), std::string::npos);
    EXPECT_NE(bytes.find("sealed-description-B1"), std::string::npos);
    EXPECT_EQ(bytes.find("sealed-contact-A1"), std::string::npos);
    EXPECT_EQ(bytes.find("sealed-description-A1"), std::string::npos);
    EXPECT_EQ(bytes.find("sealed-typed-a.example"), std::string::npos);
}

TEST_P(RetentionTest, ReportsReceivedAfterTheCutoffWait) {
    // A case closed long ago that receives a report today: the report is kept for its own
    // period, counted from when it was received.
    const auto a = add("OLD", {"a.example"}, true);
    close_case(a[0], 50);
    auto n = erase(80, 80);
    ASSERT_TRUE(n);
    EXPECT_EQ(n.value().contacts + n.value().reports, 0);  // received at 100
    EXPECT_NE(of_report("contact_sealed", "OLD"), "NULL");
}

TEST_P(RetentionTest, ContactErasedEarlierIsNotCountedAgainWithTheDetails) {
    const auto a = add("C1", {"a.example"}, true);
    close_case(a[0], 1000);
    EXPECT_EQ(erase(2000, 500).value().contacts, 1);  // same erasure time as below
    auto n = erase(2000, 2000).value();
    EXPECT_EQ(n.reports, 1);
    EXPECT_EQ(n.contacts, 0);
    EXPECT_EQ(of_report("contact_erased_at", "C1"), "9000");
}

TEST_P(RetentionTest, WorksInBatchesEachWithItsAuditEntry) {
    for (int i = 0; i < 5; ++i) {
        const auto c = add("R" + std::to_string(i), {"x" + std::to_string(i) + ".example"}, true);
        close_case(c[0], 1000);
    }
    auto n = erase(2000, 1500, 2);
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(n.value().reports, 5);
    EXPECT_EQ(n.value().contacts, 5);
    EXPECT_EQ(audit_entries(), 3);  // 2 + 2 + 1
    EXPECT_EQ(text("SELECT COUNT(*) FROM reports WHERE erased_at = 0"), "0");
    EXPECT_EQ(erase(0, 0, 0).error(), errc::invalid_argument);
}

TEST_P(RetentionTest, StopsBetweenTransactionsWhenAskedAndTheNextRunGoesOn) {
    for (int i = 0; i < 5; ++i) {
        const auto c = add("S" + std::to_string(i), {"s" + std::to_string(i) + ".example"}, true);
        close_case(c[0], 1000);
    }
    AuditEvent audit{9000, "system", "retention.erase", "reports", ""};
    auto terms = [](const std::vector<std::string>&) { return std::string("url"); };
    int asked = 0;
    auto first = store().erase_expired_reports({2000, 1500, 9000}, terms, audit, 2, [&] {
        ++asked;
        return false;  // shutting down
    });
    ASSERT_TRUE(first);
    EXPECT_EQ(first.value().reports, 2);  // one transaction, then it stopped
    EXPECT_EQ(asked, 1);
    auto rest =
        store().erase_expired_reports({2000, 1500, 9000}, terms, audit, 2, [] { return true; });
    ASSERT_TRUE(rest);
    EXPECT_EQ(rest.value().reports, 3);
    EXPECT_EQ(text("SELECT COUNT(*) FROM reports WHERE erased_at = 0"), "0");
}

TEST_P(RetentionTest, TwoRunsAtOnceEraseAndCountEachReportOnce) {
    // As two servers sharing one PostgreSQL database would, each in its hourly round.
    for (int i = 0; i < 40; ++i) {
        const auto c = add("T" + std::to_string(i), {"t" + std::to_string(i) + ".example"}, true);
        close_case(c[0], 1000);
    }
    ErasureCounts a;
    ErasureCounts b;
    std::thread other([&] { a = erase(2000, 1500, 7).value(); });
    b = erase(2000, 1500, 7).value();
    other.join();
    EXPECT_EQ(a.reports + b.reports, 40);
    EXPECT_EQ(a.contacts + b.contacts, 40);
    EXPECT_EQ(text("SELECT COUNT(*) FROM search_backlog"), "40");
    ASSERT_TRUE(store().verify_audit().value().ok);
}

INSTANTIATE_TEST_SUITE_P(Backends, RetentionTest, ::testing::Values("sqlite", "postgres"),
                         testing::backend_name);

}  // namespace
}  // namespace segnala::store
