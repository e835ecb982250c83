// The case file on every backend: status changes and their refusals, merge and undo with the
// public status following, split counts, links, notes, reveals and the exposure counter.
#include "store/case_files.hpp"
#include "store/dbtest_support.hpp"

namespace segnala::store {
namespace {

using core::errc;

class CaseFilesTest : public testing::BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure())
            return;
        ASSERT_TRUE(store().migrate());
        files_ = std::make_unique<CaseFiles>(db());
    }

    std::int64_t file(const std::string& code, const std::string& url,
                      const std::string& category = "phishing", std::int64_t at = 100) {
        NewReport r;
        r.code = code;
        r.category = category;
        r.channel = "web";
        r.lang = "it";
        r.created_at = at;
        r.description_sealed = "sealed-description";
        NewReportUrl u;
        u.canonical = url;
        u.url_hash = "h:" + url;
        u.host = "example.com";
        u.registrable_domain = "example.com";
        u.original_sealed = "sealed-original";
        r.urls.push_back(u);
        NewAttachment a;
        a.sha256 = "00";
        a.mime = "image/png";
        a.size = 3;
        a.width = 1;
        a.height = 1;
        a.original_sealed = "orig";
        a.preview_sealed = "prev";
        a.blurred_sealed = "blur";
        r.attachments.push_back(a);
        auto stored = store().add_report(r);
        EXPECT_TRUE(stored) << stored.error().message();
        return stored ? stored.value().cases[0].case_id : 0;
    }

    AuditEvent audit(const std::string& action) {
        return AuditEvent{1'000'000, "operator:1", action, "case:x", "{}"};
    }

    StatusChange to(std::string status, std::vector<std::string> from, bool open) {
        StatusChange ch;
        ch.from = std::move(from);
        ch.to = std::move(status);
        ch.open = open;
        ch.operator_id = 0;
        ch.at = 500;
        ch.event_detail = "{\"reason\":\"r\"}";
        return ch;
    }

    std::int64_t audit_entries() { return store().verify_audit().value().entries; }

    std::unique_ptr<CaseFiles> files_;
};

TEST_P(CaseFilesTest, StatusChangesFollowTheRulesAndTheReportsFollowTheCase) {
    const auto id = file("A1", "http://example.com/a");
    auto ch = to("confirmed", {"received", "in_review"}, true);
    auto changed = files_->change_status(id, ch, audit("case.confirm"));
    ASSERT_TRUE(changed) << changed.error().message();
    EXPECT_EQ(changed.value().status, "confirmed");
    EXPECT_EQ(changed.value().first_triage_at, 500);
    EXPECT_TRUE(changed.value().open);
    EXPECT_EQ(store().report_status("A1").value().status, "confirmed");
    EXPECT_EQ(store().report_status("A1").value().since, 500);
    // Confirming again is not a valid transition: nothing changes, nothing is audited.
    const auto before = audit_entries();
    EXPECT_EQ(files_->change_status(id, ch, audit("case.confirm")).error(), errc::conflict);
    EXPECT_EQ(audit_entries(), before);
    auto act = to("action_taken", {"confirmed"}, false);
    act.action_kind = "blocklisted";
    act.action_reference = "BL-1";
    act.at = 600;
    auto acted = files_->change_status(id, act, audit("case.action_taken"));
    ASSERT_TRUE(acted);
    EXPECT_EQ(acted.value().action_kind, "blocklisted");
    EXPECT_EQ(acted.value().action_reference, "BL-1");
    EXPECT_FALSE(acted.value().open);
    EXPECT_EQ(acted.value().first_triage_at, 500);  // the first triage stays
    EXPECT_EQ(store().report_status("A1").value().status, "action_taken");
    EXPECT_EQ(files_->change_status(999999, ch, audit("x")).error(), errc::not_found);
    auto events = files_->events(id);
    ASSERT_TRUE(events);
    ASSERT_EQ(events.value().size(), 2u);
    EXPECT_EQ(events.value()[0].kind, "status");
    EXPECT_TRUE(store().verify_audit().value().ok);
}

