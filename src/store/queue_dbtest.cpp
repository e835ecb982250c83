// The triage queue on every backend: ranking, keyset pages across inserts, filters, full-text
// search, CSAM invisible without the permission (lists, counts, search, actions), bulk actions
// with their case events and audit entries.
#include <algorithm>
#include <set>

#include "store/dbtest_support.hpp"
#include "store/priority.hpp"
#include "store/queue.hpp"

namespace segnala::store {
namespace {

using core::errc;

class QueueTest : public testing::BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure())
            return;
        ASSERT_TRUE(store().migrate());
        queue_ = std::make_unique<Queue>(db());
    }
    void TearDown() override {
        queue_.reset();
        BackendTest::TearDown();
    }

    /// Files one report for `url` (its own case unless the URL is known).
    std::int64_t file(const std::string& url, const std::string& category, std::int64_t at,
                      const std::string& terms = "", const std::string& domain = "example.com",
                      const std::string& signals = "") {
        NewReport r;
        r.code = "R" + std::to_string(++codes_);
        r.category = category;
        r.channel = "web";
        r.lang = "it";
        r.created_at = at;
        r.search_terms = terms;
        NewReportUrl u;
        u.canonical = url;
        u.url_hash = "h:" + url;
        u.host = domain;
        u.registrable_domain = domain;
        u.signals = signals;
        u.original_sealed = "sealed";
        r.urls.push_back(u);
        auto s = store().add_report(r);
        EXPECT_TRUE(s) << s.error().message();
        return s ? s.value().cases[0].case_id : 0;
    }

    std::vector<std::int64_t> ids(const QueueFilter& f) {
        // New reports wait in the search backlog until indexed (app::Queue does this too).
        EXPECT_TRUE(store().index_all_search_backlog());
        auto p = queue_->list(f);
        EXPECT_TRUE(p) << p.error().message();
        std::vector<std::int64_t> out;
        if (p) {
            for (const auto& r : p.value().rows) {
                out.push_back(r.id);
            }
        }
        return out;
    }

    std::int64_t operator_id(const std::string& name, const std::string& permissions = "") {
        NewOperator op{name, "operator", permissions, "x", false};
        AuditEvent e{1'000'000, "cli", "operator.create", "operator:new", "{}"};
        auto id = store().create_operator(op, e);
        EXPECT_TRUE(id);
        return id ? id.value() : 0;
    }

    std::unique_ptr<Queue> queue_;
    int codes_ = 0;
};

TEST_P(QueueTest, RanksCsamFirstThenPriorityThenNewestId) {
    const auto spam = file("http://a.example/spam", "spam", 1000);
    const auto phish = file("http://a.example/phish", "phishing", 1000);
    const auto csam = file("http://a.example/c", "csam", 10);
    const auto phish2 = file("http://a.example/phish2", "phishing", 1000);
    // Two more reports raise the spam case by one doubling (+6 h): still below phishing (+48 h).
    file("http://a.example/spam", "spam", 1000);
    QueueFilter f;
    f.include_restricted = true;
    EXPECT_EQ(ids(f), (std::vector<std::int64_t>{csam, phish2, phish, spam}));
    f.include_restricted = false;
    EXPECT_EQ(ids(f), (std::vector<std::int64_t>{phish2, phish, spam}));
    EXPECT_EQ(queue_->count(f).value(), 3);
    f.include_restricted = true;
    EXPECT_EQ(queue_->count(f).value(), 4);

    auto page = queue_->list(f).value();
    EXPECT_EQ(page.rows[0].priority, case_priority("csam", 1, "", 10));
    EXPECT_TRUE(page.rows[0].restricted);
    EXPECT_EQ(page.rows[3].report_count, 2);
    EXPECT_EQ(page.rows[3].priority, case_priority("spam", 2, "", 1000));
}

TEST_P(QueueTest, AReportMakingACaseCsamRestrictsIt) {
    const auto id = file("http://b.example/x", "phishing", 500);
    file("http://b.example/x", "csam", 600);
    QueueFilter f;
    EXPECT_TRUE(ids(f).empty());
    EXPECT_EQ(queue_->count(f).value(), 0);
    f.include_restricted = true;
    EXPECT_EQ(ids(f), std::vector<std::int64_t>{id});
}

