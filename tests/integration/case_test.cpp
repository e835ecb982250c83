// The case page against the real binary, on every backend: a case filed through the API is
// viewed (personal data unsealed, audited), rejected without a reason (refused), confirmed
// (the public status follows); CSRF; CSAM cases are 404 without the permission on the page,
// the JSON and the evidence, masked until revealed with it; evidence blurred, revealed,
// downloaded as an attachment; merge, undo, split and link; the wellbeing figures.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "case_support.hpp"
#include "harness.hpp"

namespace segnala::testing {
namespace {

using namespace cases;
using nlohmann::json;

class CasePage : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        if (auto why = skip_reason(GetParam()))
            GTEST_SKIP() << *why;
    }
};

std::string add_key(const TestDatabase& db) {
    auto r =
        run_segnala({"apikey", "add", "cert", "--scope", "reports:write", "--database", db.url()});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    static const std::regex line("(^|\n)key: (sgn_[A-Za-z0-9_-]{43})\n");
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.out, m, line)) << r.out;
    return m.size() > 2 ? m[2].str() : "";
}

HttpResult post(Client& c, const std::string& path, const std::string& body) {
    return c.post_form(path, body);
}

std::string with_csrf(Client& c, const std::string& case_page, const std::string& body) {
    return "_csrf=" + form_encode(csrf_of(c, case_page)) + (body.empty() ? "" : "&" + body);
}

std::int64_t audit_count(const TestDatabase& db, const std::string& action) {
    return std::stoll(
        sql_value(db, "SELECT COUNT(*) FROM audit_log WHERE action = '" + action + "'"));
}

TEST_P(CasePage, ApiReportIsViewedRejectedWithoutReasonRefusedConfirmedAndStatusFollows) {
    TestDatabase db(GetParam());
    const std::string key = add_key(db);
    Server server(db);
    Client api(server.base_url());
    json body = {{"category", "phishing"},
                 {"urls", {"https://login.bank-example.test/verify?id=1"}},
                 {"description", "SMS finto della banca"},
                 {"contact", "vittima@example.org"}};
    auto filed = api.request("POST", "/api/v1/reports", body.dump(),
                             {"Authorization: Bearer " + key, "Content-Type: application/json"});
    ASSERT_EQ(filed.status, 201) << filed.body;
    const auto receipt = json::parse(filed.body);
    const std::string code = receipt["code"];
    const std::string id = std::to_string(receipt["case"].get<std::int64_t>());
    const std::string page = "/backoffice/cases/" + id;

    Client c(server.base_url());
    login_new_operator(c, db, "anna", "analyst");
    auto view = c.get(page);
    ASSERT_EQ(view.status, 200) << view.body.substr(0, 2000);
    EXPECT_TRUE(contains(view.body, "SMS finto della banca"));
    EXPECT_TRUE(contains(view.body, "vittima@example.org"));
    EXPECT_TRUE(contains(view.body, "hxxps://login[.]bank-example[.]test/verify?id=1"));
    EXPECT_FALSE(contains(view.body, "href=\"https://login.bank"));
    EXPECT_TRUE(contains(view.body, "data-copy-target=\"case-url\""));
    EXPECT_EQ(view.header("cache-control").value_or(""), "no-store");
    EXPECT_GE(audit_count(db, "case.view_personal_data"), 1);

    // Reject without a reason: refused with a message, nothing changes.
    auto refused = post(c, page + "/action", with_csrf(c, page, "action=reject&reason=+"));
    EXPECT_EQ(refused.status, 422);
    EXPECT_TRUE(contains(refused.body, "Indica il motivo"));
    EXPECT_EQ(sql_value(db, "SELECT status FROM cases WHERE id = " + id), "received");
    c.get("/?lang=en");
    refused = post(c, page + "/action", with_csrf(c, page, "action=reject"));
    EXPECT_TRUE(contains(refused.body, "Give the reason"));
    auto bad_ref = post(c, page + "/action",
                        with_csrf(c, page, "action=action_taken&kind=blocklisted&reference="));
    EXPECT_EQ(bad_ref.status, 422);
    EXPECT_TRUE(contains(bad_ref.body, "reference"));

    // Without a CSRF token: 403 and nothing changes.
    auto forged = post(c, page + "/action", "action=confirm");
    EXPECT_EQ(forged.status, 403);
    forged =
        post(c, page + "/action", "_csrf=not-the-token-at-all-not-the-token-xx&action=confirm");
    EXPECT_EQ(forged.status, 403);
    EXPECT_EQ(sql_value(db, "SELECT status FROM cases WHERE id = " + id), "received");

    auto confirmed = post(c, page + "/action", with_csrf(c, page, "action=confirm"));
    EXPECT_EQ(confirmed.status, 303) << confirmed.body.substr(0, 2000);
    EXPECT_EQ(confirmed.header("location").value_or(""), page + "?done=confirm");
    EXPECT_EQ(sql_value(db, "SELECT status FROM cases WHERE id = " + id), "confirmed");
    EXPECT_EQ(sql_value(db, "SELECT triaged_by > 0 FROM cases WHERE id = " + id),
              GetParam() == "postgres" ? "t" : "1");
    // Confirming twice is not a valid transition.
    EXPECT_EQ(post(c, page + "/action", with_csrf(c, page, "action=confirm")).status, 409);

    Client citizen(server.base_url());
    auto status = citizen.get("/stato?lang=en&codice=" + form_encode(code));
    EXPECT_TRUE(contains(status.body, "Confirmed")) << status.body.substr(0, 3000);
    auto api_status = citizen.get("/api/v1/reports/" + code);
    EXPECT_EQ(json::parse(api_status.body)["status"], "confirmed");
    auto as_json = c.get("/backoffice/api/cases/" + id);
    ASSERT_EQ(as_json.status, 200);
    EXPECT_EQ(json::parse(as_json.body)["status"], "confirmed");

    // An operator (triage only) may not act; a supervisor reopens with a reason.
    Client op(server.base_url());
    login_new_operator(op, db, "otto", "operator");
    EXPECT_EQ(post(op, page + "/action", with_csrf(op, page, "action=close")).status, 403);
    ASSERT_TRUE(contains(view.body, "/action"));
    auto acted = post(c, page + "/action",
                      with_csrf(c, page, "action=action_taken&kind=referred&reference=HOT-77"));
    EXPECT_EQ(acted.status, 303);
    EXPECT_EQ(json::parse(citizen.get("/api/v1/reports/" + code).body)["status"], "action_taken");
    Client sup(server.base_url());
    login_new_operator(sup, db, "sara", "supervisor");
    EXPECT_EQ(post(c, page + "/action", with_csrf(c, page, "action=reopen&reason=x")).status, 403);
    EXPECT_EQ(
        post(sup, page + "/action", with_csrf(sup, page, "action=reopen&reason=nuovi+dati")).status,
        303);
    EXPECT_EQ(sql_value(db, "SELECT status FROM cases WHERE id = " + id), "in_review");
    auto history = c.get(page);
    EXPECT_TRUE(contains(history.body, "HOT-77"));
    EXPECT_TRUE(contains(history.body, "nuovi dati"));
    EXPECT_EQ(audit_count(db, "case.confirm"), 1);
    EXPECT_EQ(audit_count(db, "case.reopen"), 1);
    EXPECT_EQ(run_segnala({"audit", "verify", "--database", db.url()}).exit_code, 0);
}

