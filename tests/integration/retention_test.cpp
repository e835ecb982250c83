// Retention against the real binary, on every backend: the privacy notice and the form state
// the configured periods; `segnala retention run` erases a closed case's contact first and
// its details later, the case page says so, the evidence is gone, the audit chain holds; a
// report period shorter than the contact period is refused at start.
#include <fstream>

#include <gtest/gtest.h>

#include "case_support.hpp"
#include "harness.hpp"

namespace segnala::testing {
namespace {

using namespace cases;

class Retention : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        if (auto why = skip_reason(GetParam()))
            GTEST_SKIP() << *why;
    }
};

std::string write_config(const TestDatabase& db, int contact_days, int report_days) {
    const auto path = db.dir() / "retention.toml";
    std::ofstream(path) << "[retention]\ncontact_days = " << contact_days
                        << "\nreport_days = " << report_days << "\n";
    return path.string();
}

TEST_P(Retention, ContactThenDetailsAreErasedAfterTheConfiguredDays) {
    TestDatabase db(GetParam());
    const std::string config = write_config(db, 10, 20);
    Server server(db, {"--config", config});

    Client citizen(server.base_url());
    auto privacy = citizen.get("/privacy?lang=en");
    ASSERT_EQ(privacy.status, 200);
    EXPECT_TRUE(contains(privacy.body, "the contact details are erased after 10 days"))
        << privacy.body.substr(0, 4000);
    EXPECT_TRUE(contains(privacy.body, "the screenshots after 20 days"));
    EXPECT_TRUE(contains(citizen.get("/privacy?lang=it").body, "dopo 10 giorni"));
    EXPECT_TRUE(
        contains(citizen.get("/segnala?lang=en").body, "your contact is erased after 10 days"));

    const std::string code = file_report(server.base_url(),
                                         {{"category", "fraud"},
                                          {"urls", "https://negozio-finto.example/offerta"},
                                          {"description", "pagato con bonifico, mai arrivato"},
                                          {"contact", "vittima@example.org"}},
                                         {{"shot.png", "image/png", tiny_png()}});
    ASSERT_FALSE(code.empty());
    const std::string case_id = case_of(db, code);
    const std::string attachment = first_attachment_of(db, code);
    Client analyst(server.base_url());
    login_new_operator(analyst, db, "anna", "analyst");
    ASSERT_EQ(analyst.get("/backoffice/evidence/" + attachment + "/blurred").status, 200);

    const std::string cli_config = "--config=" + config;
    const std::vector<std::string> run = {"retention",
                                          "run",
                                          cli_config,
                                          "--database",
                                          db.url(),
                                          "--data-dir",
                                          (db.dir() / "data").string()};
    // Open: nothing goes, however old.
    db.sql("UPDATE reports SET created_at = created_at - 100 * 86400");
    auto r = run_segnala(run);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "contacts erased: 0\n")) << r.out;

    // Closed 15 days ago: the contact goes (10 days), the details stay (20 days).
    db.sql(
        "UPDATE cases SET open = 0, status = 'closed', status_at = status_at - 15 * 86400 "
        "WHERE id = " +
        case_id);
    r = run_segnala(run);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "contacts erased: 1\nreports erased: 0\nscreenshots erased: 0\n"))
        << r.out;
    auto page = analyst.get("/backoffice/cases/" + case_id + "?lang=en");
    ASSERT_EQ(page.status, 200);
    EXPECT_FALSE(contains(page.body, "vittima@example.org"));
    EXPECT_TRUE(contains(page.body, "pagato con bonifico"));
    EXPECT_TRUE(contains(page.body, "contact was erased under the retention policy"));

    // Closed 25 days ago: the details and the screenshot go; the report and its URL stay.
    db.sql("UPDATE cases SET status_at = status_at - 10 * 86400 WHERE id = " + case_id);
    r = run_segnala(run);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "contacts erased: 0\nreports erased: 1\nscreenshots erased: 1\n"))
        << r.out;
    page = analyst.get("/backoffice/cases/" + case_id + "?lang=en");
    EXPECT_FALSE(contains(page.body, "pagato con bonifico"));
    EXPECT_TRUE(contains(page.body, "Erased under the retention policy"));
    EXPECT_TRUE(contains(page.body, "Screenshot erased under the retention policy"));
    EXPECT_TRUE(contains(page.body, "negozio-finto[.]example"));  // the case's canonical URL
    EXPECT_EQ(analyst.get("/backoffice/evidence/" + attachment + "/blurred").status, 404);
    EXPECT_EQ(sql_value(db,
                        "SELECT COUNT(*) FROM reports WHERE description_sealed IS NULL AND "
                        "contact_sealed IS NULL AND code = '" +
                            code + "'"),
              "1");
    // The reporter's status lookup still answers.
    EXPECT_TRUE(contains(citizen.get("/stato?lang=en&codice=" + form_encode(code)).body, "Closed"));

    r = run_segnala(run);
    EXPECT_TRUE(contains(r.out, "contacts erased: 0\nreports erased: 0\n")) << r.out;
    EXPECT_EQ(sql_value(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'retention.erase'"),
              "2");
    auto verify = run_segnala({"audit", "verify", "--database", db.url()});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_P(Retention, ReportPeriodShorterThanContactPeriodIsRefused) {
    TestDatabase db(GetParam());
    auto r = run_segnala(
        {"retention", "run", "--config", write_config(db, 30, 20), "--database", db.url()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err,
                         "retention.report_days: must not be shorter than "
                         "retention.contact_days (30)"))
        << r.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, Retention, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace segnala::testing
