// The partner API against the real binary, on every backend: keys from the CLI, single and
// batch submissions, dedup into cases, idempotency, every bad input (problem+json, nothing
// stored), 401/403/429, status lookups, the OpenAPI document checked by a real validator
// against real responses, and no acknowledged report lost under kill -9.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace segnala::testing {
namespace {

using nlohmann::json;

const std::regex kCodePattern(
    "^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{5}$");

class PartnerApi : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        if (auto why = skip_reason(GetParam()))
            GTEST_SKIP() << *why;
    }
};

/// Creates a key through the CLI; returns the secret printed on the `key:` line.
std::string add_key(const TestDatabase& db, const std::string& name,
                    const std::string& scope = "reports:write", int rate_limit = 0) {
    auto r = run_segnala({"apikey", "add", name, "--scope", scope, "--rate-limit",
                          std::to_string(rate_limit), "--database", db.url()});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    static const std::regex line("(^|\n)key: (sgn_[A-Za-z0-9_-]{43})\n");
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.out, m, line)) << r.out;
    return m.size() > 2 ? m[2].str() : "";
}

HttpResult post(Client& c, const std::string& key, const std::string& body,
                std::vector<std::string> headers = {}) {
    if (!key.empty())
        headers.push_back("Authorization: Bearer " + key);
    bool has_type = false;
    for (const auto& h : headers)
        has_type = has_type || h.rfind("Content-Type:", 0) == 0;
    if (!has_type)
        headers.emplace_back("Content-Type: application/json");
    return c.request("POST", "/api/v1/reports", body, headers);
}

json report(const std::string& category, std::vector<std::string> urls) {
    return {{"category", category}, {"urls", urls}};
}

/// "pointer code" of every error of a problem, in order.
std::vector<std::string> problem_errors(const HttpResult& r) {
    std::vector<std::string> out;
    auto j = json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.contains("errors"))
        return out;
    for (const auto& e : j["errors"]) {
        out.push_back(e["pointer"].get<std::string>() + " " + e["code"].get<std::string>());
    }
    return out;
}

