#include "app/cases.hpp"

#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "crypto/seal.hpp"
#include "media/test_images.hpp"
#include "store/database.hpp"
#include "store/sqlite/sqlite_database.hpp"
#include "store/store.hpp"

namespace segnala::app {
namespace {

using core::errc;

class CasesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("segnala-cases-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
        store::SqliteSettings s;
        s.path = (dir_ / "db").string();
        db_ = store::open_sqlite(s).value();
        store_ = std::make_unique<store::Store>(*db_);
        ASSERT_TRUE(store_->migrate());
        intake_ = std::make_unique<Intake>(*store_, sealer_, clock_);
        CaseSettings settings;
        settings.exposure_pause_threshold = 2;
        cases_ = std::make_unique<Cases>(*store_, sealer_, clock_, settings);
    }
    void TearDown() override {
        cases_.reset();
        intake_.reset();
        store_.reset();
        db_->close();
        db_.reset();
        std::filesystem::remove_all(dir_);
    }

    Receipt file(const std::string& category, const std::string& url, bool image = false) {
        ReportForm f;
        f.category = category;
        f.urls = {url};
        f.description = "la mia descrizione";
        f.contact = "mario@example.org";
        if (image) {
            f.attachments.push_back(
                {media::testing::encode_png(media::testing::gradient(64, 48)), "shot.png"});
        }
        Submission s;
        auto errors = intake_->validate(f, s);
        EXPECT_TRUE(errors.empty()) << errors.front().field << " " << errors.front().code;
        auto r = intake_->submit(s, {});
        EXPECT_TRUE(r) << r.error().message();
        return r.value();
    }

    static Principal who(std::string role, std::string permissions = "") {
        Principal p;
        p.operator_id = 42;
        p.username = "tester";
        p.role = std::move(role);
        p.permissions = std::move(permissions);
        return p;
    }

    std::vector<store::AuditEntry> audit() { return store_->list_audit(0, 1000).value(); }
    bool audited(const std::string& action) {
        for (const auto& e : audit()) {
            if (e.action == action)
                return true;
        }
        return false;
    }