TEST_P(QueueTest, KeysetPagesNeverRepeatOrSkipAcrossInserts) {
    std::set<std::int64_t> all;
    for (int i = 0; i < 130; ++i) {
        // Few distinct priorities, so ties are broken by id across page boundaries.
        all.insert(file("http://p.example/" + std::to_string(i), i % 7 == 0 ? "csam" : "spam",
                        1000 + (i % 3)));
    }
    QueueFilter f;
    f.include_restricted = true;
    f.limit = 20;
    std::vector<std::int64_t> seen;
    int pages = 0;
    while (true) {
        auto p = queue_->list(f);
        ASSERT_TRUE(p) << p.error().message();
        for (const auto& r : p.value().rows) {
            seen.push_back(r.id);
        }
        ++pages;
        // New cases arrive between pages, ranked above and below the cursor.
        file("http://p.example/new-hi-" + std::to_string(pages), "phishing", 5000);
        file("http://p.example/new-lo-" + std::to_string(pages), "spam", 1);
        if (!p.value().next) {
            break;
        }
        f.after = p.value().next;
    }
    const std::set<std::int64_t> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << "a case was listed twice";
    for (auto id : all) {
        EXPECT_TRUE(unique.count(id)) << "case " << id << " skipped";
    }
    // Without the permission, a restricted cursor simply starts the unrestricted part.
    QueueFilter g;
    g.after = QueueCursor{1, 1 << 30, 1};
    auto first = queue_->list(g);
    ASSERT_TRUE(first);
    EXPECT_EQ(first.value().rows.size(), 50u);
    for (const auto& r : first.value().rows) {
        EXPECT_FALSE(r.restricted);
    }
}

TEST_P(QueueTest, Filters) {
    const auto a = file("http://one.example/a", "phishing", 86400 * 10, "", "one.example");
    const auto b = file("http://two.example/b", "fraud", 86400 * 20, "", "two.example");
    const auto c = file("http://two.example/c", "phishing", 86400 * 30, "", "two.example");
    QueueFilter f;
    f.category = "phishing";
    EXPECT_EQ(ids(f), (std::vector<std::int64_t>{c, a}));
    f = {};
    f.registrable_domain = "two.example";
    EXPECT_EQ(ids(f), (std::vector<std::int64_t>{c, b}));
    f = {};
    f.seen_from = 86400 * 15;
    f.seen_until = 86400 * 25;
    EXPECT_EQ(ids(f), std::vector<std::int64_t>{b});
    f = {};
    f.status = "in_review";
    EXPECT_TRUE(ids(f).empty());

    const auto me = operator_id("alice");
    BulkRequest take{BulkAction::take, {b}, me, 86400LL * 40 * 1'000'000};
    ASSERT_TRUE(queue_->apply(take));
    f = {};
    f.assigned_to = me;
    EXPECT_EQ(ids(f), std::vector<std::int64_t>{b});
    f = {};
    f.status = "in_review";
    EXPECT_EQ(ids(f), std::vector<std::int64_t>{b});
    auto rows = queue_->list(f).value().rows;
    EXPECT_EQ(rows[0].assigned_username, "alice");
    EXPECT_EQ(rows[0].first_triage_at, 86400 * 40);
}

TEST_P(QueueTest, FullTextFindsUrlWordsAndHashedDescriptionWords) {
    const auto a = file("http://paypal-login.example/a", "phishing", 100,
                        "http paypal login example a h00112233aabbccdd");
    const auto b = file("http://bank.example/b", "phishing", 200, "http bank example b hffee");
    const auto csam = file("http://bank.example/c", "csam", 300, "http bank example c");
    QueueFilter f;
    f.text = {{"paypal"}};
    EXPECT_EQ(ids(f), std::vector<std::int64_t>{a});
    f.text = {{"nothing", "h00112233aabbccdd"}};
    EXPECT_EQ(ids(f), std::vector<std::int64_t>{a});
    f.text = {{"bank"}, {"example"}};
    EXPECT_EQ(ids(f), std::vector<std::int64_t>{b});
    EXPECT_EQ(queue_->count(f).value(), 1);
    f.include_restricted = true;
    EXPECT_EQ(ids(f), (std::vector<std::int64_t>{csam, b}));
    EXPECT_EQ(queue_->count(f).value(), 2);
    f.text = {{"bank"}, {"paypal"}};
    EXPECT_TRUE(ids(f).empty());
    // Operators and quotes never reach the FTS or SQL text.
    for (const char* bad : {"\"", "a OR b", "NEAR", "x*", "^a", "", "ÀB"}) {
        f.text = {{bad}};
        EXPECT_EQ(queue_->list(f).error(), errc::invalid_argument) << bad;
        EXPECT_EQ(queue_->count(f).error(), errc::invalid_argument) << bad;
    }
    f.text = {{}};
    EXPECT_EQ(queue_->list(f).error(), errc::invalid_argument);
}

