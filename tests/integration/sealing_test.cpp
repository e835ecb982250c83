// Personal data is sealed at rest: a known contact and description sent through the form and
// the API never appear in clear in the database — SQLite's main file and WAL, or a full
// pg_dump of the PostgreSQL database.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace segnala::testing {
namespace {

class Sealing : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        if (auto why = skip_reason(GetParam()))
            GTEST_SKIP() << *why;
    }
};

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string dump_database(const TestDatabase& db, const std::string& backend) {
    if (backend == "sqlite") {
        const std::string file = db.url().substr(7);
        return slurp(file) + slurp(file + "-wal");
    }
    std::string out;
    FILE* p = popen(("pg_dump '" + db.url() + "' 2>&1").c_str(), "r");
    char buf[65536];
    while (size_t n = fread(buf, 1, sizeof buf, p))
        out.append(buf, n);
    pclose(p);
    return out;
}

TEST_P(Sealing, ContactsAndDescriptionsNeverAppearInClear) {
    TestDatabase db(GetParam());
    auto key = run_segnala({"apikey", "add", "sealing-test", "--scope", "reports:write",
                            "--rate-limit", "0", "--database", db.url()});
    ASSERT_EQ(key.exit_code, 0) << key.err;
    const std::string secret =
        key.out.substr(key.out.find("key: ") + 5,
                       key.out.find('\n', key.out.find("key: ")) - key.out.find("key: ") - 5);
    const std::string contact = "testimone.riservata.7f3e@example.org";
    const std::string description = "Descrizione riservata numero 5c1d9a";
    const std::string phone = "+39 347 555 0199";
    Server server(db);
    Client c(server.base_url());
    auto r = c.request("POST", "/api/v1/reports",
                       R"({"category": "fraud", "urls": ["https://negozio-falso.example.com/"],)"
                       R"( "description": ")" +
                           description + R"(", "contact": ")" + contact + R"("})",
                       {"Authorization: Bearer " + secret, "Content-Type: application/json"});
    ASSERT_EQ(r.status, 201) << r.body;
    auto form = c.get("/segnala");
    ASSERT_EQ(form.status, 200);
    const std::string body =
        "_csrf=" + form_encode(hidden_field(form.body, "_csrf")) +
        "&category=phishing&urls=" + form_encode("https://banca-finta.example.net/login") +
        "&description=" + form_encode(description) + "&contact=" + form_encode(phone);
    auto posted = c.post_form("/segnala", body);
    ASSERT_EQ(posted.status, 303) << posted.body.substr(0, 2000);
    server.terminate();

    const std::string everything = dump_database(db, GetParam());
    ASSERT_GT(everything.size(), 1000u);
    // The canonical URL is stored in clear on purpose (operators act on it): proves the dump
    // really holds the reports.
    EXPECT_NE(everything.find("negozio-falso.example.com"), std::string::npos);
    EXPECT_EQ(everything.find(contact), std::string::npos);
    EXPECT_EQ(everything.find("testimone.riservata"), std::string::npos);
    EXPECT_EQ(everything.find(description), std::string::npos);
    EXPECT_EQ(everything.find("+393475550199"), std::string::npos);
    EXPECT_EQ(everything.find("347 555 0199"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, Sealing, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace segnala::testing
