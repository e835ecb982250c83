#include "app/intake.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "app/contact.hpp"
#include "crypto/seal.hpp"
#include "store/database.hpp"
#include "store/sqlite/sqlite_database.hpp"
#include "store/store.hpp"

namespace segnala::app {
namespace {

using core::errc;

class IntakeTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("segnala-intake-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
        store::SqliteSettings s;
        s.path = (dir_ / "db").string();
        db_ = store::open_sqlite(s).value();
        store_ = std::make_unique<store::Store>(*db_);
        ASSERT_TRUE(store_->migrate());
        intake_ = std::make_unique<Intake>(*store_, sealer_, clock_);
    }
    void TearDown() override {
        intake_.reset();
        store_.reset();
        db_->close();
        db_.reset();
        std::filesystem::remove_all(dir_);
    }

    std::vector<FieldError> check(const ReportForm& f) {
        Submission s;
        return intake_->validate(f, s);
    }

    Receipt file(const ReportForm& f, SubmitContext ctx = {}) {
        Submission s;
        auto errors = intake_->validate(f, s);
        EXPECT_TRUE(errors.empty()) << errors.front().field << " " << errors.front().code;
        auto r = intake_->submit(s, ctx);
        EXPECT_TRUE(r) << r.error().message();
        return r.value();
    }

