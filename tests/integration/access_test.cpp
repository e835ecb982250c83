// Access to the back office against the real binary, on every backend: the second factor
// (enrolment, wrong and reused codes, recovery codes once, brute force), half-open sessions,
// reset-2fa (CLI and admin page), the account page, the admin pages and their role gate,
// CSRF, and session fixation.
#include <chrono>
#include <regex>

#include <gtest/gtest.h>

#include "crypto/totp.hpp"
#include "harness.hpp"

namespace segnala::testing {
namespace {

class Access : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        if (auto why = skip_reason(GetParam()))
            GTEST_SKIP() << *why;
    }
};

std::string login_body(const std::string& csrf, const std::string& user, const std::string& pw) {
    return "_csrf=" + form_encode(csrf) + "&username=" + form_encode(user) +
           "&password=" + form_encode(pw);
}

/// The password step only: the session is then half-open.
HttpResult password_only(Client& c, const std::string& user, const std::string& pw) {
    auto page = c.get("/backoffice/login");
    return c.post_form("/backoffice/login", login_body(hidden_field(page.body, "_csrf"), user, pw));
}

/// `segnala user add` and its one-time password.
std::string add_user(const TestDatabase& db, const std::string& name, const std::string& role) {
    auto r = run_segnala({"user", "add", name, "--role", role, "--database", db.url()},
                         {{"SEGNALA_DATA_DIR", (db.dir() / "data").string()}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto pw = r.out.find("password: ");
    return pw == std::string::npos ? "" : r.out.substr(pw + 10, r.out.find('\n', pw) - pw - 10);
}

std::vector<std::string> recovery_codes(const std::string& html) {
    std::vector<std::string> out;
    std::regex code("<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>");
    for (std::sregex_iterator it(html.begin(), html.end(), code), end; it != end; ++it) {
        out.push_back((*it)[1]);
    }
    return out;
}

std::string wrong_code_for(const std::string& secret_base32) {
    // A 6-digit code that none of the steps around now produces (without using a step).
    const std::string secret = crypto::base32_decode(secret_base32).value();
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    for (const char* candidate : {"000000", "111111", "222222", "333333"}) {
        bool used = false;
        for (std::int64_t d = -90; d <= 90; d += 30) {
            used = used || crypto::totp(secret, now + d) == candidate;
        }
        if (!used) {
            return candidate;
        }
    }
    return "444444";
}

void expect_audit_ok(const TestDatabase& db) {
    auto v = run_segnala({"audit", "verify", "--database", db.url()});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST_P(Access, EnrolmentWrongCodeReusedCodeAndRecoveryCodesOnce) {
    TestDatabase db(GetParam());
    Server server(db);
    const std::string one_time = add_user(db, "anna.rossi", "analyst");
    Client c(server.base_url());
    auto r = password_only(c, "anna.rossi", one_time);
    ASSERT_EQ(r.status, 303);
    EXPECT_EQ(r.header("location").value_or(""), "/backoffice/2fa");

    auto enrol = c.get("/backoffice/2fa");
    ASSERT_EQ(enrol.status, 200);
    const std::string secret = enrolment_secret(enrol.body);
    ASSERT_EQ(secret.size(), 32u) << enrol.body;  // 160 bits in base32
    EXPECT_NE(enrol.body.find("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label="),
              std::string::npos);
    EXPECT_EQ(enrol.body.find("data:"), std::string::npos);
    // A reload shows the same secret (the pending one), not a new one.
    EXPECT_EQ(enrolment_secret(c.get("/backoffice/2fa").body), secret);
    // The secret is sealed at rest.
    EXPECT_EQ(db.sql("SELECT count(*) FROM operators WHERE totp_secret_sealed IS NOT NULL"
                     " AND totp_enrolled_at = 0")
                  .substr(0, 1),
              "1");

    r = post_second_factor(c, wrong_code_for(secret));
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("Codice errato"), std::string::npos);
    EXPECT_NE(enrolment_secret(r.body), "");  // still the enrolment page
    r = post_second_factor(c, "");
    EXPECT_EQ(r.status, 422);

    const std::string first_code = next_totp(secret);
    r = post_second_factor(c, first_code);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto codes = recovery_codes(r.body);
    ASSERT_EQ(codes.size(), 10u) << r.body;
    // Only hashes are stored.
    EXPECT_EQ(db.sql("SELECT count(*) FROM recovery_codes WHERE code_hash = '" + codes[0] + "'")
                  .substr(0, 1),
              "0");
    // Next: the forced password change (the temporary password is still in use).
    EXPECT_NE(r.body.find("href=\"/backoffice/password\""), std::string::npos);
    EXPECT_EQ(c.get("/backoffice").header("location").value_or(""), "/backoffice/password");

    // A new login: the enrolment code cannot be used again.
    Client d(server.base_url());
    ASSERT_EQ(password_only(d, "anna.rossi", one_time).status, 303);
    EXPECT_EQ(enrolment_secret(d.get("/backoffice/2fa").body), "");  // the code page now
    r = post_second_factor(d, first_code);
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(d.get("/backoffice/account").header("location").value_or(""), "/backoffice/2fa");
    // A recovery code works once (in any case, with or without the dash).
    std::string upper = codes[4];
    for (auto& ch : upper)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    r = post_second_factor(d, upper);
    EXPECT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(r.header("location").value_or(""), "/backoffice/password");
    Client e(server.base_url());
    ASSERT_EQ(password_only(e, "anna.rossi", one_time).status, 303);
    EXPECT_EQ(post_second_factor(e, codes[4]).status, 422);
    EXPECT_EQ(post_second_factor(e, next_totp(secret)).status, 303);
    expect_audit_ok(db);
    const std::string audit = db.sql("SELECT action FROM audit_log ORDER BY seq");
    for (const char* action : {"2fa.enrol_start", "2fa.enrol_failed", "2fa.enrol",
                               "2fa.verify_failed", "2fa.recovery_code_used", "2fa.verify"}) {
        EXPECT_NE(audit.find(action), std::string::npos) << action;
    }
}

TEST_P(Access, HalfOpenSessionReachesOnlyTheSecondFactorAndLogout) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    Operator admin = login_first_admin(c, server);  // enrolled, password changed
    Client half(server.base_url());
    ASSERT_EQ(password_only(half, "admin", admin.password).status, 303);
    for (const char* path :
         {"/backoffice", "/backoffice/account", "/backoffice/admin/operators",
          "/backoffice/admin/apikeys", "/backoffice/admin/sessions", "/backoffice/password"}) {
        auto r = half.get(path);
        EXPECT_EQ(r.status, 303) << path;
        EXPECT_EQ(r.header("location").value_or(""), "/backoffice/2fa") << path;
    }
    // A change attempted with a valid CSRF token is refused too, and changes nothing.
    const std::string csrf = hidden_field(half.get("/backoffice/2fa").body, "_csrf");
    auto r = half.post_form("/backoffice/admin/operators",
                            "_csrf=" + form_encode(csrf) + "&username=sneaky&role=admin");
    EXPECT_EQ(r.header("location").value_or(""), "/backoffice/2fa");
    EXPECT_EQ(run_segnala({"user", "list", "--database", db.url()}).out.find("sneaky"),
              std::string::npos);
    // Logout works from the half-open session.
    r = half.post_form("/backoffice/logout", "_csrf=" + form_encode(csrf));
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(half.get("/backoffice/2fa").header("location").value_or(""), "/backoffice/login");
}

TEST_P(Access, BruteForceOnTheCodeStepSlowsThenLocks) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    Operator admin = login_first_admin(c, server);
    Client b(server.base_url());
    ASSERT_EQ(password_only(b, "admin", admin.password).status, 303);
    const std::string wrong = wrong_code_for(admin.totp_secret);
    long last = 0;
    HttpResult r;
    for (int i = 0; i < 5; ++i) {
        r = post_second_factor(b, wrong);
        last = r.status;
        if (i < 4) {
            EXPECT_EQ(r.status, 422) << i;
        }
    }
    EXPECT_EQ(last, 429);
    EXPECT_TRUE(r.header("retry-after").has_value());
    EXPECT_NE(r.body.find("Riprova tra"), std::string::npos);
    // The right code is refused while locked, and so is the password on a new login.
    r = post_second_factor(b, next_totp(admin.totp_secret));
    EXPECT_EQ(r.status, 429);
    Client other(server.base_url());
    EXPECT_EQ(password_only(other, "admin", admin.password).status, 429);
    // In English too.
    r = b.get("/backoffice/2fa?lang=en");
    r = post_second_factor(b, wrong);
    EXPECT_NE(r.body.find("Try again in"), std::string::npos);
    expect_audit_ok(db);
}