TEST_P(CaseFilesTest, MergeMovesTheReportsAndTheStatusAndUndoRestores) {
    const auto a = file("M1", "http://example.com/1");
    const auto b = file("M2", "http://example.com/2");
    ASSERT_TRUE(files_->merge(b, a, 0, 200, audit("case.merge")));
    EXPECT_EQ(files_->get(b).value().merged_into, a);
    EXPECT_FALSE(files_->get(b).value().open);
    auto reports = files_->reports(a);
    ASSERT_TRUE(reports);
    ASSERT_EQ(reports.value().size(), 2u);
    EXPECT_EQ(reports.value()[1].via_case, b);
    EXPECT_EQ(files_->count_reports(a).value(), 2);
    // The merged case's report follows the target.
    ASSERT_TRUE(files_->change_status(a, to("not_actionable", {"received"}, false), audit("r")));
    EXPECT_EQ(store().report_status("M2").value().status, "not_actionable");
    // No chains, no self-merge, no actions on a merged case.
    const auto c = file("M3", "http://example.com/3");
    EXPECT_EQ(files_->merge(a, c, 0, 200, audit("x")).error(), errc::conflict);
    EXPECT_EQ(files_->merge(c, b, 0, 200, audit("x")).error(), errc::conflict);
    EXPECT_EQ(files_->merge(c, c, 0, 200, audit("x")).error(), errc::conflict);
    EXPECT_EQ(files_->change_status(b, to("confirmed", {"received"}, true), audit("x")).error(),
              errc::conflict);
    auto related = files_->related(files_->get(a).value(), true);
    ASSERT_TRUE(related);
    ASSERT_FALSE(related.value().empty());
    EXPECT_EQ(related.value()[0].relation, "merged");

    ASSERT_TRUE(files_->unmerge(b, 0, 300, audit("case.unmerge")));
    EXPECT_EQ(files_->get(b).value().merged_into, 0);
    EXPECT_TRUE(files_->get(b).value().open);
    EXPECT_EQ(store().report_status("M2").value().status, "received");
    EXPECT_EQ(files_->reports(a).value().size(), 1u);
    EXPECT_EQ(files_->unmerge(b, 0, 300, audit("x")).error(), errc::conflict);
    EXPECT_TRUE(store().verify_audit().value().ok);
}

TEST_P(CaseFilesTest, SplitMovesOneReportIntoANewCaseWithFixedCounts) {
    const auto a = file("S1", "http://example.com/s", "phishing", 100);
    file("S2", "http://example.com/s", "phishing", 150);
    ASSERT_EQ(files_->get(a).value().report_count, 2);
    auto reports = files_->reports(a).value();
    ASSERT_EQ(reports.size(), 2u);
    const auto second = reports[1].id;
    auto fresh = files_->split(a, second, 0, 400, audit("case.split"));
    ASSERT_TRUE(fresh) << fresh.error().message();
    auto c = files_->get(fresh.value()).value();
    EXPECT_EQ(c.url_hash, "h:http://example.com/s:split:" + std::to_string(second));
    EXPECT_EQ(c.canonical_url, "http://example.com/s");
    EXPECT_EQ(c.report_count, 1);
    EXPECT_EQ(c.first_seen, 150);
    EXPECT_EQ(files_->get(a).value().report_count, 1);
    EXPECT_EQ(files_->reports(a).value().size(), 1u);
    ASSERT_EQ(files_->reports(fresh.value()).value().size(), 1u);
    EXPECT_EQ(files_->reports(fresh.value()).value()[0].code, "S2");
    // The split report's status follows its new case.
    ASSERT_TRUE(files_->change_status(fresh.value(), to("confirmed", {"received"}, true),
                                      audit("case.confirm")));
    EXPECT_EQ(store().report_status("S2").value().status, "confirmed");
    EXPECT_EQ(store().report_status("S1").value().status, "received");
    // The last report of a case cannot be split out; a report of another case is not found.
    EXPECT_EQ(files_->split(a, reports[0].id, 0, 400, audit("x")).error(), errc::conflict);
    EXPECT_EQ(files_->split(a, second, 0, 400, audit("x")).error(), errc::not_found);
    // A new report of the same URL still joins the original case.
    file("S3", "http://example.com/s", "phishing", 170);
    EXPECT_EQ(files_->get(a).value().report_count, 2);
}