void expect_problem(const HttpResult& r, int status, const std::string& what) {
    EXPECT_EQ(r.status, status) << what << ": " << r.body.substr(0, 2000);
    EXPECT_EQ(r.header("content-type").value_or(""), "application/problem+json") << what;
    auto j = json::parse(r.body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << what;
    EXPECT_EQ(j.value("status", 0), status) << what;
    EXPECT_TRUE(j.contains("type") && j.contains("title") && j.contains("detail")) << what;
}

TEST_P(PartnerApi, CliKeysArePrintedOnceListedWithoutSecretsAndRevoked) {
    TestDatabase db(GetParam());
    const std::string secret = add_key(db, "bank-one", "reports:write", 5);
    ASSERT_FALSE(secret.empty());

    auto bad_scope =
        run_segnala({"apikey", "add", "x", "--scope", "reports:admin", "--database", db.url()});
    EXPECT_EQ(bad_scope.exit_code, 2);
    EXPECT_NE(bad_scope.err.find("unknown scope"), std::string::npos) << bad_scope.err;
    auto bad_name = run_segnala(
        {"apikey", "add", "bad name", "--scope", "reports:write", "--database", db.url()});
    EXPECT_EQ(bad_name.exit_code, 2);
    EXPECT_NE(bad_name.err.find("key name"), std::string::npos) << bad_name.err;
    auto dup = run_segnala(
        {"apikey", "add", "bank-one", "--scope", "reports:write", "--database", db.url()});
    EXPECT_EQ(dup.exit_code, 1);
    EXPECT_NE(dup.err.find("already exists"), std::string::npos);

    auto list = run_segnala({"apikey", "list", "--database", db.url()});
    EXPECT_EQ(list.exit_code, 0);
    EXPECT_NE(list.out.find("bank-one"), std::string::npos);
    EXPECT_NE(list.out.find(secret.substr(0, 12)), std::string::npos);
    EXPECT_EQ(list.out.find(secret), std::string::npos) << "a secret was listed";
    EXPECT_EQ(sql_value(db, "SELECT COUNT(*) FROM api_keys WHERE key_hash = '" + secret + "'"),
              "0");

    Server server(db);
    Client c(server.base_url());
    const std::string body = report("phishing", {"https://revoke-test.example/login"}).dump();
    EXPECT_EQ(post(c, secret, body).status, 201);
    auto revoke = run_segnala({"apikey", "revoke", "bank-one", "--database", db.url()});
    EXPECT_EQ(revoke.exit_code, 0) << revoke.err;
    // The server remembers a key for ApiKeys::kDefaultCacheSeconds: a revocation made by
    // another process takes effect within that time.
    auto after = post(c, secret, body);
    for (int i = 0; i < 40 && after.status != 401; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        after = post(c, secret, body);
    }
    expect_problem(after, 401, "revoked key");
    EXPECT_NE(run_segnala({"apikey", "list", "--database", db.url()}).out.find("revoked"),
              std::string::npos);
    EXPECT_EQ(run_segnala({"apikey", "revoke", "nobody", "--database", db.url()}).exit_code, 1);
    EXPECT_EQ(run_segnala({"audit", "verify", "--database", db.url()}).exit_code, 0);
}

TEST_P(PartnerApi, SingleAndArraySubmissionsGetCodesAndStatus) {
    TestDatabase db(GetParam());
    const std::string key = add_key(db, "cert");
    Server server(db);
    Client c(server.base_url());

    json one = report("phishing", {"https://single.example/login"});
    one["description"] = "SMS pretending to be a bank";
    one["contact"] = "analyst@cert.example";
    auto r = post(c, key, one.dump());
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.header("content-type").value_or(""), "application/json");
    auto receipt = json::parse(r.body);
    ASSERT_TRUE(receipt.is_object());
    const std::string code = receipt["code"];
    EXPECT_TRUE(std::regex_match(code, kCodePattern)) << code;
    EXPECT_EQ(receipt["status"], "received");
    EXPECT_TRUE(receipt["case"].is_number_integer());

    json batch = json::array({report("malware", {"http://198.51.100.7/payload.exe"}),
                              report("spam", {"https://pills.example/"}),
                              report("csam", {"https://abuse-host.example/gallery"})});
    batch[1]["sender"] = "offers@spam.example";
    batch[1]["subject"] = "Offerta";
    batch[1]["text"] = "Compra ora";
    r = post(c, key, batch.dump());
    ASSERT_EQ(r.status, 201) << r.body;
    auto receipts = json::parse(r.body);
    ASSERT_TRUE(receipts.is_array());
    ASSERT_EQ(receipts.size(), 3u);
    std::set<std::string> codes{code};
    for (const auto& rc : receipts) {
        EXPECT_TRUE(std::regex_match(rc["code"].get<std::string>(), kCodePattern));
        EXPECT_EQ(rc["status"], "received");
        codes.insert(rc["code"].get<std::string>());
    }
    EXPECT_EQ(codes.size(), 4u);
    EXPECT_EQ(count_reports(db), 4);
    EXPECT_EQ(sql_value(db, "SELECT COUNT(*) FROM reports WHERE channel = 'api' AND verified = 1"),
              "4");

    for (const auto& cd : codes) {
        auto s = c.get("/api/v1/reports/" + cd);
        ASSERT_EQ(s.status, 200) << s.body;
        auto j = json::parse(s.body);
        EXPECT_EQ(j["code"], cd);
        EXPECT_EQ(j["status"], "received");
        EXPECT_TRUE(std::regex_match(j["since"].get<std::string>(),
                                     std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$)")));
    }
    // Case and dashes do not matter when typing a code back.
    std::string typed = code;
    typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
    for (auto& ch : typed)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_EQ(c.get("/api/v1/reports/" + typed).status, 200);
}

TEST_P(PartnerApi, SameCanonicalUrlJoinsOneCase) {
    TestDatabase db(GetParam());
    const std::string key = add_key(db, "isp");
    Server server(db);
    Client c(server.base_url());
    auto case_of = [&](const std::string& url) {
        auto r = post(c, key, report("phishing", {url}).dump());
        EXPECT_EQ(r.status, 201) << r.body;
        return json::parse(r.body)["case"].get<std::int64_t>();
    };
    const auto first = case_of("https://dup.example/login");
    EXPECT_EQ(case_of("https://dup.example/login"), first);
    const auto b = case_of("http://EXAMPLE.com/a/../b");
    EXPECT_EQ(case_of("http://example.com/b"), b);
    EXPECT_NE(b, first);
    EXPECT_NE(case_of("https://other.example/"), first);
    // In one batch too.
    auto r = post(c, key,
                  json::array({report("fraud", {"http://example.com/b"}),
                               report("fraud", {"http://example.com/./b"})})
                      .dump());
    ASSERT_EQ(r.status, 201) << r.body;
    auto arr = json::parse(r.body);
    EXPECT_EQ(arr[0]["case"].get<std::int64_t>(), b);
    EXPECT_EQ(arr[1]["case"].get<std::int64_t>(), b);
    EXPECT_EQ(sql_value(db, "SELECT report_count FROM cases WHERE id = " + std::to_string(b)), "4");
}

TEST_P(PartnerApi, IdempotencyKeyReplaysAndRefusesADifferentBody) {
    TestDatabase db(GetParam());
    const std::string key = add_key(db, "bank");
    Server server(db);
    Client c(server.base_url());
    const std::string body = json::array({report("phishing", {"https://idem.example/a"}),
                                          report("phishing", {"https://idem.example/b"})})
                                 .dump();
    auto first = post(c, key, body, {"Idempotency-Key: batch-0001"});
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_FALSE(first.header("idempotent-replayed").has_value());
    const auto rows = count_reports(db);
    EXPECT_EQ(rows, 2);
    auto again = post(c, key, body, {"Idempotency-Key: batch-0001"});
    EXPECT_EQ(again.status, 201);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.header("idempotent-replayed").value_or(""), "true");
    EXPECT_EQ(count_reports(db), rows);

    auto other = post(c, key, report("spam", {"https://idem.example/c"}).dump(),
                      {"Idempotency-Key: batch-0001"});
    expect_problem(other, 409, "same key, other body");
    EXPECT_EQ(count_reports(db), rows);

    // Keys are scoped per API key: another partner may use the same string.
    const std::string key2 = add_key(db, "bank-two");
    auto theirs = post(c, key2, body, {"Idempotency-Key: batch-0001"});
    EXPECT_EQ(theirs.status, 201);
    EXPECT_NE(theirs.body, first.body);
    EXPECT_EQ(count_reports(db), rows + 2);

    expect_problem(post(c, key, body, {"Idempotency-Key: " + std::string(256, 'k')}), 400,
                   "long idempotency key");
    // Without a key, a retry is a new report.
    EXPECT_EQ(post(c, key, body).status, 201);
    EXPECT_EQ(count_reports(db), rows + 4);
}

