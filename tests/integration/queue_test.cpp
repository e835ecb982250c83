// The triage queue against the real binary, on every backend: reports filed through the API
// appear ranked in the queue (CSAM first, and only for operators with the csam permission),
// filters and full-text search (URL words and description words, the latter never stored in
// clear), bad filters answered with a message and nothing else, take and bulk close with the
// reporter's status following, CSRF and role checks, the overdue summary with configured
// targets, and an audit chain that still verifies afterwards.
#include <fstream>
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace segnala::testing {
namespace {

using nlohmann::json;

class Queue : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        if (auto why = skip_reason(GetParam()))
            GTEST_SKIP() << *why;
    }
};

std::string add_key(const TestDatabase& db) {
    auto r = run_segnala({"apikey", "add", "queue-test", "--scope", "reports:write", "--rate-limit",
                          "0", "--database", db.url()});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    static const std::regex line("(^|\n)key: (sgn_[A-Za-z0-9_-]{43})\n");
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.out, m, line)) << r.out;
    return m.size() > 2 ? m[2].str() : "";
}

struct Filed {
    std::string code;
    std::int64_t case_id = 0;
};

Filed file(Client& c, const std::string& key, const std::string& category, const std::string& url,
           const std::string& description = "") {
    json body = {{"category", category}, {"urls", {url}}};
    if (!description.empty()) {
        body["description"] = description;
    }
    auto r = c.request("POST", "/api/v1/reports", body.dump(),
                       {"Authorization: Bearer " + key, "Content-Type: application/json"});
    EXPECT_EQ(r.status, 201) << r.body;
    Filed f;
    auto j = json::parse(r.body, nullptr, false);
    if (j.is_object()) {
        f.code = j.value("code", "");
    }
    return f;
}

std::int64_t case_of(const TestDatabase& db, const std::string& code) {
    const std::string out = db.sql("SELECT case_id FROM reports WHERE code = '" + code + "'");
    return std::atoll(out.c_str());
}

std::string status_of(Client& c, const std::string& key, const std::string& code) {
    auto r = c.get("/api/v1/reports/" + code, {"Authorization: Bearer " + key});
    auto j = json::parse(r.body, nullptr, false);
    return j.is_object() ? j.value("status", "") : "";
}

std::string case_row(const std::string& html, std::int64_t id) {
    const std::string open = "<tr id=\"case-" + std::to_string(id) + "\"";
    const auto at = html.find(open);
    if (at == std::string::npos) {
        return "";
    }
    return html.substr(at, html.find("</tr>", at) - at);
}