TEST_P(QueueTest, CommonWordsAreSearchedByWalkingTheQueueWithTheSameResults) {
    std::vector<std::int64_t> with_word;
    for (int i = 0; i < 12; ++i) {
        const auto id = file("http://e.example/" + std::to_string(i), i % 3 ? "spam" : "csam",
                             100 + i, i % 2 ? "common rare" + std::to_string(i) : "common");
        if (i % 2) {
            with_word.push_back(id);
        }
    }
    ASSERT_TRUE(store().index_all_search_backlog());
    for (int threshold : {1000, 3}) {  // selective plan, then the walking plan
        queue_->set_common_matches_for_test(threshold);
        QueueFilter f;
        f.text = {{"common"}};
        EXPECT_EQ(queue_->count(f).value(), 8) << threshold;
        f.include_restricted = true;
        EXPECT_EQ(queue_->count(f).value(), 12) << threshold;
        f.limit = 5;
        std::vector<std::int64_t> all;
        while (true) {
            auto p = queue_->list(f).value();
            for (const auto& r : p.rows) {
                all.push_back(r.id);
            }
            if (!p.next) {
                break;
            }
            f.after = p.next;
        }
        EXPECT_EQ(all.size(), 12u) << threshold;
        f = {};
        f.text = {{"common"}, {"rare1", "rare3", "rare5", "rare7", "rare9", "rare11"}};
        f.include_restricted = true;
        auto ids_found = ids(f);
        std::sort(ids_found.begin(), ids_found.end());
        EXPECT_EQ(ids_found, with_word) << threshold;
        f.category = "spam";
        f.registrable_domain = "example.com";
        EXPECT_EQ(ids(f).size(), 4u) << threshold;
    }
}

TEST_P(QueueTest, SearchFindsEveryCaseOfAMultiUrlReport) {
    NewReport r;
    r.code = "MULTI";
    r.category = "spam";
    r.channel = "api";
    r.created_at = 50;
    r.search_terms = "first second hword";
    for (const char* u : {"http://first.example/", "http://second.example/"}) {
        NewReportUrl nu;
        nu.canonical = u;
        nu.url_hash = std::string("h:") + u;
        nu.host = u;
        nu.original_sealed = "s";
        r.urls.push_back(nu);
    }
    auto stored = store().add_report(r);
    ASSERT_TRUE(stored);
    QueueFilter f;
    f.text = {{"second"}};
    EXPECT_EQ(ids(f), (std::vector<std::int64_t>{stored.value().cases[1].case_id,
                                                 stored.value().cases[0].case_id}));
}

TEST_P(QueueTest, ReportsReachTheSearchThroughTheBacklogInBatches) {
    QueueFilter f;
    f.text = {{"backlogword"}};
    std::vector<std::int64_t> cases;
    for (int i = 0; i < 5; ++i) {
        cases.push_back(
            file("http://backlog.example/" + std::to_string(i), "spam", 100 + i, "backlogword"));
    }
    // Not searchable until filed, then filed oldest first, at most `limit` at a time.
    auto before = queue_->list(f);
    ASSERT_TRUE(before);
    EXPECT_TRUE(before.value().rows.empty());
    EXPECT_EQ(store().index_search_backlog(2).value(), 2);
    auto partial = queue_->list(f);
    ASSERT_TRUE(partial);
    ASSERT_EQ(partial.value().rows.size(), 2u);
    EXPECT_EQ(store().index_search_backlog(100).value(), 3);
    EXPECT_EQ(store().index_search_backlog(100).value(), 0);
    auto all = queue_->list(f);
    ASSERT_TRUE(all);
    EXPECT_EQ(all.value().rows.size(), 5u);
    auto left = db().read_as<std::int64_t>([](Tx& tx) -> core::result<std::int64_t> {
        SEGNALA_TRY(r, tx.query("SELECT COUNT(*) FROM search_backlog"));
        return r.int64(0, 0);
    });
    EXPECT_EQ(left.value(), 0);
}