TEST_P(CasePage, CsamCasesAre404WithoutThePermissionAndMaskedUntilRevealed) {
    TestDatabase db(GetParam());
    Server server(db);
    // A screenshot filed as phishing, then the same URL reported as CSAM: the case is CSAM.
    const std::string url = "https://abuse-gallery.example.net/album/7";
    const std::string first =
        file_report(server.base_url(), {{"category", "phishing"}, {"urls", url}},
                    {{"shot.png", "image/png", tiny_png()}});
    const std::string second = file_report(
        server.base_url(),
        {{"category", "csam"}, {"urls", url}, {"description", "descrizione riservata"}});
    ASSERT_FALSE(first.empty());
    ASSERT_FALSE(second.empty());
    const std::string id = case_of(db, first);
    const std::string att = first_attachment_of(db, first);
    ASSERT_FALSE(att.empty());
    const std::string page = "/backoffice/cases/" + id;

    Client plain(server.base_url());
    login_new_operator(plain, db, "paolo", "supervisor");
    EXPECT_EQ(plain.get(page).status, 404);
    EXPECT_EQ(plain.get("/backoffice/api/cases/" + id).status, 404);
    EXPECT_EQ(plain.get("/backoffice/evidence/" + att + "/blurred").status, 404);
    EXPECT_EQ(plain.get("/backoffice/evidence/" + att + "/download").status, 404);
    const std::string token = csrf_of(plain, "/backoffice/password");
    EXPECT_EQ(plain.post_form(page + "/reveal", "_csrf=" + form_encode(token)).status, 404);
    EXPECT_EQ(
        plain.post_form(page + "/action", "_csrf=" + form_encode(token) + "&action=confirm").status,
        404);
    EXPECT_EQ(sql_value(db, "SELECT COUNT(*) FROM reveals"), "0");

    Client csam(server.base_url());
    login_new_operator(csam, db, "chiara", "analyst", true);
    auto masked = csam.get(page);
    ASSERT_EQ(masked.status, 200) << masked.body.substr(0, 2000);
    EXPECT_FALSE(contains(masked.body, "abuse-gallery"));
    EXPECT_FALSE(contains(masked.body, "descrizione riservata"));
    EXPECT_TRUE(contains(masked.body, "case-url-masked"));
    EXPECT_EQ(csam.get("/backoffice/api/cases/" + id).status, 200);
    EXPECT_EQ(csam.get("/backoffice/evidence/" + att + "/blurred").status, 200);

    auto revealed = csam.post_form(page + "/reveal", "_csrf=" + form_encode(csrf_of(csam, page)));
    EXPECT_EQ(revealed.status, 303);
    auto shown = csam.get(page);
    EXPECT_TRUE(contains(shown.body, "abuse-gallery[.]example[.]net"));
    EXPECT_TRUE(contains(shown.body, "descrizione riservata"));
    EXPECT_EQ(audit_count(db, "case.reveal"), 1);
    EXPECT_EQ(sql_value(db, "SELECT COUNT(*) FROM reveals WHERE csam = 1"), "1");
    EXPECT_TRUE(contains(shown.body, "id=\"exposure-counter\""));
}