TEST_P(Access, ResetTwoFactorFromTheCommandLine) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    Operator op = login_new_operator(c, db, "marco.neri", "operator");
    ASSERT_FALSE(op.totp_secret.empty());
    ASSERT_EQ(c.get("/backoffice/account").status, 200);
    const std::regex enrolled("marco\\.neri +operator +no +yes +active");
    const std::regex not_enrolled("marco\\.neri +operator +no +no +active");
    EXPECT_TRUE(
        std::regex_search(run_segnala({"user", "list", "--database", db.url()}).out, enrolled));
    auto reset = run_segnala({"user", "reset-2fa", "marco.neri", "--database", db.url()});
    EXPECT_EQ(reset.exit_code, 0) << reset.err;
    EXPECT_NE(reset.out.find("2fa reset: marco.neri"), std::string::npos);
    EXPECT_TRUE(
        std::regex_search(run_segnala({"user", "list", "--database", db.url()}).out, not_enrolled));
    // Their sessions are over; the next login enrols again with a new secret.
    EXPECT_EQ(c.get("/backoffice/account").header("location").value_or(""), "/backoffice/login");
    ASSERT_EQ(password_only(c, "marco.neri", op.password).status, 303);
    const std::string fresh = enrolment_secret(c.get("/backoffice/2fa").body);
    EXPECT_FALSE(fresh.empty());
    EXPECT_NE(fresh, op.totp_secret);
    auto missing = run_segnala({"user", "reset-2fa", "nobody", "--database", db.url()});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_NE(missing.err.find("no such user"), std::string::npos);
    EXPECT_NE(db.sql("SELECT action FROM audit_log").find("operator.reset_2fa"), std::string::npos);
    expect_audit_ok(db);
}