TEST_P(CaseFilesTest, LinksShowBothWaysAndRestrictedCasesAreFilteredOnRequest) {
    const auto a = file("L1", "http://example.com/l1");
    const auto b = file("L2", "http://example.com/l2");
    const auto csam = file("L3", "http://example.com/l3", "csam");
    ASSERT_TRUE(files_->link(a, b, 0, 100, audit("case.link")));
    ASSERT_TRUE(files_->link(b, a, 0, 100, audit("case.link")));  // idempotent
    EXPECT_EQ(files_->link(a, a, 0, 100, audit("x")).error(), errc::conflict);
    EXPECT_EQ(files_->link(a, 999999, 0, 100, audit("x")).error(), errc::not_found);
    auto from_b = files_->related(files_->get(b).value(), false).value();
    ASSERT_FALSE(from_b.empty());
    EXPECT_EQ(from_b[0].id, a);
    EXPECT_EQ(from_b[0].relation, "linked");
    auto hidden = files_->related(files_->get(a).value(), false).value();
    for (const auto& r : hidden) {
        EXPECT_NE(r.id, csam);
    }
    auto all = files_->related(files_->get(a).value(), true).value();
    bool found = false;
    for (const auto& r : all) {
        found = found || (r.id == csam && r.restricted);
    }
    EXPECT_TRUE(found);
    EXPECT_TRUE(files_->get(csam).value().restricted);
    EXPECT_EQ(files_->events(a).value().size(), 1u);
}

TEST_P(CaseFilesTest, NotesRevealsAndExposure) {
    const auto a = file("N1", "http://example.com/n");
    ASSERT_TRUE(files_->add_note(a, 7, 100, "sealed-note", audit("case.note")));
    auto notes = files_->notes(a).value();
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].body_sealed, "sealed-note");
    EXPECT_EQ(files_->add_note(999999, 7, 100, "n", audit("x")).error(), errc::not_found);

    auto att = files_->reports(a).value()[0].attachments.at(0);
    auto rec = files_->attachment(att.id);
    ASSERT_TRUE(rec);
    EXPECT_EQ(rec.value().report_code, "N1");
    EXPECT_FALSE(rec.value().restricted);
    EXPECT_EQ(files_->attachment_blob(att.id, "blurred").value(), "blur");
    EXPECT_EQ(files_->attachment_blob(att.id, "original").value(), "orig");
    EXPECT_EQ(files_->attachment_blob(att.id, "x").error(), errc::invalid_argument);
    EXPECT_EQ(files_->attachment(999999).error(), errc::not_found);

    EXPECT_EQ(files_->last_reveal(7, "case:1").value(), 0);
    ASSERT_TRUE(files_->record_reveal(7, 1000, "case:1", true, audit("case.reveal")));
    ASSERT_TRUE(files_->record_reveal(7, 90'000, "attachment:1", false, audit("evidence.reveal")));
    ASSERT_TRUE(files_->record_reveal(8, 90'000, "case:1", true, audit("case.reveal")));
    EXPECT_EQ(files_->last_reveal(7, "case:1").value(), 1000);
    auto e = files_->exposure(7, 86'400, 0).value();
    EXPECT_EQ(e.today, 1);
    EXPECT_EQ(e.week, 2);
    EXPECT_EQ(e.csam_today, 0);
    EXPECT_EQ(e.csam_week, 1);
    auto all = files_->exposures(86'400, 0).value();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].operator_id, 7);
    EXPECT_EQ(all[0].exposure.week, 2);
    EXPECT_EQ(all[1].exposure.csam_today, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, CaseFilesTest, ::testing::Values("sqlite", "postgres"),
                         testing::backend_name);

}  // namespace
}  // namespace segnala::store