TEST_P(PartnerApi, BadInputGetsProblemsWithPointersAndStoresNothing) {
    TestDatabase db(GetParam());
    const std::string key = add_key(db, "cert");
    Server server(db);
    Client c(server.base_url());
    const json ok = report("phishing", {"https://fine.example/"});

    expect_problem(post(c, key, "this is not json"), 400, "not JSON");
    expect_problem(post(c, key, "{\"category\": \"spam\""), 400, "truncated JSON");
    expect_problem(post(c, key, std::string(64, '[') + std::string(64, ']')), 400, "deep nesting");
    expect_problem(post(c, key, ok.dump(), {"Content-Type: text/plain"}), 415, "text/plain");
    expect_problem(post(c, key, ok.dump(), {"Content-Type: application/x-www-form-urlencoded"}),
                   415, "form");

    struct Case {
        std::string name;
        json body;
        std::vector<std::string> errors;
    };
    json many_urls = report("phishing", {});
    for (int i = 0; i < 21; ++i)
        many_urls["urls"].push_back("https://u" + std::to_string(i) + ".example/");
    json big_batch = json::array();
    for (int i = 0; i < 1001; ++i)
        big_batch.push_back(ok);
    json long_description = ok;
    long_description["description"] = std::string(5001, 'x');
    json bad_phone = ok;
    bad_phone["contact"] = "+39 12";
    json unknown = ok;
    unknown["colour"] = "red";
    json wrong_types = {{"category", 3}, {"urls", "https://x.example/"}};
    const std::vector<Case> cases = {
        {"21 URLs", many_urls, {"/urls too_many_urls"}},
        {"1001 reports", big_batch, {" batch_too_large"}},
        {"empty batch", json::array(), {" batch_empty"}},
        {"bad URL",
         report("phishing", {"https://ok.example/", "not a url"}),
         {"/urls/1 url_invalid"}},
        {"bad URL in a batch",
         json::array({ok, ok, report("spam", {"javascript:alert(1)"})}),
         {"/2/urls/0 url_invalid"}},
        {"unknown category",
         report("ransom", {"https://x.example/"}),
         {"/category category_invalid"}},
        {"no URL", report("phishing", {}), {"/urls urls_required"}},
        {"oversize description", long_description, {"/description description_too_long"}},
        {"bad phone", bad_phone, {"/contact contact_invalid"}},
        {"unknown field", unknown, {"/colour unknown_field"}},
        {"wrong types", wrong_types, {"/category type_string", "/urls type_array"}},
        {"not an object", json::array({ok, 42}), {"/1 type_object"}},
        {"duplicate field", json(), {"/category duplicate_field"}},
    };
    for (const auto& tc : cases) {
        const std::string body =
            tc.body.is_null()
                ? R"({"category":"spam","urls":["https://x.example/"],"category":"csam"})"
                : tc.body.dump();
        auto r = post(c, key, body);
        expect_problem(r, 422, tc.name);
        EXPECT_EQ(problem_errors(r), tc.errors) << tc.name << ": " << r.body.substr(0, 2000);
        auto j = json::parse(r.body, nullptr, false);
        if (!j.is_discarded() && j.contains("errors") && !j["errors"].empty()) {
            EXPECT_FALSE(j["errors"][0]["detail"].get<std::string>().empty());
        }
    }
    // Every error of every report is listed at once.
    auto several = post(c, key, json::array({report("nope", {"x"}), ok, long_description}).dump());
    expect_problem(several, 422, "several");
    EXPECT_EQ(problem_errors(several),
              (std::vector<std::string>{"/0/category category_invalid", "/0/urls/0 url_invalid",
                                        "/2/description description_too_long"}));

    // Over 8 MiB: refused by size before the body is read.
    json huge = ok;
    huge["description"] = std::string(8 * 1024 * 1024 + 10, 'x');
    auto too_large = post(c, key, huge.dump());
    EXPECT_EQ(too_large.status, 413);
    EXPECT_EQ(too_large.header("content-type").value_or(""), "application/problem+json");
    EXPECT_NE(too_large.body.find("\"status\":413"), std::string::npos) << too_large.body;
    // Unknown API paths answer problem+json too, not an HTML page.
    auto missing = c.get("/api/v1/nothing-here");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.header("content-type").value_or(""), "application/problem+json");

    EXPECT_EQ(count_reports(db), 0);
    EXPECT_EQ(sql_value(db, "SELECT COUNT(*) FROM cases"), "0");
}