TEST_P(Access, AccountPageAndLogoutEverywhere) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    Operator op = login_new_operator(c, db, "sara.blu", "supervisor", true);
    Client phone(server.base_url());
    login_again(phone, op);
    auto page = c.get("/backoffice/account");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("sara.blu"), std::string::npos);
    EXPECT_NE(page.body.find("supervisore"), std::string::npos);
    EXPECT_NE(page.body.find("CSAM"), std::string::npos);
    EXPECT_NE(page.body.find("href=\"/backoffice/password\""), std::string::npos);
    EXPECT_NE(page.body.find("action=\"/backoffice/logout-everywhere\""), std::string::npos);
    // 2FA since: a date and time in Rome, dd/mm/yyyy hh:mm.
    EXPECT_TRUE(std::regex_search(page.body, std::regex(R"(\d{2}/\d{2}/\d{4} \d{2}:\d{2})")));
    // Both sessions listed.
    const std::string rows = page.body.substr(page.body.rfind("<tbody>"));
    std::regex row("<tr><td>");
    EXPECT_EQ(
        std::distance(std::sregex_iterator(rows.begin(), rows.end(), row), std::sregex_iterator()),
        2);
    auto r = c.post_form("/backoffice/logout-everywhere", "_csrf=" + csrf_of(c));
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(phone.get("/backoffice/account").header("location").value_or(""),
              "/backoffice/login");
}

