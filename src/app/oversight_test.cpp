// Oversight: CSV escaping, and the use cases over a real SQLite file —
// role checks, filters resolved from usernames, CSAM left out, every use audited.
#include "app/oversight.hpp"

#include <filesystem>
#include <memory>
#include <random>

#include <gtest/gtest.h>

#include "core/civil_time.hpp"
#include "store/database.hpp"
#include "store/sqlite/sqlite_database.hpp"
#include "store/store.hpp"

// Filters are written as designated initializers naming only the fields that matter.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace segnala::app {
namespace {

using core::rome_midnight;

using core::errc;

TEST(OversightCsv, QuotesAndDefusesFormulas) {
    EXPECT_EQ(csv_cell("plain"), "plain");
    EXPECT_EQ(csv_cell(""), "");
    EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_cell("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
    EXPECT_EQ(csv_cell("=1+2"), "'=1+2");
    EXPECT_EQ(csv_cell("+39 06"), "'+39 06");
    EXPECT_EQ(csv_cell("-cmd"), "'-cmd");
    EXPECT_EQ(csv_cell("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(csv_cell("\tx"), "'\tx");
    EXPECT_EQ(csv_cell("a=b"), "a=b");
    EXPECT_EQ(csv_line({"a", "b,c", "=d"}), "a,\"b,c\",'=d\r\n");
    EXPECT_EQ(csv_line({}), "\r\n");
}

TEST(OversightTables, Names) {
    for (auto t : {DashboardTable::daily, DashboardTable::status, DashboardTable::triage,
                   DashboardTable::domains}) {
        EXPECT_EQ(parse_dashboard_table(to_string(t)), t);
    }
    EXPECT_FALSE(parse_dashboard_table("audit"));
    EXPECT_FALSE(parse_dashboard_table(""));
}

class OversightTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() /
               ("segnala-oversight-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
        auto db = store::open_sqlite({.path = (dir_ / "t.db").string()});
        ASSERT_TRUE(db) << db.error().message();
        db_ = std::move(db).value();
        store_ = std::make_unique<store::Store>(*db_);
        ASSERT_TRUE(store_->migrate());
        clock_.set_unix(1784116800);  // 2026-07-15 14:00 in Rome
        oversight_ = std::make_unique<Oversight>(*store_, clock_);
        auto id = store_->create_operator(
            {"anna", "supervisor", "", "x", false},
            {clock_.now_micros(), "cli", "operator.create", "operator:1", "{}"});
        ASSERT_TRUE(id);
        anna_id_ = id.value();
    }
    void TearDown() override {
        oversight_.reset();
        store_.reset();
        if (db_) {
            db_->close();
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    void sql(const std::string& s) {
        ASSERT_TRUE(db_->write([&](store::Tx& tx) -> core::result<void> {
            SEGNALA_TRY(n, tx.exec(s));
            (void)n;
            return core::success();
        }));
    }
    Principal who(const std::string& role, const std::string& permissions = "") const {
        Principal p;
        p.operator_id = anna_id_;
        p.username = "anna";
        p.role = role;
        p.permissions = permissions;
        return p;
    }
    std::vector<store::AuditEntry> log() { return store_->list_audit(0, 1000).value(); }

    std::filesystem::path dir_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::Store> store_;
    core::FakeClock clock_;
    std::unique_ptr<Oversight> oversight_;
    std::int64_t anna_id_ = 0;
};

TEST_F(OversightTest, BelowSupervisorIsRefusedAndNotAudited) {
    const auto before = log().size();
    for (const char* role : {"operator", "analyst"}) {
        EXPECT_EQ(oversight_->audit(who(role), {}).error(), errc::permission_denied);
        EXPECT_EQ(oversight_->audit_csv(who(role), {}).error(), errc::permission_denied);
        EXPECT_EQ(oversight_->verify(who(role)).error(), errc::permission_denied);
        EXPECT_EQ(oversight_->dashboard(who(role)).error(), errc::permission_denied);
        EXPECT_EQ(oversight_->dashboard_csv(who(role), DashboardTable::daily).error(),
                  errc::permission_denied);
    }
    EXPECT_EQ(log().size(), before);
    EXPECT_TRUE(oversight_->audit(who("admin"), {}));
}

TEST_F(OversightTest, AuditBrowsingResolvesUsernamesAndIsAudited) {
    auto page = oversight_->audit(who("supervisor"), {.actor = "cli"}).value();
    ASSERT_TRUE(page.errors.empty());
    ASSERT_EQ(page.rows.size(), 1u);
    EXPECT_EQ(page.rows[0].entry.action, "operator.create");
    // The browse itself is now the newest entry, by anna, with the filter as detail.
    auto entries = log();
    EXPECT_EQ(entries.back().action, "audit.browse");
    EXPECT_EQ(entries.back().actor, "operator:" + std::to_string(anna_id_));
    EXPECT_EQ(entries.back().detail, R"({"actor":"cli"})");

    auto mine = oversight_->audit(who("supervisor"), {.actor = "anna"}).value();
    ASSERT_EQ(mine.rows.size(), 1u);
    EXPECT_EQ(mine.rows[0].entry.action, "audit.browse");
    EXPECT_EQ(mine.rows[0].actor_name, "anna");
}

TEST_F(OversightTest, BadFiltersAreFieldErrorsAndReadNothing) {
    const auto before = log().size();
    auto codes = [&](const AuditFilter& f) {
        std::vector<std::string> out;
        const auto listing = oversight_->audit(who("supervisor"), f).value();
        for (const auto& e : listing.errors) {
            out.push_back(e.field + ":" + e.code);
        }
        return out;
    };
    EXPECT_EQ(codes({.actor = "nobody"}), std::vector<std::string>{"actor:audit_unknown_actor"});
    EXPECT_EQ(codes({.actor = "<script>"}), std::vector<std::string>{"actor:audit_unknown_actor"});
    EXPECT_EQ(codes({.action = "CASE'--"}), std::vector<std::string>{"action:audit_bad_action"});
    EXPECT_EQ(codes({.from = "2026-02-30"}), std::vector<std::string>{"from:audit_bad_date"});
    EXPECT_EQ(codes({.to = "yesterday"}), std::vector<std::string>{"to:audit_bad_date"});
    EXPECT_EQ(codes({.from = "2026-07-15", .to = "2026-07-14"}),
              std::vector<std::string>{"to:audit_bad_range"});
    EXPECT_EQ(codes({.object = std::string(200, 'x')}),
              std::vector<std::string>{"object:audit_too_long"});
    EXPECT_EQ(log().size(), before);
    EXPECT_EQ(oversight_->audit_csv(who("supervisor"), {.actor = "nobody"}).error(),
              errc::invalid_argument);
    // One day, inclusive, in Rome time.
    auto day = oversight_->audit(who("supervisor"), {.from = "2026-07-15", .to = "2026-07-15"});
    ASSERT_TRUE(day);
    EXPECT_EQ(day.value().rows.size(), 1u);
    auto other = oversight_->audit(who("supervisor"), {.from = "2026-07-16"});
    EXPECT_TRUE(other.value().rows.empty());
}

TEST_F(OversightTest, CsvExportIsSafeAndAudited) {
    ASSERT_TRUE(store_->append_audit(
        {clock_.now_micros(), "system", "x.test", "=cmd|' /C calc'!A0", R"({"a":"b,c"})"}));
    const auto before = log().size();
    auto csv = oversight_->audit_csv(who("supervisor"), {.action = "x."}).value();
    EXPECT_EQ(log().size(), before + 1);  // the export, not a browse too
    EXPECT_EQ(csv.substr(0, csv.find("\r\n")), "seq,time,actor,username,action,object,detail,hash");
    EXPECT_NE(csv.find(",'=cmd|' /C calc'!A0,"), std::string::npos) << csv;
    EXPECT_NE(csv.find("2026-07-15 14:00:00"), std::string::npos);
    EXPECT_NE(csv.find(R"("{""a"":""b,c""}")"), std::string::npos);
    EXPECT_EQ(log().back().action, "audit.export");
    EXPECT_EQ(log().back().detail, R"({"action":"x.","rows":1})");
}

TEST_F(OversightTest, VerifyIsAudited) {
    auto v = oversight_->verify(who("supervisor")).value();
    EXPECT_TRUE(v.ok);
    EXPECT_EQ(v.entries, 1);
    EXPECT_EQ(log().back().action, "audit.verify");
    EXPECT_TRUE(store_->verify_audit().value().ok);
}

TEST_F(OversightTest, DashboardFoldsRomeDaysAndLeavesCsamOut) {
    const std::int64_t now = clock_.now_unix();
    sql("INSERT INTO cases (url_hash, canonical_url, host, registrable_domain, category, "
        "status_at, first_seen, last_seen, restricted, first_triage_at) VALUES "
        "('h1', 'http://a.example.com/', 'a.example.com', 'example.com', 'phishing', 1, " +
        std::to_string(now - 3600) + ", 1, 0, " + std::to_string(now - 3000) + ")");
    sql("INSERT INTO cases (url_hash, canonical_url, host, registrable_domain, category, "
        "status_at, first_seen, last_seen, restricted) VALUES "
        "('h2', 'http://b.example/', 'b.example', 'b.example', 'csam', 1, 1, 1, 1)");
    // 2026-07-14 23:30 Rome (21:30 UTC) and 2026-07-15 00:30 Rome (22:30 UTC): two days.
    const std::int64_t late = *rome_midnight("2026-07-15") - 1800;
    const std::int64_t early = *rome_midnight("2026-07-15") + 1800;
    sql("INSERT INTO reports (code, case_id, category, channel, created_at) VALUES "
        "('R1', 1, 'phishing', 'web', " +
        std::to_string(late) + "), ('R2', 1, 'phishing', 'web', " + std::to_string(early) +
        "), ('R3', 2, 'csam', 'web', " + std::to_string(early) + ")");

    auto d = oversight_->dashboard(who("supervisor")).value();
    EXPECT_FALSE(d.includes_csam);
    EXPECT_EQ(std::find(d.categories.begin(), d.categories.end(), "csam"), d.categories.end());
    ASSERT_EQ(d.days.size(), 30u);
    EXPECT_EQ(d.days.back().day, "2026-07-15");
    EXPECT_EQ(d.days.front().day, "2026-06-16");
    EXPECT_EQ(d.days.back().total, 1);
    EXPECT_EQ(d.days[28].day, "2026-07-14");
    EXPECT_EQ(d.days[28].total, 1);
    EXPECT_EQ(d.days[28].reports[0], 1);  // phishing is the first column
    ASSERT_EQ(d.open_by_status.size(), 3u);
    EXPECT_EQ(d.open_by_status[0].status, "received");
    EXPECT_EQ(d.open_by_status[0].cases, 1);
    ASSERT_EQ(d.triage.size(), 1u);
    EXPECT_EQ(d.triage[0].median_seconds, 600);
    ASSERT_EQ(d.top_domains.size(), 1u);
    EXPECT_EQ(d.top_domains[0].domain, "example.com");
    EXPECT_EQ(log().back().action, "dashboard.view");

    auto with = oversight_->dashboard(who("supervisor", "csam")).value();
    EXPECT_TRUE(with.includes_csam);
    EXPECT_EQ(with.days.back().total, 2);
    EXPECT_EQ(with.open_by_status[0].cases, 2);
    EXPECT_EQ(with.top_domains.size(), 2u);

    auto csv = oversight_->dashboard_csv(who("supervisor"), DashboardTable::daily).value();
    EXPECT_EQ(csv.substr(0, csv.find("\r\n")), "day,phishing,spam,fraud,malware,other,total");
    EXPECT_NE(csv.find("2026-07-15,1,0,0,0,0,1\r\n"), std::string::npos);
    EXPECT_EQ(log().back().action, "dashboard.export");
    auto domains = oversight_->dashboard_csv(who("supervisor"), DashboardTable::domains).value();
    EXPECT_EQ(domains, "registrable_domain,open_cases,reports\r\nexample.com,1,0\r\n");
}

}  // namespace
}  // namespace segnala::app