TEST_P(PartnerApi, KeysScopesAndRateLimits) {
    TestDatabase db(GetParam());
    const std::string writer = add_key(db, "writer", "reports:write", 0);
    const std::string reader = add_key(db, "reader", "reports:read", 0);
    const std::string slow = add_key(db, "slow", "reports:write", 2);
    Server server(db);
    Client c(server.base_url());
    const std::string body = report("phishing", {"https://auth.example/"}).dump();

    auto none = post(c, "", body);
    expect_problem(none, 401, "no key");
    EXPECT_EQ(none.header("www-authenticate").value_or("").rfind("Bearer", 0), 0u);
    auto wrong = post(c, "sgn_" + std::string(43, 'A'), body);
    expect_problem(wrong, 401, "unknown key");
    EXPECT_NE(wrong.header("www-authenticate").value_or("").find("invalid_token"),
              std::string::npos);
    expect_problem(
        c.request("POST", "/api/v1/reports", body,
                  {"Authorization: Basic dXNlcjpwYXNz", "Content-Type: application/json"}),
        401, "basic auth");
    auto forbidden = post(c, reader, body);
    expect_problem(forbidden, 403, "read-only key");
    EXPECT_NE(forbidden.header("www-authenticate").value_or("").find("insufficient_scope"),
              std::string::npos);
    EXPECT_EQ(count_reports(db), 0);

    int created = 0;
    int limited = 0;
    for (int i = 0; i < 12; ++i) {
        auto r = post(c, slow, body);
        if (r.status == 201)
            ++created;
        if (r.status == 429) {
            ++limited;
            expect_problem(r, 429, "rate limit");
            EXPECT_GE(std::stoi(r.header("retry-after").value_or("0")), 1);
        }
    }
    EXPECT_GE(created, 2);
    EXPECT_GE(limited, 1);
    EXPECT_EQ(count_reports(db), created);
    // Another key is not slowed down by that one.
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(post(c, writer, body).status, 201);
}

