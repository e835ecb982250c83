// Supervisors' oversight pages against the real binary on every backend: the audit log and
// the dashboard answer supervisors only (403 below), their CSV downloads are attachments and
// formula-safe, CSAM figures and audit entries stay out of reach without the csam
// permission, hostile filters are refused in the user's language, and every view is audited.
#include <regex>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace segnala::testing {
namespace {

class Oversight : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        if (auto why = skip_reason(GetParam()))
            GTEST_SKIP() << *why;
    }
};

std::string add_key(const TestDatabase& db) {
    auto r = run_segnala(
        {"apikey", "add", "oversight-partner", "--scope", "reports:write", "--database", db.url()});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    static const std::regex line("(^|\n)key: (sgn_[A-Za-z0-9_-]{43})\n");
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.out, m, line)) << r.out;
    return m.size() > 2 ? m[2].str() : "";
}

void file(Client& c, const std::string& key, const std::string& category, const std::string& url) {
    nlohmann::json body = {{"category", category}, {"urls", {url}}};
    auto r = c.request("POST", "/api/v1/reports", body.dump(),
                       {"Authorization: Bearer " + key, "Content-Type: application/json"});
    EXPECT_TRUE(r.status == 200 || r.status == 201 || r.status == 202) << r.status << " " << r.body;
}

std::string trimmed(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.pop_back();
    return s;
}

