// The foundation against the real binary: pages, limits, headers, login, CSRF, sessions,
// configuration errors, the audit chain, and durability under kill -9 — on every backend.
#include <atomic>
#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace segnala::testing {
namespace {

class Foundation : public ::testing::TestWithParam<std::string> {
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

/// Logs in as admin with the one-time password, enrols the second factor and replaces the
/// password (harness.hpp); returns the operator with the new password and TOTP secret.
Operator first_login(Client& c, const Server& server) {
    EXPECT_EQ(c.get("/backoffice/login").status, 200);
    Operator op = login_first_admin(c, server);
    EXPECT_FALSE(op.totp_secret.empty());
    EXPECT_NE(op.password, server.admin_password());
    return op;
}

TEST_P(Foundation, HealthMetricsAndSecurityHeaders) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    auto h = c.get("/healthz");
    EXPECT_EQ(h.status, 200);
    for (const std::string path : {"/", "/healthz", "/no/such/page", "/privacy"}) {
        auto r = c.get(path);
        EXPECT_NE(r.header("content-security-policy").value_or("").find("frame-ancestors 'none'"),
                  std::string::npos)
            << path;
        EXPECT_EQ(r.header("referrer-policy").value_or(""), "no-referrer") << path;
        EXPECT_EQ(r.header("x-content-type-options").value_or(""), "nosniff") << path;
    }
    auto m = c.get("/metrics");
    EXPECT_EQ(m.status, 200);
    EXPECT_NE(m.body.find("segnala_http_requests_total"), std::string::npos);
    EXPECT_NE(m.body.find("segnala_http_request_duration_seconds_bucket"), std::string::npos);
    EXPECT_NE(m.body.find("segnala_http_open_connections"), std::string::npos);
    EXPECT_NE(m.body.find("segnala_db_commit_seconds"), std::string::npos);
    EXPECT_NE(m.body.find("segnala_db_batch_size"), std::string::npos);
}

TEST_P(Foundation, PagesInBothLanguagesAndErrors) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    auto it = c.get("/");
    EXPECT_EQ(it.status, 200);
    EXPECT_NE(it.body.find("lang=\"it\""), std::string::npos);
    auto en = c.get("/?lang=en");
    EXPECT_NE(en.body.find("lang=\"en\""), std::string::npos);
    // The choice sticks through the cookie.
    EXPECT_NE(c.get("/privacy").body.find("Privacy notice"), std::string::npos);
    Client fresh(server.base_url());
    EXPECT_NE(fresh.get("/", {"Accept-Language: en-GB,en;q=0.8"}).body.find("lang=\"en\""),
              std::string::npos);
    auto missing = fresh.get("/no/such/page");
    EXPECT_EQ(missing.status, 404);
    EXPECT_NE(missing.header("content-type").value_or("").find("text/html"), std::string::npos);
    auto wrong = fresh.request("DELETE", "/", "", {});
    EXPECT_EQ(wrong.status, 405);
    EXPECT_NE(wrong.header("allow").value_or("").find("GET"), std::string::npos);
    auto head = fresh.request("HEAD", "/", "", {});
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
}

TEST_P(Foundation, LoginPasswordChangeLogout) {
    TestDatabase db(GetParam());
    Server server(db);
    ASSERT_FALSE(server.admin_password().empty()) << server.log();
    Client c(server.base_url());
    EXPECT_EQ(c.get("/backoffice").status, 303);
    const Operator admin = first_login(c, server);
    const std::string pw = admin.password;
    auto home = c.get("/backoffice");
    EXPECT_EQ(home.status, 200);
    EXPECT_EQ(home.header("cache-control").value_or(""), "no-store");
    const std::string session = c.cookie("segnala_session");
    ASSERT_FALSE(session.empty());
    auto csrf = hidden_field(home.body, "_csrf");
    auto out = c.post_form("/backoffice/logout", "_csrf=" + form_encode(csrf));
    EXPECT_EQ(out.status, 303);
    // The old session id is dead even if someone kept it.
    Client thief(server.base_url());
    thief.set_cookie("segnala_session", session);
    EXPECT_EQ(thief.get("/backoffice").status, 303);
    // And the new password works.
    auto page = c.get("/backoffice/login");
    auto r =
        c.post_form("/backoffice/login", login_body(hidden_field(page.body, "_csrf"), "admin", pw));
    EXPECT_EQ(r.status, 303);
    // The password alone opens only the second-factor step.
    EXPECT_EQ(r.header("location").value_or(""), "/backoffice/2fa");
    EXPECT_EQ(c.get("/backoffice").header("location").value_or(""), "/backoffice/2fa");
    r = post_second_factor(c, next_totp(admin.totp_secret));
    EXPECT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(r.header("location").value_or(""), "/backoffice");
    EXPECT_EQ(c.get("/backoffice").status, 200);
}