TEST_P(Access, AdminPagesRoleGateAndCsrf) {
    TestDatabase db(GetParam());
    Server server(db);
    Client admin_c(server.base_url());
    login_first_admin(admin_c, server);
    Client op_c(server.base_url());
    login_new_operator(op_c, db, "piero.verdi", "supervisor");
    for (const char* path : {"/backoffice/admin/operators", "/backoffice/admin/apikeys",
                             "/backoffice/admin/sessions"}) {
        EXPECT_EQ(op_c.get(path).status, 403) << path;
        EXPECT_EQ(admin_c.get(path).status, 200) << path;
    }
    auto r = op_c.post_form("/backoffice/admin/operators",
                            "_csrf=" + csrf_of(op_c) + "&username=evil.twin&role=admin");
    EXPECT_EQ(r.status, 403);
    // Without a CSRF token (or a forged one) the admin is refused too, and nothing changes.
    r = admin_c.post_form("/backoffice/admin/operators", "username=no.token&role=operator");
    EXPECT_EQ(r.status, 403);
    r = admin_c.post_form("/backoffice/admin/operators",
                          "_csrf=forged&username=no.token&role=operator");
    EXPECT_EQ(r.status, 403);
    r = admin_c.post_form("/backoffice/admin/operators/reset-2fa", "username=piero.verdi");
    EXPECT_EQ(r.status, 403);
    r = admin_c.post_form("/backoffice/admin/apikeys",
                          "name=nokey&scope=reports%3Awrite&rate_limit=5");
    EXPECT_EQ(r.status, 403);
    const std::string users = run_segnala({"user", "list", "--database", db.url()}).out;
    EXPECT_EQ(users.find("evil.twin"), std::string::npos);
    EXPECT_EQ(users.find("no.token"), std::string::npos);
    EXPECT_EQ(op_c.get("/backoffice/account").status, 200) << "2FA must not have been reset";
    EXPECT_EQ(db.sql("SELECT count(*) FROM api_keys").substr(0, 1), "0");
}

TEST_P(Access, AdminManagesOperatorsKeysAndSessions) {
    TestDatabase db(GetParam());
    Server server(db);
    Client a(server.base_url());
    login_first_admin(a, server);
    const std::string csrf = csrf_of(a);

    // Bad input: a clear message, nothing created.
    auto r = a.post_form("/backoffice/admin/operators",
                         "_csrf=" + csrf + "&username=" + form_encode("<script>") + "&role=admin");
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("Nome utente non valido"), std::string::npos);
    EXPECT_EQ(r.body.find("<script>"), std::string::npos);
    r = a.post_form("/backoffice/admin/operators",
                    "_csrf=" + csrf + "&username=gino.rossi&role=god");
    EXPECT_EQ(r.status, 422);
    // Create: the one-time password is shown once.
    r = a.post_form("/backoffice/admin/operators",
                    "_csrf=" + csrf + "&username=gino.rossi&role=analyst&csam=1");
    ASSERT_EQ(r.status, 200) << r.body;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.body, m, std::regex("password: (\\S{12,})</code>")));
    const std::string one_time = m[1];
    EXPECT_EQ(a.get("/backoffice/admin/operators").body.find(one_time), std::string::npos);
    r = a.post_form("/backoffice/admin/operators",
                    "_csrf=" + csrf + "&username=gino.rossi&role=analyst");
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("Esiste già"), std::string::npos);
    Client g(server.base_url());
    Operator gino{"gino.rossi", one_time, ""};
    login_again(g, gino);
    EXPECT_EQ(g.get("/backoffice/account").status, 200);

    // Sessions: the admin sees gino's, with a short user agent, and ends it.
    auto sessions = a.get("/backoffice/admin/sessions");
    ASSERT_EQ(sessions.status, 200);
    EXPECT_NE(sessions.body.find("gino.rossi"), std::string::npos);
    std::smatch sm;
    const std::string after_gino = sessions.body.substr(sessions.body.find("gino.rossi"));
    ASSERT_TRUE(
        std::regex_search(after_gino, sm, std::regex("name=\"session\" value=\"([0-9a-f]{64})\"")));
    r = a.post_form("/backoffice/admin/sessions/end", "_csrf=" + csrf + "&session=" + sm[1].str());
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(g.get("/backoffice/account").header("location").value_or(""), "/backoffice/login");
    r = a.post_form("/backoffice/admin/sessions/end", "_csrf=" + csrf + "&session=nonsense");
    EXPECT_EQ(r.status, 404);

    // Disable: the password no longer opens a session; enable again.
    r = a.post_form("/backoffice/admin/operators/disable",
                    "_csrf=" + csrf + "&username=gino.rossi&disabled=1");
    EXPECT_EQ(r.status, 200);
    Client g2(server.base_url());
    EXPECT_EQ(password_only(g2, "gino.rossi", one_time).status, 401);
    r = a.post_form("/backoffice/admin/operators/disable",
                    "_csrf=" + csrf + "&username=admin&disabled=1");
    EXPECT_EQ(r.status, 422);  // not yourself
    r = a.post_form("/backoffice/admin/operators/disable",
                    "_csrf=" + csrf + "&username=gino.rossi&disabled=0");
    EXPECT_EQ(r.status, 200);
    // Reset 2FA from the page: the next login enrols again.
    r = a.post_form("/backoffice/admin/operators/reset-2fa",
                    "_csrf=" + csrf + "&username=gino.rossi");
    EXPECT_EQ(r.status, 200);
    ASSERT_EQ(password_only(g2, "gino.rossi", forced_change_password("gino.rossi")).status, 303);
    EXPECT_FALSE(enrolment_secret(g2.get("/backoffice/2fa").body).empty());

    // API keys: bad input refused, the secret shown once, then revoked.
    r = a.post_form("/backoffice/admin/apikeys",
                    "_csrf=" + csrf + "&name=bank-1&scope=reports%3Awrite&rate_limit=lots");
    EXPECT_EQ(r.status, 422);
    r = a.post_form("/backoffice/admin/apikeys",
                    "_csrf=" + csrf + "&name=bank-1&scope=everything&rate_limit=5");
    EXPECT_EQ(r.status, 422);
    r = a.post_form("/backoffice/admin/apikeys",
                    "_csrf=" + csrf + "&name=bank-1&scope=reports%3Awrite&rate_limit=5");
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_TRUE(std::regex_search(r.body, m, std::regex("key: (sgn_[A-Za-z0-9_-]{43})")));
    const std::string secret = m[1];
    EXPECT_EQ(a.get("/backoffice/admin/apikeys").body.find(secret), std::string::npos);
    r = a.post_form("/backoffice/admin/apikeys/revoke", "_csrf=" + csrf + "&name=bank-1");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(db.sql("SELECT revoked_at FROM api_keys WHERE name = 'bank-1'").substr(0, 1), "0");
    r = a.post_form("/backoffice/admin/apikeys/revoke", "_csrf=" + csrf + "&name=nope");
    EXPECT_EQ(r.status, 404);

    const std::string audit = db.sql("SELECT action FROM audit_log ORDER BY seq");
    for (const char* action :
         {"operator.create", "session.revoke", "operator.disable", "operator.enable",
          "operator.reset_2fa", "apikey.create", "apikey.revoke"}) {
        EXPECT_NE(audit.find(action), std::string::npos) << action;
    }
    expect_audit_ok(db);
}