TEST_P(QueueTest, BulkActionsAreAuditedAndSkipWhatTheActorMayNotTouch) {
    const auto a = file("http://c.example/a", "phishing", 100);
    const auto b = file("http://c.example/b", "spam", 100);
    const auto csam = file("http://c.example/c", "csam", 100);
    const auto me = operator_id("bob");
    const auto other = operator_id("carol", "csam");

    BulkRequest take{BulkAction::take, {a, csam, 999999, a}, me, 200'000'000};
    auto t = queue_->apply(take);
    ASSERT_TRUE(t) << t.error().message();
    EXPECT_EQ(t.value().changed, std::vector<std::int64_t>{a});
    EXPECT_EQ(t.value().skipped, 2);
    EXPECT_EQ(store().report_status("R1").value().status, "in_review");
    EXPECT_EQ(store().report_status("R3").value().status, "received");
    // Taking again changes nothing.
    EXPECT_TRUE(queue_->apply(take).value().changed.empty());

    BulkRequest assign{BulkAction::assign, {b, csam}, other, 300'000'000, false, me};
    auto as = queue_->apply(assign);
    ASSERT_TRUE(as);
    EXPECT_EQ(as.value().changed, std::vector<std::int64_t>{b});
    // The assignee must be allowed to see a restricted case too.
    assign.include_restricted = true;
    assign.case_ids = {csam};
    EXPECT_TRUE(queue_->apply(assign).value().changed.empty());
    assign.assignee = other;
    assign.assignee_csam = true;
    EXPECT_EQ(queue_->apply(assign).value().changed, std::vector<std::int64_t>{csam});

    BulkRequest close{BulkAction::close_not_actionable, {a, b}, me, 400'000'000};
    close.reason = "not_malicious";
    EXPECT_EQ(queue_->apply(close).value().changed.size(), 2u);
    EXPECT_EQ(store().report_status("R2").value().status, "not_actionable");
    EXPECT_EQ(store().report_status("R2").value().since, 400);
    QueueFilter f;
    EXPECT_TRUE(ids(f).empty());  // closed cases leave the queue; csam is not visible
    // Closed cases cannot be taken.
    EXPECT_TRUE(queue_->apply(take).value().changed.empty());

    close.reason = "Bad Reason";
    EXPECT_EQ(queue_->apply(close).error(), errc::invalid_argument);
    close.reason = "";
    EXPECT_EQ(queue_->apply(close).error(), errc::invalid_argument);
    BulkRequest empty{BulkAction::take, {}, me, 1};
    EXPECT_EQ(queue_->apply(empty).error(), errc::invalid_argument);
    empty.case_ids.assign(kMaxBulk + 1, a);
    EXPECT_EQ(queue_->apply(empty).error(), errc::invalid_argument);

    auto events = db().read_as<std::int64_t>([&](Tx& tx) -> core::result<std::int64_t> {
        SEGNALA_TRY(rows, tx.query("SELECT COUNT(*) FROM case_events"));
        return rows.int64(0, 0);
    });
    EXPECT_EQ(events.value(), 5);  // take a, assign b, assign csam, close a, close b
    auto audit = store().list_audit(0, 100).value();
    std::vector<std::string> actions;
    for (const auto& e : audit) {
        if (e.action.rfind("case.", 0) == 0) {
            actions.push_back(e.action + " " + e.object);
        }
    }
    EXPECT_EQ(actions, (std::vector<std::string>{
                           "case.take case:" + std::to_string(a),
                           "case.assign case:" + std::to_string(b),
                           "case.assign case:" + std::to_string(csam),
                           "case.close case:" + std::to_string(a),
                           "case.close case:" + std::to_string(b),
                       }));
    EXPECT_TRUE(store().verify_audit().value().ok);
}

TEST_P(QueueTest, OverdueCountsUntriagedOpenCasesByCategoryAndOperator) {
    const auto a = file("http://d.example/a", "phishing", 100);
    file("http://d.example/b", "phishing", 100);
    file("http://d.example/c", "phishing", 9000);  // not yet due
    const auto csam = file("http://d.example/d", "csam", 100);
    const auto me = operator_id("dave", "csam");
    BulkRequest assign{BulkAction::assign, {a, csam}, me, 200'000'000, true, me, true};
    ASSERT_TRUE(queue_->apply(assign));
    std::vector<OverdueDeadline> d = {{"phishing", 5000}, {"csam", 5000}};
    auto hidden = queue_->overdue(d, false);
    ASSERT_TRUE(hidden) << hidden.error().message();
    std::int64_t total = 0;
    for (const auto& c : hidden.value()) {
        EXPECT_NE(c.category, "csam");
        total += c.cases;
    }
    EXPECT_EQ(total, 2);
    auto all = queue_->overdue(d, true).value();
    std::map<std::string, std::int64_t> by;
    for (const auto& c : all) {
        by[c.category + "/" + c.assigned_username] += c.cases;
    }
    EXPECT_EQ(by, (std::map<std::string, std::int64_t>{
                      {"phishing/dave", 1}, {"phishing/", 1}, {"csam/dave", 1}}));
    // Taking is the first triage: the case is no longer overdue.
    BulkRequest take{BulkAction::take, {a}, me, 300'000'000, true};
    ASSERT_TRUE(queue_->apply(take));
    total = 0;
    const auto after_take = queue_->overdue(d, false);  // kept: the loop must not outlive it
    ASSERT_TRUE(after_take);
    for (const auto& c : after_take.value()) {
        total += c.cases;
    }
    EXPECT_EQ(total, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, QueueTest, ::testing::Values("sqlite", "postgres"),
                         testing::backend_name);

}  // namespace
}  // namespace segnala::store