TEST_P(Foundation, CsrfIsRequiredAndChangesNothing) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    const std::string pw = first_login(c, server).password;
    // Password change without the token: 403 and the password stays.
    auto r = c.post_form("/backoffice/password", "current_password=" + form_encode(pw) +
                                                     "&new_password=another+long+passphrase" +
                                                     "&confirm_password=another+long+passphrase");
    EXPECT_EQ(r.status, 403);
    r = c.post_form("/backoffice/password", "_csrf=forged&current_password=" + form_encode(pw) +
                                                "&new_password=another+long+passphrase" +
                                                "&confirm_password=another+long+passphrase");
    EXPECT_EQ(r.status, 403);
    Client other(server.base_url());
    auto page = other.get("/backoffice/login");
    r = other.post_form("/backoffice/login",
                        login_body(hidden_field(page.body, "_csrf"), "admin", pw));
    EXPECT_EQ(r.status, 303) << "password must be unchanged";
    // A login POST without the token is refused too.
    Client bare(server.base_url());
    r = bare.post_form("/backoffice/login", "username=admin&password=" + form_encode(pw));
    EXPECT_EQ(r.status, 403);
}

TEST_P(Foundation, SessionSetBeforeLoginIsNeverAccepted) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    const std::string planted = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    c.set_cookie("segnala_session", planted);
    first_login(c, server);
    EXPECT_NE(c.cookie("segnala_session"), planted);
    Client attacker(server.base_url());
    attacker.set_cookie("segnala_session", planted);
    EXPECT_EQ(attacker.get("/backoffice").status, 303);
}

TEST_P(Foundation, FailedLoginsSlowDownThenLock) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    auto page = c.get("/backoffice/login");
    const auto csrf = hidden_field(page.body, "_csrf");
    long last = 0;
    for (int i = 0; i < 6; ++i) {
        last = c.post_form("/backoffice/login",
                           login_body(csrf, "admin", "wrong password " + std::to_string(i)))
                   .status;
    }
    EXPECT_EQ(last, 429);
    // Even the right password is refused while locked, with a clear message.
    auto r = c.post_form("/backoffice/login", login_body(csrf, "admin", server.admin_password()));
    EXPECT_EQ(r.status, 429);
    EXPECT_TRUE(r.header("retry-after").has_value());
    EXPECT_NE(r.body.find("Riprova tra"), std::string::npos);
}

TEST_P(Foundation, AuditChainVerifiesAndDetectsTampering) {
    TestDatabase db(GetParam());
    {
        Server server(db);
        Client c(server.base_url());
        first_login(c, server);
    }
    auto add =
        run_segnala({"user", "add", "maria.rossi", "--role", "analyst", "--database", db.url()});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    EXPECT_TRUE(std::regex_search(add.out, std::regex("(^|\n)password: \\S{12,}\n")));
    auto ok = run_segnala({"audit", "verify", "--database", db.url()});
    EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
    EXPECT_NE(ok.out.find("audit: ok"), std::string::npos);
    // Edit an entry directly in the database.
    db.sql("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2");
    auto bad = run_segnala({"audit", "verify", "--database", db.url()});
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_NE(bad.out.find("entry 2"), std::string::npos) << bad.out;
}

TEST_P(Foundation, AuditDetectsDeletion) {
    TestDatabase db(GetParam());
    for (const auto* name : {"anna.bianchi", "luca.verdi", "sara.neri"}) {
        ASSERT_EQ(run_segnala({"user", "add", name, "--database", db.url()}).exit_code, 0);
    }
    db.sql("DELETE FROM audit_log WHERE seq = 2");
    auto bad = run_segnala({"audit", "verify", "--database", db.url()});
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_NE(bad.out.find("entry "), std::string::npos) << bad.out;
}