TEST_P(Access, SessionIdSetBeforeLoginIsNeverAcceptedAfterIt) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    const std::string planted = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
    c.set_cookie("segnala_session", planted);
    login_first_admin(c, server);
    EXPECT_NE(c.cookie("segnala_session"), planted);
    EXPECT_EQ(c.get("/backoffice/account").status, 200);
    Client attacker(server.base_url());
    attacker.set_cookie("segnala_session", planted);
    EXPECT_EQ(attacker.get("/backoffice/account").header("location").value_or(""),
              "/backoffice/login");
}

TEST_P(Access, HostileUserAgentIsInertOnTheSessionPages) {
    TestDatabase db(GetParam());
    Server server(db);
    Client a(server.base_url());
    login_first_admin(a, server);
    Client x(server.base_url());
    const std::string payload = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    auto page = x.get("/backoffice/login");
    auto r = x.post_form("/backoffice/login",
                         login_body(hidden_field(page.body, "_csrf"), "admin", "wrong password"),
                         {"User-Agent: " + payload});
    EXPECT_EQ(r.status, 401);
    Operator admin{"admin", forced_change_password("admin"), ""};
    auto ok = x.post_form("/backoffice/login",
                          login_body(hidden_field(page.body, "_csrf"), "admin", admin.password),
                          {"User-Agent: " + payload});
    ASSERT_EQ(ok.status, 303);
    const std::string html = a.get("/backoffice/admin/sessions").body;
    EXPECT_EQ(html.find("<script>alert"), std::string::npos);
    EXPECT_EQ(html.find("<img src=x"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, Access, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace segnala::testing