    std::filesystem::path dir_;
    core::FakeClock clock_{1'790'000'000};
    crypto::Sealer sealer_ = crypto::Sealer::in_memory_for_test();
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<Intake> intake_;
};

bool has_error(const std::vector<FieldError>& e, const std::string& field,
               const std::string& code) {
    for (const auto& x : e) {
        if (x.field == field && x.code == code)
            return true;
    }
    return false;
}

TEST_F(IntakeTest, EveryBadInputHasItsFieldError) {
    EXPECT_TRUE(has_error(check({.category = "nonsense", .urls = {"https://a.example.com/"}}),
                          "category", "category_invalid"));
    EXPECT_TRUE(
        has_error(check({.category = "phishing", .urls = {" ", ""}}), "urls", "urls_required"));
    std::vector<std::string> many(21, "https://example.com/x");
    for (int i = 0; i < 21; ++i)
        many[i] += std::to_string(i);
    EXPECT_TRUE(has_error(check({.category = "spam", .urls = many}), "urls", "too_many_urls"));
    auto e =
        check({.category = "phishing", .urls = {"https://ok.example.com/", "not a url at all"}});
    EXPECT_TRUE(has_error(e, "urls/1", "url_invalid"));
    EXPECT_FALSE(has_error(e, "urls/0", "url_invalid"));
    EXPECT_TRUE(
        has_error(check({.category = "phishing", .urls = {"localhost"}}), "urls/0", "url_invalid"));
    EXPECT_TRUE(has_error(check({.category = "phishing", .urls = {"mailto:a@b.com"}}), "urls/0",
                          "url_invalid"));
    EXPECT_TRUE(has_error(
        check({.category = "phishing", .urls = {"https://example.com/" + std::string(3000, 'a')}}),
        "urls/0", "url_too_long"));
    EXPECT_TRUE(has_error(check({.category = "fraud",
                                 .urls = {"https://shop.example.com/"},
                                 .description = std::string(5001, 'x')}),
                          "description", "description_too_long"));
    EXPECT_TRUE(has_error(check({.category = "fraud",
                                 .urls = {"https://shop.example.com/"},
                                 .description = "bad \xff utf8"}),
                          "description", "text_encoding"));
    EXPECT_TRUE(has_error(
        check({.category = "fraud", .urls = {"https://shop.example.com/"}, .contact = "12345"}),
        "contact", "contact_invalid"));
    EXPECT_TRUE(has_error(check({.category = "fraud",
                                 .urls = {"https://shop.example.com/"},
                                 .contact = "not-an-email@"}),
                          "contact", "contact_invalid"));
    EXPECT_TRUE(has_error(check({.category = "csam",
                                 .urls = {"https://bad.example.com/"},
                                 .attachments = {{"\x89PNG", "a.png"}}}),
                          "attachments", "csam_no_attachments"));
    EXPECT_TRUE(has_error(check({.category = "phishing",
                                 .urls = {"https://bad.example.com/"},
                                 .attachments = {{"just some text", "shot.png"}}}),
                          "attachments/0", "attachment_type"));
    EXPECT_TRUE(check({.category = "phishing",
                       .urls = {"https://ok.example.com/"},
                       .contact = "+39 333 123 4567"})
                    .empty());
}

TEST_F(IntakeTest, ContactsAreNormalized) {
    EXPECT_EQ(normalize_contact("333 123 4567").value_or(""), "+393331234567");
    EXPECT_EQ(normalize_contact("Mario.Rossi@Example.IT").value_or(""), "Mario.Rossi@example.it");
    EXPECT_FALSE(normalize_contact("mario@localhost"));
    EXPECT_FALSE(normalize_contact("+39 333 abc"));
}

TEST_F(IntakeTest, SameCanonicalUrlJoinsOneCase) {
    auto a = file({.category = "phishing", .urls = {"http://Bank-Login.EXAMPLE.com/a/../b"}});
    clock_.advance(std::chrono::hours(2));
    auto b = file({.category = "phishing", .urls = {"bank-login.example.com/b"}});
    EXPECT_NE(a.code, b.code);
    EXPECT_EQ(a.case_id, b.case_id);
    EXPECT_TRUE(a.known.empty());
    ASSERT_EQ(b.known.size(), 1u);
    EXPECT_EQ(b.known[0].previous_reports, 1);
    EXPECT_EQ(b.known[0].first_seen, 1'790'000'000);
    EXPECT_NE(b.known[0].display.find("[.]"), std::string::npos);
    auto other = file({.category = "phishing", .urls = {"https://elsewhere.example.org/"}});
    EXPECT_NE(other.case_id, a.case_id);
}

TEST_F(IntakeTest, CsamNeverRevealsWhatIsKnown) {
    file({.category = "phishing", .urls = {"https://mixed.example.com/p"}});
    auto r = file({.category = "csam", .urls = {"https://mixed.example.com/p"}});
    EXPECT_TRUE(r.known.empty());
    // And once a case is CSAM, other categories learn nothing about it either.
    auto again = file({.category = "phishing", .urls = {"https://mixed.example.com/p"}});
    EXPECT_TRUE(again.known.empty());
}

TEST_F(IntakeTest, StatusForUnknownAndMalformedCodesIsTheSame) {
    auto r = file({.category = "spam", .urls = {"https://spam.example.net/"}});
    auto st = intake_->status(r.code);
    ASSERT_TRUE(st);
    EXPECT_EQ(st.value().status, core::Status::received);
    // Lower case and without dashes is the same code.
    std::string typed;
    for (char c : r.code) {
        if (c != '-')
            typed += static_cast<char>(std::tolower(c));
    }
    EXPECT_TRUE(intake_->status(typed));
    std::string typo = r.code;
    typo[0] = typo[0] == 'A' ? 'B' : 'A';
    EXPECT_EQ(intake_->status(typo).error(), errc::not_found);
    EXPECT_EQ(intake_->status("garbage").error(), errc::not_found);
}

TEST_F(IntakeTest, PersonalDataIsSealedAtRest) {
    const std::string contact = "segreto.testimone@example.org";
    const std::string description = "Descrizione riservata 8d7f6e5";
    file({.category = "fraud",
          .urls = {"https://fake-shop.example.com/"},
          .description = description,
          .contact = contact});
    for (const char* suffix : {"", "-wal"}) {
        std::ifstream in((dir_ / "db").string() + suffix, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        EXPECT_EQ(ss.str().find(contact), std::string::npos) << suffix;
        EXPECT_EQ(ss.str().find(description), std::string::npos) << suffix;
    }
}

TEST_F(IntakeTest, IdempotentBatchReplaysAndRefusesADifferentBody) {
    std::vector<Submission> batch(2);
    ASSERT_TRUE(
        intake_->validate({.category = "phishing", .urls = {"https://p1.example.com/"}}, batch[0])
            .empty());
    ASSERT_TRUE(
        intake_
            ->validate({.category = "malware", .urls = {"https://p2.example.com/x.exe"}}, batch[1])
            .empty());
    SubmitContext ctx{.channel = core::Channel::api, .verified = true, .api_key_id = 7};
    auto render = [](const std::vector<Receipt>& rs) {
        std::string s;
        for (const auto& r : rs)
            s += r.code + ";";
        return s;
    };
    auto first = intake_->submit_batch(batch, ctx, "key-1", "hash-a", render);
    ASSERT_TRUE(first);
    ASSERT_EQ(first.value().receipts.size(), 2u);
    const std::string sent = render(first.value().receipts);
    auto again = intake_->submit_batch(batch, ctx, "key-1", "hash-a", render);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again.value().replayed);
    EXPECT_EQ(again.value().replayed_response, sent);
    EXPECT_EQ(store_->count_reports().value(), 2);
    auto conflict = intake_->submit_batch(batch, ctx, "key-1", "hash-b", render);
    EXPECT_EQ(conflict.error(), errc::conflict);
    // Another key may reuse the same idempotency key.
    ctx.api_key_id = 8;
    EXPECT_FALSE(intake_->submit_batch(batch, ctx, "key-1", "hash-a", render).value().replayed);
}

}  // namespace
}  // namespace segnala::app