TEST_P(PartnerApi, StatusLookupsWithAndWithoutKey) {
    TestDatabase db(GetParam());
    const std::string key = add_key(db, "lookup", "reports:write", 3);
    Server server(db);
    Client c(server.base_url());
    auto r = post(c, key, report("fraud", {"https://shop.example/"}).dump());
    ASSERT_EQ(r.status, 201);
    const std::string code = json::parse(r.body)["code"];

    // Unknown and malformed codes get the same answer.
    Client anon(server.base_url());
    auto unknown = anon.get("/api/v1/reports/0000-0000-0000-00000");
    auto malformed = anon.get("/api/v1/reports/not-a-code");
    expect_problem(unknown, 404, "unknown code");
    expect_problem(malformed, 404, "malformed code");
    EXPECT_EQ(unknown.body, malformed.body);

    // With the key: that key's rate (3/s, one was spent on the POST).
    int ok = 0;
    int limited = 0;
    for (int i = 0; i < 6; ++i) {
        auto s = c.get("/api/v1/reports/" + code, {"Authorization: Bearer " + key});
        ok += s.status == 200;
        limited += s.status == 429;
    }
    EXPECT_GE(ok, 2);
    EXPECT_GE(limited, 1);
    expect_problem(c.get("/api/v1/reports/" + code, {"Authorization: Bearer sgn_nope"}), 401,
                   "bad key on lookup");

    // Without: the per-client window (60 a minute); two were spent above.
    int anon_ok = 2;
    HttpResult last;
    for (int i = 0; i < 70 && last.status != 429; ++i) {
        last = anon.get("/api/v1/reports/" + code);
        anon_ok += last.status == 200;
    }
    expect_problem(last, 429, "per-client lookups");
    EXPECT_GE(std::stoi(last.header("retry-after").value_or("0")), 1);
    EXPECT_LE(anon_ok, 61);
    EXPECT_GE(anon_ok, 59);  // the window may roll over once during the loop
}

std::string run_capture(const std::string& cmd, int* exit_code) {
    std::string out;
    FILE* p = popen((cmd + " 2>&1").c_str(), "r");
    if (p == nullptr)
        return "popen failed";
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p))
        out.append(buf, n);
    const int status = pclose(p);
    *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