TEST_P(CasePage, EvidenceIsBlurredRevealedOneAtATimeAndDownloadedAsAttachment) {
    TestDatabase db(GetParam());
    Server server(db);
    const std::string code =
        file_report(server.base_url(), {{"category", "fraud"}, {"urls", "https://shop.example/"}},
                    {{"a.png", "image/png", tiny_png()}, {"b.png", "image/png", tiny_png()}});
    ASSERT_FALSE(code.empty());
    const std::string id = case_of(db, code);
    const std::string att = first_attachment_of(db, code);
    const std::string page = "/backoffice/cases/" + id;
    const std::string base = "/backoffice/evidence/" + att;

    Client c(server.base_url());
    login_new_operator(c, db, "ugo", "analyst");
    auto view = c.get(page);
    ASSERT_EQ(view.status, 200);
    EXPECT_TRUE(contains(view.body, "src=\"" + base + "/blurred\""));
    EXPECT_FALSE(contains(view.body, "/preview\""));
    auto blurred = c.get(base + "/blurred");
    ASSERT_EQ(blurred.status, 200);
    EXPECT_EQ(blurred.header("content-type").value_or(""), "image/jpeg");
    EXPECT_EQ(blurred.header("cache-control").value_or(""), "no-store");
    EXPECT_EQ(blurred.body.substr(0, 2), "\xFF\xD8");
    EXPECT_EQ(c.get(base + "/preview").status, 403);

    auto reveal =
        c.post_form(base + "/reveal", "_csrf=" + form_encode(csrf_of(c, page)) + "&case=" + id);
    EXPECT_EQ(reveal.status, 303);
    EXPECT_EQ(audit_count(db, "evidence.reveal"), 1);
    auto after = c.get(page + "?shown=" + att);
    EXPECT_TRUE(contains(after.body, "src=\"" + base + "/preview\""));
    auto preview = c.get(base + "/preview");
    EXPECT_EQ(preview.status, 200);
    EXPECT_EQ(preview.header("content-type").value_or(""), "image/jpeg");
    // Only that one image: the other still needs its own reveal.
    const std::string other =
        sql_value(db,
                  "SELECT MAX(a.id) FROM attachments a JOIN reports r ON r.id = a.report_id "
                  "WHERE r.code = '" +
                      code + "'");
    EXPECT_EQ(c.get("/backoffice/evidence/" + other + "/preview").status, 403);

    auto download = c.get(base + "/download");
    ASSERT_EQ(download.status, 200);
    EXPECT_EQ(download.header("content-disposition").value_or("").rfind("attachment;", 0), 0u);
    EXPECT_EQ(download.header("content-type").value_or(""), "image/png");
    EXPECT_EQ(download.body, tiny_png());
    EXPECT_EQ(audit_count(db, "evidence.download"), 1);
    EXPECT_EQ(c.get("/backoffice/evidence/99999/blurred").status, 404);
    EXPECT_EQ(c.get("/backoffice/evidence/abc/blurred").status, 404);

    Client op(server.base_url());
    login_new_operator(op, db, "olga", "operator");
    EXPECT_EQ(op.get(base + "/download").status, 403);

    // The exposure counter counts the reveal, and supervisors see the figure.
    EXPECT_TRUE(contains(c.get(page).body, "Oggi: 1 (")) << "exposure counter";
    Client sup(server.base_url());
    login_new_operator(sup, db, "sofia", "supervisor");
    auto wellbeing = sup.get("/backoffice/wellbeing");
    ASSERT_EQ(wellbeing.status, 200);
    EXPECT_TRUE(contains(wellbeing.body, "<th scope=\"row\">ugo</th><td>1</td>"));
    EXPECT_EQ(c.get("/backoffice/wellbeing").status, 403);
}

