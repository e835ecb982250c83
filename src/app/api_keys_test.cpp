// ApiKeys over a real SQLite file: creation, authentication, revocation and their audit.
#include "app/api_keys.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <random>

#include <gtest/gtest.h>

#include "store/database.hpp"
#include "store/sqlite/sqlite_database.hpp"
#include "store/store.hpp"

namespace segnala::app {
namespace {

using core::errc;

class ApiKeysTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() /
               ("segnala-apikeys-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
        auto db = store::open_sqlite({.path = (dir_ / "t.db").string()});
        ASSERT_TRUE(db) << db.error().message();
        db_ = std::move(db).value();
        store_ = std::make_unique<store::Store>(*db_);
        ASSERT_TRUE(store_->migrate());
        keys_ = std::make_unique<ApiKeys>(*store_, clock_);
    }
    void TearDown() override {
        keys_.reset();
        store_.reset();
        if (db_) {
            db_->close();
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    std::filesystem::path dir_;
    core::FakeClock clock_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<ApiKeys> keys_;
};

TEST(ApiKeyRules, NamesAndScopes) {
    EXPECT_TRUE(is_valid_api_key_name("bank-1"));
    EXPECT_TRUE(is_valid_api_key_name("CERT.agid_2"));
    EXPECT_FALSE(is_valid_api_key_name(""));
    EXPECT_FALSE(is_valid_api_key_name("-bank"));
    EXPECT_FALSE(is_valid_api_key_name("bank one"));
    EXPECT_FALSE(is_valid_api_key_name(std::string(65, 'a')));
    EXPECT_TRUE(is_valid_api_scope("reports:write"));
    EXPECT_TRUE(is_valid_api_scope("reports:read"));
    EXPECT_FALSE(is_valid_api_scope("reports:*"));
    store::ApiKey k;
    k.scopes = "reports:read reports:write";
    EXPECT_TRUE(has_scope(k, "reports:write"));
    EXPECT_TRUE(has_scope(k, "reports:read"));
    EXPECT_FALSE(has_scope(k, "reports"));
    k.scopes = "reports:read";
    EXPECT_FALSE(has_scope(k, "reports:write"));
}

TEST(ApiKeyRules, FingerprintIsSha256Hex) {
    EXPECT_EQ(request_fingerprint("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(ApiKeysTest, CreateStoresOnlyTheHashAndAuthenticates) {
    auto created = keys_->create("cli", "bank-1", {"reports:write"}, 5);
    ASSERT_TRUE(created) << created.error().message();
    const auto& c = created.value();
    EXPECT_EQ(c.secret.rfind("sgn_", 0), 0u);
    EXPECT_EQ(c.secret.size(), 47u);
    EXPECT_EQ(c.prefix, c.secret.substr(0, 12));

    auto listed = keys_->list();
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed.value().size(), 1u);
    EXPECT_EQ(listed.value()[0].name, "bank-1");
    EXPECT_EQ(listed.value()[0].scopes, "reports:write");
    EXPECT_EQ(listed.value()[0].rate_limit, 5);
    EXPECT_NE(listed.value()[0].key_hash, c.secret);
    EXPECT_EQ(listed.value()[0].key_hash.size(), 64u);

    auto who = keys_->authenticate(c.secret);
    ASSERT_TRUE(who);
    EXPECT_EQ(who.value().id, c.id);
    EXPECT_TRUE(has_scope(who.value(), kScopeReportsWrite));
}

TEST_F(ApiKeysTest, RefusesBadInputAndDuplicates) {
    EXPECT_EQ(keys_->create("cli", "bad name", {"reports:write"}, 0).error(),
              errc::invalid_argument);
    EXPECT_EQ(keys_->create("cli", "ok", {"admin"}, 0).error(), errc::invalid_argument);
    EXPECT_EQ(keys_->create("cli", "ok", {}, 0).error(), errc::invalid_argument);
    EXPECT_EQ(keys_->create("cli", "ok", {"reports:write"}, -1).error(), errc::invalid_argument);
    ASSERT_TRUE(keys_->create("cli", "ok", {"reports:write", "reports:read", "reports:write"}, 0));
    EXPECT_EQ(keys_->create("cli", "ok", {"reports:write"}, 0).error(), errc::conflict);
    EXPECT_EQ(keys_->list().value()[0].scopes, "reports:read reports:write");
}

TEST_F(ApiKeysTest, UnknownMalformedAndRevokedAreUnauthenticated) {
    auto c = keys_->create("cli", "isp", {"reports:write"}, 0).value();
    EXPECT_EQ(keys_->authenticate("").error(), errc::unauthenticated);
    EXPECT_EQ(keys_->authenticate("sgn_short").error(), errc::unauthenticated);
    std::string other = c.secret;
    other.back() = other.back() == 'A' ? 'B' : 'A';
    EXPECT_EQ(keys_->authenticate(other).error(), errc::unauthenticated);
    std::string bad_char = c.secret;
    bad_char[10] = '!';
    EXPECT_EQ(keys_->authenticate(bad_char).error(), errc::unauthenticated);

    clock_.advance(std::chrono::seconds(10));
    ASSERT_TRUE(keys_->revoke("cli", "isp"));
    EXPECT_EQ(keys_->authenticate(c.secret).error(), errc::unauthenticated);
    const auto revoked_at = keys_->list().value()[0].revoked_at;
    EXPECT_EQ(revoked_at, clock_.now_unix());
    clock_.advance(std::chrono::seconds(10));
    ASSERT_TRUE(keys_->revoke("cli", "isp"));
    EXPECT_EQ(keys_->list().value()[0].revoked_at, revoked_at);
    EXPECT_EQ(keys_->revoke("cli", "nobody").error(), errc::not_found);
}

TEST_F(ApiKeysTest, RemembersAKeyForAFewSecondsButForgetsARevokedOneAtOnce) {
    auto c = keys_->create("cli", "partner", {"reports:write"}, 0).value();
    ASSERT_TRUE(keys_->authenticate(c.secret));
    // Revoked behind this object's back (another process): still known until the cache ends.
    const auto id = keys_->list().value()[0].id;
    ASSERT_TRUE(store_->revoke_api_key(
        id, clock_.now_unix(),
        store::AuditEvent{clock_.now_micros(), "cli", "apikey.revoke", "apikey:partner", "{}"}));
    EXPECT_TRUE(keys_->authenticate(c.secret));
    clock_.advance(std::chrono::seconds(ApiKeys::kDefaultCacheSeconds));
    EXPECT_EQ(keys_->authenticate(c.secret).error(), errc::unauthenticated);

    // Revoked through this object: refused on the next request.
    auto d = keys_->create("cli", "other", {"reports:write"}, 0).value();
    ASSERT_TRUE(keys_->authenticate(d.secret));
    ASSERT_TRUE(keys_->revoke("cli", "other"));
    EXPECT_EQ(keys_->authenticate(d.secret).error(), errc::unauthenticated);

    // Without a cache every request reads the table.
    ApiKeys uncached(*store_, clock_, 0);
    auto e = uncached.create("cli", "third", {"reports:write"}, 0).value();
    ASSERT_TRUE(uncached.authenticate(e.secret));
    const auto third = uncached.list().value();
    const auto it =
        std::find_if(third.begin(), third.end(), [](const ApiKey& k) { return k.name == "third"; });
    ASSERT_NE(it, third.end());
    ASSERT_TRUE(store_->revoke_api_key(
        it->id, clock_.now_unix(),
        store::AuditEvent{clock_.now_micros(), "cli", "apikey.revoke", "apikey:third", "{}"}));
    EXPECT_EQ(uncached.authenticate(e.secret).error(), errc::unauthenticated);
}

TEST_F(ApiKeysTest, ChangesAreAuditedWithoutTheSecret) {
    auto c = keys_->create("cli", "cert", {"reports:write"}, 3).value();
    ASSERT_TRUE(keys_->revoke("cli", "cert"));
    auto log = store_->list_audit(0, 100);
    ASSERT_TRUE(log);
    int creates = 0;
    int revokes = 0;
    for (const auto& e : log.value()) {
        EXPECT_EQ(e.detail.find(c.secret), std::string::npos);
        if (e.action == "apikey.create") {
            ++creates;
            EXPECT_EQ(e.actor, "cli");
            EXPECT_EQ(e.object, "apikey:cert");
        }
        if (e.action == "apikey.revoke") {
            ++revokes;
        }
    }
    EXPECT_EQ(creates, 1);
    EXPECT_EQ(revokes, 1);
    EXPECT_TRUE(store_->verify_audit().value().ok);
}

}  // namespace
}  // namespace segnala::app