/// Nothing in the page can run: no inline script, no event-handler attribute, no
/// javascript: URL in a link or source (reporter input shows only as escaped text).
void expect_inert(const std::string& html) {
    const auto icase = std::regex::ECMAScript | std::regex::icase;
    EXPECT_FALSE(std::regex_search(html, std::regex(R"(<[a-z][^>]*\son[a-z]+\s*=)", icase)));
    EXPECT_FALSE(std::regex_search(html, std::regex(R"(<script(?![^>]*\ssrc=)[^>]*>)", icase)));
    EXPECT_FALSE(
        std::regex_search(html, std::regex(R"((href|src|action)\s*=\s*"\s*javascript:)", icase)));
    EXPECT_EQ(html.find("<svg"), std::string::npos);
    EXPECT_EQ(html.find("<img"), std::string::npos);
}

bool listed(const std::string& html, std::int64_t id) {
    return !case_row(html, id).empty();
}

std::string bulk_body(Client& c, const std::string& action, const std::vector<std::int64_t>& ids,
                      const std::string& extra = "") {
    std::string body = "_csrf=" + form_encode(csrf_of(c, "/backoffice")) + "&action=" + action;
    for (auto id : ids) {
        body += "&case=" + std::to_string(id);
    }
    return body + extra;
}

TEST_P(Queue, OperatorsSeeFilterSearchTakeAndCloseCases) {
    TestDatabase db(GetParam());
    const auto config = db.dir() / "segnala.toml";
    { std::ofstream(config) << "[triage]\ntarget_phishing_hours = 1\n"; }
    Server server(db, {"--config", config.string()});
    Client api(server.base_url());
    const std::string key = add_key(db);
    const Filed phish = file(api, key, "phishing", "https://paypal-verify.example/login",
                             "Mi ha scritto un certo Zorblax Quintilio");
    const Filed spam = file(api, key, "spam", "http://offerte.example/promo");
    const Filed csam = file(api, key, "csam", "http://hidden-material.example/x");
    const Filed xss = file(api, key, "fraud",
                           "https://xss.example/\"><script>alert(1)</script><img src=x "
                           "onerror=alert(2)>?q=javascript:alert(3)",
                           "<svg onload=alert(4)>");
    const auto phish_case = case_of(db, phish.code);
    const auto spam_case = case_of(db, spam.code);
    const auto csam_case = case_of(db, csam.code);
    const auto xss_case = case_of(db, xss.code);
    ASSERT_GT(phish_case, 0);
    ASSERT_GT(csam_case, 0);

    // An operator without the csam permission: the CSAM case does not exist for them.
    Client op(server.base_url());
    login_new_operator(op, db, "olga", "operator");
    auto page = op.get("/backoffice");
    ASSERT_EQ(page.status, 200) << page.header("location").value_or("") << page.body;
    EXPECT_TRUE(listed(page.body, phish_case));
    EXPECT_TRUE(listed(page.body, spam_case));
    EXPECT_TRUE(listed(page.body, xss_case));
    EXPECT_FALSE(listed(page.body, csam_case));
    EXPECT_EQ(page.body.find("hidden-material"), std::string::npos);
    // URLs are defanged text, never links; reporter input is inert.
    const std::string row = case_row(page.body, phish_case);
    EXPECT_NE(row.find("hxxps://paypal-verify[.]example/login"), std::string::npos) << row;
    EXPECT_EQ(page.body.find("href=\"https://paypal"), std::string::npos);
    expect_inert(page.body);
    // The ranking is explained, and phishing (+48 h) ranks above spam.
    EXPECT_NE(row.find("<details>"), std::string::npos);
    EXPECT_LT(page.body.find("id=\"case-" + std::to_string(phish_case) + "\""),
              page.body.find("id=\"case-" + std::to_string(spam_case) + "\""));
    auto csam_filter = op.get("/backoffice?category=csam");
    EXPECT_EQ(csam_filter.status, 422);
    EXPECT_FALSE(listed(csam_filter.body, csam_case));

    // Filters and search.
    auto by_cat = op.get("/backoffice?category=phishing");
    EXPECT_TRUE(listed(by_cat.body, phish_case));
    EXPECT_FALSE(listed(by_cat.body, spam_case));
    auto by_domain = op.get("/backoffice?domain=offerte.example");
    EXPECT_TRUE(listed(by_domain.body, spam_case));
    EXPECT_FALSE(listed(by_domain.body, phish_case));
    auto by_url_word = op.get("/backoffice?q=PayPal");
    EXPECT_TRUE(listed(by_url_word.body, phish_case));
    EXPECT_FALSE(listed(by_url_word.body, spam_case));
    auto by_description = op.get("/backoffice?q=zorblax+quintilio");
    EXPECT_TRUE(listed(by_description.body, phish_case));
    EXPECT_FALSE(listed(by_description.body, spam_case));
    auto hostile = op.get("/backoffice?q=%22zorblax%22+OR+*+NEAR%28%29+%5E");
    EXPECT_EQ(hostile.status, 200);
    EXPECT_FALSE(listed(hostile.body, phish_case));  // "or", "near" are plain words here
    auto by_date = op.get("/backoffice?from=2000-01-01&to=2000-01-02");
    EXPECT_FALSE(listed(by_date.body, phish_case));
    // The sealed description never reaches the index in clear.
    const std::string terms = db.sql("SELECT terms FROM report_search");
    EXPECT_NE(terms.find("paypal"), std::string::npos);
    EXPECT_EQ(terms.find("zorblax"), std::string::npos);
    EXPECT_EQ(terms.find("quintilio"), std::string::npos);

    // Bad filters: a message in the user's language, no results.
    auto bad = op.get("/backoffice?category=nonsense&from=2026-02-30&after=AAAA&lang=en");
    EXPECT_EQ(bad.status, 422);
    EXPECT_NE(bad.body.find("Choose a category from the list."), std::string::npos);
    EXPECT_NE(bad.body.find("Write the date as YYYY-MM-DD"), std::string::npos);
    EXPECT_NE(bad.body.find("This page link is not valid"), std::string::npos);
    EXPECT_FALSE(listed(bad.body, phish_case));
    auto bad_it = op.get("/backoffice?domain=%3Cscript%3E&lang=it");
    EXPECT_EQ(bad_it.status, 422);
    EXPECT_NE(bad_it.body.find("Scrivi un dominio come esempio.it"), std::string::npos);
    expect_inert(bad_it.body);

    // Take: assigned to me, in review, and the reporter sees it.
    auto no_csrf =
        op.post_form("/backoffice/queue/bulk", "action=take&case=" + std::to_string(phish_case));
    EXPECT_EQ(no_csrf.status, 403);
    EXPECT_EQ(status_of(api, key, phish.code), "received");
    auto take = op.post_form("/backoffice/queue/bulk", bulk_body(op, "take", {phish_case}));
    EXPECT_EQ(take.status, 303) << take.body;
    EXPECT_EQ(status_of(api, key, phish.code), "in_review");
    auto mine = op.get("/backoffice?mine=1");
    EXPECT_TRUE(listed(mine.body, phish_case));
    EXPECT_FALSE(listed(mine.body, spam_case));
    EXPECT_NE(case_row(mine.body, phish_case).find("olga"), std::string::npos);
    // Taking the CSAM case without the permission changes nothing and says nothing about it.
    auto take_csam = op.post_form("/backoffice/queue/bulk", bulk_body(op, "take", {csam_case}));
    EXPECT_EQ(take_csam.status, 303);
    EXPECT_NE(take_csam.header("location").value_or("").find("done=0&skipped=1"),
              std::string::npos);
    EXPECT_EQ(status_of(api, key, csam.code), "received");
    // Operators triage; closing needs an analyst.
    auto close_op = op.post_form("/backoffice/queue/bulk",
                                 bulk_body(op, "close", {spam_case}, "&reason=not_malicious"));
    EXPECT_EQ(close_op.status, 403);
    EXPECT_EQ(status_of(api, key, spam.code), "received");

    Client an(server.base_url());
    login_new_operator(an, db, "anna", "analyst");
    auto no_reason = an.post_form("/backoffice/queue/bulk", bulk_body(an, "close", {spam_case}));
    EXPECT_EQ(no_reason.status, 422);
    EXPECT_EQ(status_of(api, key, spam.code), "received");
    auto none = an.post_form("/backoffice/queue/bulk?lang=en", bulk_body(an, "take", {}));
    EXPECT_EQ(none.status, 422);
    EXPECT_NE(none.body.find("Select at least one case"), std::string::npos);
    auto junk = an.post_form("/backoffice/queue/bulk", bulk_body(an, "take", {}, "&case=1%3B"));
    EXPECT_EQ(junk.status, 422);
    auto close = an.post_form("/backoffice/queue/bulk",
                              bulk_body(an, "close", {spam_case, xss_case}, "&reason=offline"));
    EXPECT_EQ(close.status, 303) << close.body;
    EXPECT_EQ(status_of(api, key, spam.code), "not_actionable");
    EXPECT_EQ(status_of(api, key, xss.code), "not_actionable");
    auto after_close = an.get("/backoffice");
    EXPECT_FALSE(listed(after_close.body, spam_case));
    auto closed = an.get("/backoffice?status=not_actionable");
    EXPECT_TRUE(listed(closed.body, spam_case));

    // An operator with the csam permission sees the CSAM case first.
    Client cs(server.base_url());
    login_new_operator(cs, db, "carla", "operator", true);
    auto cs_page = cs.get("/backoffice");
    ASSERT_TRUE(listed(cs_page.body, csam_case));
    EXPECT_LT(cs_page.body.find("id=\"case-" + std::to_string(csam_case) + "\""),
              cs_page.body.find("id=\"case-" + std::to_string(phish_case) + "\""));
    auto cs_take = cs.post_form("/backoffice/queue/bulk", bulk_body(cs, "take", {csam_case}));
    EXPECT_EQ(cs_take.status, 303);
    EXPECT_EQ(status_of(api, key, csam.code), "in_review");

    // Overdue (supervisors): the phishing target is 1 h by configuration.
    EXPECT_EQ(op.get("/backoffice/overdue").status, 403);
    const std::string phish2 = file(api, key, "phishing", "https://late.example/a").code;
    db.sql("UPDATE cases SET first_seen = first_seen - 7200 WHERE id = " +
           std::to_string(case_of(db, phish2)));
    Client sup(server.base_url());
    login_new_operator(sup, db, "sara", "supervisor");
    auto overdue = sup.get("/backoffice/overdue?lang=en");
    ASSERT_EQ(overdue.status, 200);
    EXPECT_NE(overdue.body.find("target: 1</p>"), std::string::npos) << overdue.body;
    EXPECT_NE(overdue.body.find("<td>1 h</td><td>1</td>"), std::string::npos);
    auto late_row = case_row(sup.get("/backoffice?lang=en").body, case_of(db, phish2));
    EXPECT_NE(late_row.find("Overdue"), std::string::npos) << late_row;

    // Every change above is in the audit log, and the chain verifies.
    const std::string actions = db.sql("SELECT action FROM audit_log WHERE action LIKE 'case.%'");
    EXPECT_NE(actions.find("case.take"), std::string::npos);
    EXPECT_NE(actions.find("case.close"), std::string::npos);
    auto verify = run_segnala({"audit", "verify", "--database", db.url()});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_P(Queue, PagesFollowTheCursorWithoutRepeats) {
    TestDatabase db(GetParam());
    Server server(db);
    Client api(server.base_url());
    const std::string key = add_key(db);
    std::vector<json> batch;
    for (int i = 0; i < 60; ++i) {
        batch.push_back({{"category", i % 2 ? "spam" : "fraud"},
                         {"urls", {"https://many-" + std::to_string(i) + ".example/"}}});
    }
    auto r = api.request("POST", "/api/v1/reports", json(batch).dump(),
                         {"Authorization: Bearer " + key, "Content-Type: application/json"});
    ASSERT_EQ(r.status, 201) << r.body;
    Client op(server.base_url());
    login_new_operator(op, db, "paolo", "operator");
    std::set<std::string> seen;
    std::string next = "/backoffice";
    int rows = 0;
    int pages = 0;
    const std::regex row("<tr id=\"case-([0-9]+)\"");
    while (!next.empty() && pages < 5) {
        auto page = op.get(next);
        ASSERT_EQ(page.status, 200) << next;
        ++pages;
        for (std::sregex_iterator it(page.body.begin(), page.body.end(), row), end; it != end;
             ++it) {
            EXPECT_TRUE(seen.insert((*it)[1].str()).second) << "repeated " << (*it)[1];
            ++rows;
        }
        std::smatch m;
        const std::regex href("href=\"(/backoffice\\?[^\"]*after=[^\"]*)\" id=\"queue-next\"");
        next = std::regex_search(page.body, m, href) ? m[1].str() : "";
        // The link is HTML-escaped in the page.
        next = std::regex_replace(next, std::regex("&amp;"), "&");
    }
    EXPECT_EQ(pages, 2);
    EXPECT_EQ(rows, 60);
    EXPECT_EQ(op.get("/backoffice?after=not-a-cursor").status, 422);
}

INSTANTIATE_TEST_SUITE_P(Backends, Queue, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace segnala::testing