    std::filesystem::path dir_;
    core::FakeClock clock_{1'790'000'000};
    crypto::Sealer sealer_ = crypto::Sealer::in_memory_for_test();
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<Intake> intake_;
    std::unique_ptr<Cases> cases_;
};

CaseAction action(std::string a, std::string reason = {}, std::string kind = {},
                  std::string reference = {}) {
    return CaseAction{std::move(a), std::move(reason), std::move(kind), std::move(reference)};
}

TEST(CaseRules, DefangAndTransitions) {
    EXPECT_EQ(defang_text("https://evil.example.com/a.b"), "hxxps://evil[.]example[.]com/a[.]b");
    EXPECT_EQ(defang_text("HTTP://x.y"), "hxxp://x[.]y");
    EXPECT_EQ(defang_text("javascript:alert(1)"), "javascript:alert(1)");
    EXPECT_TRUE(transition_allowed("confirm", "received"));
    EXPECT_FALSE(transition_allowed("confirm", "closed"));
    EXPECT_TRUE(transition_allowed("reopen", "not_actionable"));
    EXPECT_FALSE(transition_allowed("reopen", "received"));
    EXPECT_FALSE(transition_allowed("delete", "received"));
}

TEST_F(CasesTest, ViewUnsealsThePersonalDataAndAuditsIt) {
    auto r = file("phishing", "https://evil.example.com/login");
    auto v = cases_->view(who("operator"), r.case_id);
    ASSERT_TRUE(v) << v.error().message();
    EXPECT_EQ(v.value().display_url, "hxxps://evil[.]example[.]com/login");
    ASSERT_EQ(v.value().reports.size(), 1u);
    EXPECT_EQ(v.value().reports[0].description, "la mia descrizione");
    EXPECT_EQ(v.value().reports[0].contact, "mario@example.org");
    EXPECT_FALSE(v.value().reports[0].unreadable);
    EXPECT_TRUE(audited("case.view_personal_data"));
    EXPECT_EQ(cases_->view(who("operator"), 999).error(), errc::not_found);
}

TEST_F(CasesTest, ActionsNeedTheirRoleReasonAndReference) {
    auto r = file("phishing", "https://evil.example.com/a");
    EXPECT_EQ(cases_->act(who("operator"), r.case_id, action("confirm")).error(),
              errc::permission_denied);
    auto no_reason = cases_->act(who("analyst"), r.case_id, action("reject", "   "));
    ASSERT_TRUE(no_reason);
    ASSERT_EQ(no_reason.value().size(), 1u);
    EXPECT_EQ(no_reason.value()[0].code, "case_reason_required");
    EXPECT_EQ(intake_->status(r.code).value().status, core::Status::received);

    auto no_ref =
        cases_->act(who("analyst"), r.case_id, action("action_taken", "", "blocklisted", ""));
    ASSERT_TRUE(no_ref);
    EXPECT_EQ(no_ref.value().at(0).code, "case_reference_required");
    auto bad_kind =
        cases_->act(who("analyst"), r.case_id, action("action_taken", "", "nuked", "R-1"));
    EXPECT_EQ(bad_kind.value().at(0).code, "case_kind_invalid");

    auto ok = cases_->act(who("analyst"), r.case_id, action("confirm"));
    ASSERT_TRUE(ok);
    EXPECT_TRUE(ok.value().empty());
    EXPECT_EQ(intake_->status(r.code).value().status, core::Status::confirmed);
    EXPECT_EQ(cases_->act(who("analyst"), r.case_id, action("confirm")).error(), errc::conflict);
    ASSERT_TRUE(
        cases_->act(who("analyst"), r.case_id, action("action_taken", "", "referred", "HOT-9")));
    EXPECT_EQ(intake_->status(r.code).value().status, core::Status::action_taken);
    // Reopening is for supervisors, with a reason.
    EXPECT_EQ(cases_->act(who("analyst"), r.case_id, action("reopen", "again")).error(),
              errc::permission_denied);
    ASSERT_TRUE(cases_->act(who("supervisor"), r.case_id, action("reopen", "new evidence")));
    EXPECT_EQ(intake_->status(r.code).value().status, core::Status::in_review);
    auto v = cases_->view(who("analyst"), r.case_id).value();
    EXPECT_EQ(v.record.action_kind, "referred");
    EXPECT_EQ(v.record.action_reference, "HOT-9");
    EXPECT_EQ(v.record.triaged_by, 42);
    EXPECT_EQ(v.events.size(), 3u);
    EXPECT_TRUE(audited("case.reopen"));
    EXPECT_TRUE(store_->verify_audit().value().ok);
}

TEST_F(CasesTest, CsamCasesAreInvisibleWithoutThePermissionAndMaskedUntilRevealed) {
    auto r = file("csam", "https://bad.example.net/x");
    EXPECT_EQ(cases_->view(who("admin"), r.case_id).error(), errc::not_found);
    EXPECT_EQ(cases_->act(who("admin"), r.case_id, action("confirm")).error(), errc::not_found);
    EXPECT_EQ(cases_->reveal_case(who("admin"), r.case_id).error(), errc::not_found);
    const auto csam = who("analyst", "csam");
    auto masked = cases_->view(csam, r.case_id).value();
    EXPECT_TRUE(masked.masked);
    EXPECT_TRUE(masked.display_url.empty());
    EXPECT_TRUE(masked.reports.empty());
    EXPECT_EQ(masked.total_reports, 1);
    ASSERT_TRUE(cases_->reveal_case(csam, r.case_id));
    auto shown = cases_->view(csam, r.case_id).value();
    EXPECT_FALSE(shown.masked);
    EXPECT_EQ(shown.reports.size(), 1u);
    EXPECT_EQ(shown.exposure.counts.csam_today, 1);
    EXPECT_TRUE(audited("case.reveal"));
    clock_.advance(std::chrono::minutes(6));
    EXPECT_TRUE(cases_->view(csam, r.case_id).value().masked);
}

TEST_F(CasesTest, EvidenceIsBlurredUntilRevealedAndDownloadsAreAudited) {
    auto r = file("phishing", "https://evil.example.com/img", true);
    auto v = cases_->view(who("operator"), r.case_id).value();
    ASSERT_EQ(v.reports.at(0).attachments.size(), 1u);
    const auto id = v.reports[0].attachments[0].id;
    auto blurred = cases_->evidence(who("operator"), id, EvidenceKind::blurred);
    ASSERT_TRUE(blurred) << blurred.error().message();
    EXPECT_EQ(blurred.value().mime, "image/jpeg");
    EXPECT_EQ(cases_->evidence(who("operator"), id, EvidenceKind::preview).error(),
              errc::permission_denied);
    EXPECT_EQ(cases_->evidence(who("operator"), id, EvidenceKind::original).error(),
              errc::permission_denied);
    ASSERT_TRUE(cases_->reveal_attachment(who("operator"), id));
    EXPECT_TRUE(cases_->evidence(who("operator"), id, EvidenceKind::preview));
    auto original = cases_->evidence(who("analyst"), id, EvidenceKind::original);
    ASSERT_TRUE(original);
    EXPECT_EQ(original.value().mime, "image/png");
    EXPECT_EQ(original.value().bytes.substr(1, 3), "PNG");
    EXPECT_TRUE(audited("evidence.download"));
    EXPECT_TRUE(audited("evidence.reveal"));
    EXPECT_EQ(cases_->evidence(who("operator"), 9999, EvidenceKind::blurred).error(),
              errc::not_found);
}

TEST_F(CasesTest, PausePromptPastTheThresholdAndSupervisorFigures) {
    auto r = file("phishing", "https://evil.example.com/p", true);
    const auto id = cases_->view(who("operator"), r.case_id).value().reports[0].attachments[0].id;
    EXPECT_FALSE(cases_->exposure(who("operator")).value().pause_suggested);
    ASSERT_TRUE(cases_->reveal_attachment(who("operator"), id));
    ASSERT_TRUE(cases_->reveal_attachment(who("operator"), id));
    auto e = cases_->exposure(who("operator")).value();
    EXPECT_EQ(e.counts.today, 2);
    EXPECT_TRUE(e.pause_suggested);
    EXPECT_EQ(cases_->exposures(who("analyst")).error(), errc::permission_denied);
    auto all = cases_->exposures(who("supervisor")).value();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].exposure.week, 2);
}