TEST_P(Foundation, UserCommands) {
    TestDatabase db(GetParam());
    auto add = run_segnala(
        {"user", "add", "giulia.galli", "--role", "supervisor", "--database", db.url()});
    ASSERT_EQ(add.exit_code, 0);
    auto dup = run_segnala(
        {"user", "add", "giulia.galli", "--role", "supervisor", "--database", db.url()});
    EXPECT_NE(dup.exit_code, 0);
    EXPECT_NE(dup.err.find("already exists"), std::string::npos);
    auto role = run_segnala({"user", "add", "paolo", "--role", "god", "--database", db.url()});
    EXPECT_EQ(role.exit_code, 2);
    auto list = run_segnala({"user", "list", "--database", db.url()});
    EXPECT_NE(list.out.find("giulia.galli"), std::string::npos);
    EXPECT_NE(list.out.find("supervisor"), std::string::npos);
    ASSERT_EQ(run_segnala({"user", "disable", "giulia.galli", "--database", db.url()}).exit_code,
              0);
    EXPECT_NE(run_segnala({"user", "list", "--database", db.url()}).out.find("disabled"),
              std::string::npos);
}

TEST_P(Foundation, DurableUnderKill9) {
    TestDatabase db(GetParam());
    std::string password;
    std::vector<std::string> acknowledged;
    std::mutex mu;
    {
        Server server(db);
        Client setup(server.base_url());
        password = first_login(setup, server).password;
        std::atomic<bool> stop{false};
        std::vector<std::thread> workers;
        for (int t = 0; t < 4; ++t) {
            workers.emplace_back([&] {
                while (!stop) {
                    try {
                        Client c(server.base_url());
                        auto page = c.get("/backoffice/login");
                        auto r = c.post_form(
                            "/backoffice/login",
                            login_body(hidden_field(page.body, "_csrf"), "admin", password));
                        if (r.status == 303) {
                            std::lock_guard lock(mu);
                            acknowledged.push_back(c.cookie("segnala_session"));
                        }
                    } catch (const std::exception&) {
                        return;  // the server died under us: expected
                    }
                }
            });
        }
        while (true) {
            {
                std::lock_guard lock(mu);
                if (acknowledged.size() >= 12)
                    break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        server.kill9();
        stop = true;
        for (auto& w : workers)
            w.join();
    }
    Server again(db);
    for (const auto& s : acknowledged) {
        Client c(again.base_url());
        c.set_cookie("segnala_session", s);
        // Half-open sessions (password only): the second-factor page answers them; a lost
        // session would be sent to the login page instead.
        EXPECT_EQ(c.get("/backoffice/2fa").status, 200) << "acknowledged session lost";
    }
    auto v = run_segnala({"audit", "verify", "--database", db.url()});
    EXPECT_EQ(v.exit_code, 0) << v.out;
}

TEST_P(Foundation, NewerDatabaseIsRefusedWithAClearMessage) {
    TestDatabase db(GetParam());
    auto m = run_segnala({"migrate", "--database", db.url()});
    ASSERT_EQ(m.exit_code, 0) << m.err;
    EXPECT_NE(m.out.find("schema version"), std::string::npos);
    db.sql("INSERT INTO schema_version (version, name) VALUES (999, 'from the future')");
    auto r = run_segnala({"serve", "--database", db.url(), "--listen", "127.0.0.1:0"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("newer than this segnala"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("999"), std::string::npos) << r.err;
}

TEST_P(Foundation, GracefulStopExitsZeroQuickly) {
    TestDatabase db(GetParam());
    Server server(db);
    Client c(server.base_url());
    EXPECT_EQ(c.get("/").status, 200);
    auto [code, ms] = server.terminate();
    EXPECT_EQ(code, 0);
    EXPECT_LT(ms, 5000);
}

INSTANTIATE_TEST_SUITE_P(Backends, Foundation, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

TEST(Configuration, BadValueStopsWithOneClearLine) {
    auto r =
        run_segnala({"serve", "--listen", "127.0.0.1:99999", "--database", "sqlite:/tmp/x.db"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("server.listen"), std::string::npos) << r.err;
    r = run_segnala({"serve", "--database", "mysql://x"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("database"), std::string::npos);
    r = run_segnala({"serve", "--database", "sqlite:/tmp/x.db"}, {{"SEGNALA_THREADS", "many"}});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("server.threads"), std::string::npos);
}

TEST(Configuration, VersionAndHelp) {
    auto v = run_segnala({"version"});
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_NE(v.out.find("segnala "), std::string::npos);
    for (const auto* cmd : {"serve", "migrate", "user", "audit", "version"}) {
        auto h = run_segnala({cmd, "--help"});
        EXPECT_EQ(h.exit_code, 0) << cmd;
        EXPECT_NE(h.out.find("Usage"), std::string::npos) << cmd;
    }
}

}  // namespace
}  // namespace segnala::testing