bool has(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

TEST_P(Oversight, SupervisorsOnlyCsvAndCsamLeftOut) {
    TestDatabase db(GetParam());
    Server server(db);
    Client api(server.base_url());
    const std::string key = add_key(db);
    file(api, key, "phishing", "https://login.bank-oversight.example/secure");
    file(api, key, "phishing", "https://login.bank-oversight.example/secure");
    file(api, key, "fraud", "http://=cmd.example/");
    file(api, key, "csam", "http://hidden-csam-oversight.example/gallery");
    const std::string csam_case = trimmed(db.sql("SELECT id FROM cases WHERE category = 'csam'"));
    ASSERT_FALSE(csam_case.empty());

    Client op(server.base_url());
    login_new_operator(op, db, "olga", "operator");
    Client an(server.base_url());
    login_new_operator(an, db, "aldo", "analyst");
    Client sup(server.base_url());
    login_new_operator(sup, db, "sara", "supervisor");
    Client supc(server.base_url());
    login_new_operator(supc, db, "carla", "supervisor", /*csam=*/true);

    // Below supervisor: 403 on every page and download, nothing audited for them.
    for (Client* c : {&op, &an}) {
        for (const std::string path :
             {"/backoffice/dashboard", "/backoffice/audit", "/backoffice/audit.csv",
              "/backoffice/dashboard/daily.csv", "/backoffice/audit?verify=1"}) {
            EXPECT_EQ(c->get(path).status, 403) << path;
        }
    }
    EXPECT_EQ(trimmed(db.sql("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'dashboard.%' "
                             "OR action LIKE 'audit.%'")),
              "0");
    // Logged out: to the login page.
    Client anon(server.base_url());
    auto out = anon.get("/backoffice/dashboard");
    EXPECT_EQ(out.status, 303);

    // The dashboard without the csam permission: no CSAM column, domain or count.
    auto dash = sup.get("/backoffice/dashboard");
    ASSERT_EQ(dash.status, 200) << dash.body.substr(0, 2000);
    EXPECT_TRUE(has(dash.body, "id=\"daily-table\""));
    EXPECT_TRUE(has(dash.body, "<caption>"));
    EXPECT_TRUE(has(dash.body, "scope=\"col\""));
    EXPECT_TRUE(has(dash.body, "data-chart=\""));
    EXPECT_TRUE(has(dash.body, "bank-oversight.example"));
    EXPECT_FALSE(has(dash.body, "hidden-csam-oversight"));
    EXPECT_FALSE(has(dash.body, "Pedopornografia"));
    EXPECT_FALSE(has(dash.body, "<script>"));  // only <script src=…>
    auto daily = sup.get("/backoffice/dashboard/daily.csv");
    ASSERT_EQ(daily.status, 200);
    EXPECT_EQ(daily.header("content-type").value_or(""), "text/csv; charset=utf-8");
    EXPECT_TRUE(has(daily.header("content-disposition").value_or(""), "attachment"));
    EXPECT_EQ(daily.body.substr(0, daily.body.find("\r\n")),
              "day,phishing,spam,fraud,malware,other,total");
    // Today's line: two phishing, one fraud, and no CSAM in the total.
    EXPECT_TRUE(std::regex_search(daily.body, std::regex(R"(\d{4}-\d\d-\d\d,2,0,1,0,0,3\r\n$)")))
        << daily.body;
    auto domains = sup.get("/backoffice/dashboard/domains.csv");
    EXPECT_TRUE(has(domains.body, "bank-oversight.example,1,2\r\n")) << domains.body;
    // A domain that starts like a formula is defused with an apostrophe.
    EXPECT_TRUE(has(domains.body, "'=cmd.example,1,1\r\n")) << domains.body;
    EXPECT_FALSE(has(domains.body, "hidden-csam-oversight"));
    auto status = sup.get("/backoffice/dashboard/status.csv");
    EXPECT_TRUE(has(status.body, "received,2\r\n")) << status.body;
    EXPECT_EQ(sup.get("/backoffice/dashboard/triage.csv").status, 200);
    EXPECT_EQ(sup.get("/backoffice/dashboard/audit.csv").status, 404);
    EXPECT_EQ(sup.get("/backoffice/dashboard/daily").status, 404);
    auto traversal = sup.get("/backoffice/dashboard/..%2f..%2fetc%2fpasswd.csv");
    EXPECT_TRUE(traversal.status == 400 || traversal.status == 404) << traversal.status;

    // With the permission: CSAM figures are there.
    auto dash_c = supc.get("/backoffice/dashboard");
    EXPECT_TRUE(has(dash_c.body, "hidden-csam-oversight.example"));
    auto daily_c = supc.get("/backoffice/dashboard/daily.csv");
    EXPECT_EQ(daily_c.body.substr(0, daily_c.body.find("\r\n")),
              "day,phishing,spam,csam,fraud,malware,other,total");
    EXPECT_TRUE(std::regex_search(daily_c.body, std::regex(R"(,2,0,1,1,0,0,4\r\n$)")));

    // The CSAM case viewed by the permitted supervisor lands in the log...
    ASSERT_EQ(supc.get("/backoffice/cases/" + csam_case).status, 200);
    ASSERT_NE(
        trimmed(db.sql("SELECT COUNT(*) FROM audit_log WHERE object = 'case:" + csam_case + "'")),
        "0");
    // ...and only supervisors with the permission see that entry.
    auto filtered = sup.get("/backoffice/audit?object=case%3A" + csam_case);
    EXPECT_EQ(filtered.status, 200);
    EXPECT_TRUE(has(filtered.body, "id=\"audit-empty\""));
    auto full = sup.get("/backoffice/audit");
    EXPECT_FALSE(has(full.body, ">case:" + csam_case + "<"));
    auto csv_hidden = sup.get("/backoffice/audit.csv");
    EXPECT_FALSE(has(csv_hidden.body, ",case:" + csam_case + ","));
    auto seen = supc.get("/backoffice/audit?object=case%3A" + csam_case);
    EXPECT_TRUE(has(seen.body, ">case:" + csam_case + "<")) << seen.body.substr(0, 3000);

    // Every view above was audited, by the supervisor who made it.
    const std::string sara = trimmed(db.sql("SELECT id FROM operators WHERE username = 'sara'"));
    const auto actions =
        db.sql("SELECT action FROM audit_log WHERE actor = 'operator:" + sara + "' ORDER BY seq");
    for (const char* a : {"dashboard.view", "dashboard.export", "audit.browse", "audit.export"}) {
        EXPECT_TRUE(has(actions, a)) << a << " in " << actions;
    }
}

TEST_P(Oversight, AuditFiltersPagesVerificationAndHostileInput) {
    TestDatabase db(GetParam());
    Server server(db);
    Client sup(server.base_url());
    login_new_operator(sup, db, "sara", "supervisor");
    for (int i = 0; i < 60; ++i) {
        ASSERT_EQ(sup.get("/backoffice/dashboard").status, 200);
    }

    // Newest first; the next page continues below the last entry shown.
    auto first = sup.get("/backoffice/audit?actor=sara&action=dashboard.");
    ASSERT_EQ(first.status, 200);
    std::regex older(R"re(href="(/backoffice/audit\?[^"]*before=(\d+))" id="audit-older")re");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(first.body, m, older)) << first.body.substr(0, 4000);
    std::string next = std::regex_replace(m[1].str(), std::regex("&amp;"), "&");
    EXPECT_TRUE(has(next, "actor=sara"));
    auto second = sup.get(next);
    ASSERT_EQ(second.status, 200);
    EXPECT_TRUE(has(second.body, "dashboard.view"));
    EXPECT_FALSE(std::regex_search(second.body, std::regex(R"(id="audit-older")")));
    EXPECT_TRUE(has(first.body, "sara <span"));  // the username beside operator:<id>

    // CSV of the filtered list: attachment, one line per entry plus the header.
    auto csv = sup.get("/backoffice/audit.csv?action=dashboard.view");
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(csv.header("content-type").value_or(""), "text/csv; charset=utf-8");
    EXPECT_TRUE(has(csv.header("content-disposition").value_or(""), "attachment"));
    std::size_t lines = 0;
    for (std::size_t p = 0; (p = csv.body.find("\r\n", p)) != std::string::npos; p += 2)
        ++lines;
    EXPECT_EQ(lines, 61u);

    // Bad filters: 422 with a message in the user's language, and nothing audited.
    const auto before = trimmed(db.sql("SELECT COUNT(*) FROM audit_log"));
    auto bad = sup.get("/backoffice/audit?from=2026-02-30&actor=%3Cscript%3Ealert(1)%3C/script%3E");
    EXPECT_EQ(bad.status, 422);
    EXPECT_TRUE(has(bad.body, "AAAA-MM-GG"));
    EXPECT_TRUE(has(bad.body, "Nessun operatore ha questo nome utente"));
    EXPECT_FALSE(has(bad.body, "<script>alert(1)"));
    EXPECT_TRUE(has(bad.body, "&lt;script&gt;alert(1)"));
    auto bad_en = sup.get("/backoffice/audit?lang=en&action=case%27%20OR%201%3D1");
    EXPECT_EQ(bad_en.status, 422);
    EXPECT_TRUE(has(bad_en.body, "lower-case letters"));
    EXPECT_EQ(sup.get("/backoffice/audit.csv?to=tomorrow").status, 422);
    EXPECT_EQ(trimmed(db.sql("SELECT COUNT(*) FROM audit_log")), before);
    // A hostile cursor is ignored, not an error.
    EXPECT_EQ(sup.get("/backoffice/audit?before=-1%20OR%201").status, 200);

    // The chain check on demand, itself audited; the CLI agrees afterwards.
    auto verify = sup.get("/backoffice/audit?verify=1&lang=it");
    EXPECT_EQ(verify.status, 200);
    EXPECT_TRUE(has(verify.body, "La catena è integra")) << verify.body.substr(0, 3000);
    EXPECT_NE(trimmed(db.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.verify'")), "0");
    auto cli = run_segnala({"audit", "verify", "--database", db.url()});
    EXPECT_EQ(cli.exit_code, 0) << cli.out << cli.err;

    // Text a supervisor typed lands in the log (the filter of an audit.browse entry) and is
    // shown again: inert on the page and defused in the CSV.
    const std::string payload =
        R"p(<img src=x onerror=alert(1)><script>alert(2)</script><svg onload=alert(3)>)p"
        R"p(<a href="javascript:alert(4)">x</a>)p";
    auto typed = sup.get("/backoffice/audit?object=" + form_encode("=" + payload));
    EXPECT_EQ(typed.status, 200);
    auto shown = sup.get("/backoffice/audit?action=audit.browse");
    ASSERT_EQ(shown.status, 200);
    for (const char* raw : {"<img src=x", "<script>alert", "<svg onload",
                            "<a href=\"javascript:", "<a href=\\\"javascript:"}) {
        EXPECT_FALSE(has(shown.body, raw)) << raw;
        EXPECT_FALSE(has(typed.body, raw)) << raw;
    }
    EXPECT_TRUE(has(shown.body, "&lt;img src=x onerror=alert(1)&gt;"));
    EXPECT_FALSE(std::regex_search(shown.body, std::regex(R"(<[^>]*\son[a-z]+\s*=)")));
    auto typed_csv = sup.get("/backoffice/audit.csv?action=audit.browse");
    EXPECT_TRUE(has(typed_csv.body, "<img src=x"));  // CSV is data, served as an attachment
    EXPECT_TRUE(has(typed_csv.header("content-disposition").value_or(""), "attachment"));

    // Oversight pages change nothing: a POST is not routed (405), and has no CSRF bypass.
    EXPECT_NE(sup.post_form("/backoffice/audit", "x=1").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, Oversight, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace segnala::testing