TEST_F(CasesTest, MergeSplitLinkAndNotes) {
    auto a = file("phishing", "https://evil.example.com/m1");
    auto b = file("phishing", "https://evil.example.com/m2");
    EXPECT_EQ(cases_->merge(who("operator"), b.case_id, a.case_id).error(),
              errc::permission_denied);
    auto bad = cases_->merge(who("analyst"), b.case_id, 777);
    EXPECT_EQ(bad.value().at(0).code, "case_target_invalid");
    ASSERT_TRUE(cases_->merge(who("analyst"), b.case_id, a.case_id));
    EXPECT_EQ(cases_->view(who("analyst"), a.case_id).value().reports.size(), 2u);
    ASSERT_TRUE(cases_->act(who("analyst"), a.case_id, action("confirm")));
    EXPECT_EQ(intake_->status(b.code).value().status, core::Status::confirmed);
    ASSERT_TRUE(cases_->unmerge(who("analyst"), b.case_id));
    EXPECT_EQ(intake_->status(b.code).value().status, core::Status::received);
    ASSERT_TRUE(cases_->link(who("analyst"), a.case_id, b.case_id));
    EXPECT_EQ(cases_->view(who("analyst"), b.case_id).value().related.at(0).relation, "linked");
    EXPECT_EQ(cases_->add_note(who("analyst"), a.case_id, " ").value().at(0).code,
              "case_note_required");
    ASSERT_TRUE(cases_->add_note(who("analyst"), a.case_id, "chiamato il registrar"));
    auto v = cases_->view(who("analyst"), a.case_id).value();
    ASSERT_EQ(v.notes.size(), 1u);
    EXPECT_EQ(v.notes[0].body, "chiamato il registrar");
    // Split needs a second report in the case.
    auto c = file("phishing", "https://evil.example.com/m1");
    auto reports = cases_->view(who("analyst"), a.case_id).value().reports;
    ASSERT_EQ(reports.size(), 2u);
    std::int64_t fresh = 0;
    ASSERT_TRUE(cases_->split(who("analyst"), a.case_id, reports[1].id, &fresh));
    EXPECT_NE(fresh, 0);
    EXPECT_EQ(cases_->view(who("analyst"), fresh).value().reports.at(0).code, c.code);
    EXPECT_EQ(cases_->split(who("analyst"), a.case_id, reports[1].id).value().at(0).code,
              "case_report_invalid");
    EXPECT_TRUE(store_->verify_audit().value().ok);
}

}  // namespace
}  // namespace segnala::app