TEST_P(PartnerApi, OpenApiDocumentIsValidAndRealResponsesMatchIt) {
    const std::filesystem::path dir = std::filesystem::path(SEGNALA_SOURCE_DIR) / "tests/openapi";
    ASSERT_TRUE(std::filesystem::exists(dir / "node_modules/@seriousme/openapi-schema-validator"))
        << "tests/openapi/node_modules is missing: run `npm ci` in tests/openapi "
           "(scripts/bootstrap)";
    TestDatabase db(GetParam());
    const std::string key = add_key(db, "validator", "reports:write", 0);
    const std::string reader = add_key(db, "validator-read", "reports:read", 0);
    const std::string slow = add_key(db, "validator-slow", "reports:write", 1);
    Server server(db);
    Client c(server.base_url());

    auto doc = c.get("/api/v1/openapi.json");
    ASSERT_EQ(doc.status, 200);
    EXPECT_EQ(doc.header("content-type").value_or(""), "application/json");
    ASSERT_FALSE(json::parse(doc.body, nullptr, false).is_discarded());

    json samples = json::array();
    auto record = [&](const std::string& name, const std::string& path, const std::string& method,
                      const HttpResult& r) {
        json headers = json::object();
        for (const auto& [n, v] : r.headers)
            headers[n] = v;
        samples.push_back({{"name", name},
                           {"kind", "response"},
                           {"path", path},
                           {"method", method},
                           {"status", r.status},
                           {"contentType", r.header("content-type").value_or("")},
                           {"headers", headers},
                           {"body", json::parse(r.body, nullptr, false)}});
    };
    auto request = [&](const std::string& name, const json& body) {
        samples.push_back({{"name", name},
                           {"kind", "request"},
                           {"path", "/api/v1/reports"},
                           {"method", "post"},
                           {"contentType", "application/json"},
                           {"body", body}});
    };
    const std::string reports = "/api/v1/reports";
    json one = report("phishing", {"https://openapi.example/login"});
    one["contact"] = "+39 333 123 4567";
    request("single request", one);
    auto single = post(c, key, one.dump(), {"Idempotency-Key: oa-1"});
    record("201 single", reports, "post", single);
    record("201 replay", reports, "post", post(c, key, one.dump(), {"Idempotency-Key: oa-1"}));
    json batch = json::array(
        {report("spam", {"https://a.example/"}), report("csam", {"https://b.example/"})});
    batch[0]["sender"] = "+393331234567";
    batch[0]["text"] = "Hai vinto";
    request("batch request", batch);
    record("201 batch", reports, "post", post(c, key, batch.dump()));
    record("400", reports, "post", post(c, key, "{"));
    record("401", reports, "post", post(c, "", one.dump()));
    record("403", reports, "post", post(c, reader, one.dump()));
    record("409", reports, "post", post(c, key, batch.dump(), {"Idempotency-Key: oa-1"}));
    record("415", reports, "post", post(c, key, one.dump(), {"Content-Type: text/plain"}));
    record("422", reports, "post",
           post(c, key, json::array({report("x", {"y"}), json{{"z", 1}}}).dump()));
    post(c, slow, one.dump());
    record("429", reports, "post", post(c, slow, one.dump()));
    const std::string code = json::parse(single.body)["code"];
    const std::string status_path = "/api/v1/reports/{code}";
    record("200 status", status_path, "get", c.get(reports + "/" + code));
    record("404 status", status_path, "get", c.get(reports + "/nope"));
    record("401 status", status_path, "get", c.get(reports + "/nope", {"Authorization: Bearer x"}));
    for (const auto& s : samples) {
        if (s["kind"] == "response") {
            ASSERT_FALSE(s["body"].is_discarded()) << s["name"];
        }
    }
    std::set<int> statuses;
    for (const auto& s : samples) {
        if (s["kind"] == "response")
            statuses.insert(s["status"].get<int>());
    }
    EXPECT_EQ(statuses, (std::set<int>{200, 201, 400, 401, 403, 404, 409, 415, 422, 429}));

    const auto doc_file = db.dir() / "openapi.json";
    const auto samples_file = db.dir() / "samples.json";
    std::ofstream(doc_file) << doc.body;
    std::ofstream(samples_file) << samples.dump(2);
    int exit_code = -1;
    const std::string out = run_capture("node '" + (dir / "validate.mjs").string() + "' '" +
                                            doc_file.string() + "' '" + samples_file.string() + "'",
                                        &exit_code);
    EXPECT_EQ(exit_code, 0) << out;
    EXPECT_NE(out.find("document valid"), std::string::npos) << out;
}

TEST_P(PartnerApi, NoAcknowledgedReportIsLostUnderKill9) {
    TestDatabase db(GetParam());
    const std::string key = add_key(db, "load", "reports:write", 0);
    std::vector<std::string> acknowledged;
    std::mutex mu;
    {
        Server server(db);
        std::atomic<bool> stop{false};
        std::atomic<int> sequence{0};
        std::vector<std::thread> workers;
        for (int t = 0; t < 4; ++t) {
            workers.emplace_back([&, t] {
                Client c(server.base_url());
                while (!stop) {
                    const int n = sequence++;
                    json body = report("phishing", {"https://load.example/" + std::to_string(n)});
                    if (n % 5 == 0) {
                        body = json::array(
                            {body, report("spam", {"https://load.example/s" + std::to_string(n)})});
                    }
                    try {
                        auto r = post(c, key, body.dump());
                        if (r.status != 201)
                            continue;
                        auto j = json::parse(r.body);
                        std::lock_guard lock(mu);
                        if (j.is_array()) {
                            for (const auto& x : j)
                                acknowledged.push_back(x["code"]);
                        } else {
                            acknowledged.push_back(j["code"]);
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
                if (acknowledged.size() >= 60)
                    break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        server.kill9();
        stop = true;
        for (auto& w : workers)
            w.join();
    }
    ASSERT_GE(acknowledged.size(), 60u);
    Server again(db);
    // Lookups with a key (rate 0): not slowed by the per-client window.
    Client c(again.base_url());
    std::size_t found = 0;
    for (const auto& code : acknowledged) {
        auto r = c.get("/api/v1/reports/" + code, {"Authorization: Bearer " + key});
        EXPECT_EQ(r.status, 200) << "acknowledged report " << code << " lost";
        found += r.status == 200;
    }
    EXPECT_EQ(found, acknowledged.size());
    EXPECT_GE(count_reports(db), static_cast<std::int64_t>(acknowledged.size()));
}

INSTANTIATE_TEST_SUITE_P(Backends, PartnerApi, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace segnala::testing