TEST_P(CasePage, MergeUndoSplitAndLink) {
    TestDatabase db(GetParam());
    Server server(db);
    const std::string a1 =
        file_report(server.base_url(), {{"category", "phishing"}, {"urls", "https://a.example/x"}});
    const std::string a2 =
        file_report(server.base_url(), {{"category", "phishing"}, {"urls", "https://a.example/x"}});
    const std::string b1 =
        file_report(server.base_url(), {{"category", "phishing"}, {"urls", "https://b.example/y"}});
    const std::string a = case_of(db, a1);
    const std::string b = case_of(db, b1);
    ASSERT_EQ(case_of(db, a2), a);
    ASSERT_NE(a, b);

    Client c(server.base_url());
    login_new_operator(c, db, "marco", "analyst");
    const std::string page_a = "/backoffice/cases/" + a;
    const std::string page_b = "/backoffice/cases/" + b;
    EXPECT_FALSE(contains(c.get(page_a).body, "dal caso unito"));
    auto bad = c.post_form(page_b + "/merge", with_csrf(c, page_b, "target=zzz"));
    EXPECT_EQ(bad.status, 422);
    auto merged = c.post_form(page_b + "/merge", with_csrf(c, page_b, "target=" + a));
    ASSERT_EQ(merged.status, 303) << merged.body.substr(0, 2000);
    EXPECT_EQ(merged.header("location").value_or(""), page_a + "?done=merge");
    EXPECT_EQ(sql_value(db, "SELECT merged_into FROM cases WHERE id = " + b), a);
    auto target = c.get(page_a);
    EXPECT_TRUE(contains(target.body, b1));
    EXPECT_TRUE(contains(target.body, a1));
    EXPECT_TRUE(contains(target.body, "dal caso unito #" + b));
    ASSERT_EQ(c.post_form(page_a + "/action", with_csrf(c, page_a, "action=confirm")).status, 303);
    Client citizen(server.base_url());
    EXPECT_EQ(json::parse(citizen.get("/api/v1/reports/" + b1).body)["status"], "confirmed");

    auto undone = c.post_form(page_b + "/unmerge", with_csrf(c, page_b, ""));
    EXPECT_EQ(undone.status, 303);
    EXPECT_EQ(sql_value(db, "SELECT merged_into FROM cases WHERE id = " + b), "0");
    EXPECT_EQ(json::parse(citizen.get("/api/v1/reports/" + b1).body)["status"], "received");
    EXPECT_FALSE(contains(c.get(page_a).body, b1));

    const std::string report_id = sql_value(db, "SELECT id FROM reports WHERE code = '" + a2 + "'");
    auto split = c.post_form(page_a + "/split", with_csrf(c, page_a, "report=" + report_id));
    ASSERT_EQ(split.status, 303) << split.body.substr(0, 2000);
    const std::string fresh = case_of(db, a2);
    EXPECT_NE(fresh, a);
    EXPECT_EQ(split.header("location").value_or(""), "/backoffice/cases/" + fresh + "?done=split");
    EXPECT_EQ(sql_value(db, "SELECT report_count FROM cases WHERE id = " + a), "1");
    EXPECT_EQ(sql_value(db, "SELECT report_count FROM cases WHERE id = " + fresh), "1");
    EXPECT_EQ(sql_value(db, "SELECT canonical_url FROM cases WHERE id = " + fresh),
              sql_value(db, "SELECT canonical_url FROM cases WHERE id = " + a));
    // The last report cannot be split out.
    const std::string a1_id = sql_value(db, "SELECT id FROM reports WHERE code = '" + a1 + "'");
    EXPECT_EQ(c.post_form(page_a + "/split", with_csrf(c, page_a, "report=" + a1_id)).status, 409);

    auto linked = c.post_form(page_a + "/link", with_csrf(c, page_a, "other=" + b));
    EXPECT_EQ(linked.status, 303);
    EXPECT_TRUE(contains(c.get(page_b).body, "href=\"/backoffice/cases/" + a + "\""));
    EXPECT_TRUE(contains(c.get(page_a).body, "href=\"/backoffice/cases/" + b + "\""));

    auto note =
        c.post_form(page_a + "/notes", with_csrf(c, page_a, "note=telefonato+al+registrar"));
    EXPECT_EQ(note.status, 303);
    EXPECT_TRUE(contains(c.get(page_a).body, "telefonato al registrar"));
    EXPECT_EQ(sql_value(db, "SELECT COUNT(*) FROM case_notes"), "1");
    EXPECT_FALSE(contains(db.sql("SELECT body_sealed FROM case_notes"), "registrar"));

    for (const char* action :
         {"case.merge", "case.unmerge", "case.split", "case.link", "case.note"}) {
        EXPECT_EQ(audit_count(db, action), 1) << action;
    }
    EXPECT_EQ(run_segnala({"audit", "verify", "--database", db.url()}).exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, CasePage, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace segnala::testing
