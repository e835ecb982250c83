// Store methods and migrations on every backend.
#include <gtest/gtest.h>

#include "store/dbtest_support.hpp"

namespace segnala::store {
namespace {

using core::errc;

class StoreTest : public testing::BackendTest {
  protected:
    void SetUp() override {
        BackendTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        auto v = store().migrate();
        ASSERT_TRUE(v) << v.error().message();
    }

    AuditEvent ev(std::string action, std::string object = "x") {
        return AuditEvent{++now_us_, "cli", std::move(action), std::move(object), "{}"};
    }

    std::int64_t make_operator(const std::string& name) {
        auto id = store().create_operator(NewOperator{name, "operator", "", "$argon2id$h", true},
                                          ev("operator.create", "operator:" + name));
        EXPECT_TRUE(id) << id.error().message();
        return id ? id.value() : 0;
    }

    std::int64_t now_us_ = 1'700'000'000'000'000;
};

TEST_P(StoreTest, MigrateIsIdempotent) {
    EXPECT_EQ(store().schema_version().value(), Store::binary_schema_version());
    auto again = store().migrate();
    ASSERT_TRUE(again);
    EXPECT_EQ(again.value(), Store::binary_schema_version());
    EXPECT_TRUE(store().ping());
}

TEST_P(StoreTest, NewerDatabaseIsRefused) {
    sql("INSERT INTO schema_version (version, name) VALUES (999, 'from the future')");
    EXPECT_EQ(store().schema_version().value(), 999);
    auto r = store().migrate();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::version_mismatch);
}

TEST(StoreFresh, EmptyDatabaseHasVersionZero) {
    // Covered per backend below; this checks the SQLite path without the fixture's migrate.
    const auto dir =
        std::filesystem::temp_directory_path() / ("segnala-v0-" + testing::random_suffix());
    std::filesystem::create_directories(dir);
    {
        auto db = open_sqlite(SqliteSettings{.path = (dir / "v0.db").string()});
        ASSERT_TRUE(db);
        Store s(*db.value());
        EXPECT_EQ(s.schema_version().value(), 0);
        EXPECT_EQ(s.migrate().value(), Store::binary_schema_version());
    }
    std::filesystem::remove_all(dir);
}

TEST_P(StoreTest, OperatorsCreateFindListCount) {
    EXPECT_EQ(store().count_operators().value(), 0);
    const auto a = make_operator("alice");
    const auto b = make_operator("bob");
    EXPECT_NE(a, b);
    EXPECT_EQ(store().count_operators().value(), 2);

    auto found = store().find_operator("alice");
    ASSERT_TRUE(found);
    EXPECT_EQ(found.value().id, a);
    EXPECT_EQ(found.value().role, "operator");
    EXPECT_EQ(found.value().password_hash, "$argon2id$h");
    EXPECT_TRUE(found.value().must_change_password);
    EXPECT_FALSE(found.value().disabled);
    EXPECT_EQ(found.value().created_at, now_us_ / 1'000'000 - 0);

    EXPECT_EQ(store().get_operator(b).value().username, "bob");
    auto all = store().list_operators().value();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].username, "alice");
    EXPECT_EQ(store().find_operator("carol").error(), errc::not_found);
    EXPECT_EQ(store().get_operator(12345).error(), errc::not_found);
}

TEST_P(StoreTest, DuplicateOperatorIsConflictAndNotAudited) {
    make_operator("alice");
    const auto before = store().list_audit(0, 100).value().size();
    auto dup = store().create_operator(NewOperator{"alice", "admin", "", "h", false},
                                       ev("operator.create"));
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error(), errc::conflict);
    EXPECT_EQ(store().list_audit(0, 100).value().size(), before);
    EXPECT_EQ(store().count_operators().value(), 1);
    EXPECT_EQ(store().create_operator(NewOperator{"", "admin", "", "h", false}, ev("x")).error(),
              errc::invalid_argument);
}

TEST_P(StoreTest, OperatorChangesAreAudited) {
    const auto id = make_operator("alice");
    ASSERT_TRUE(store().set_operator_disabled(id, true, ev("operator.disable")));
    EXPECT_TRUE(store().get_operator(id).value().disabled);
    ASSERT_TRUE(store().set_password(id, "$argon2id$new", false, ev("operator.password")));
    auto op = store().get_operator(id).value();
    EXPECT_EQ(op.password_hash, "$argon2id$new");
    EXPECT_FALSE(op.must_change_password);

    ASSERT_TRUE(store().record_login_failure(id, 0, ev("session.login_failed")));
    ASSERT_TRUE(store().record_login_failure(id, 1'700'000'900, ev("session.login_failed")));
    op = store().get_operator(id).value();
    EXPECT_EQ(op.failed_logins, 2);
    EXPECT_EQ(op.locked_until, 1'700'000'900);

    Session s{"hash1", id, "csrf", 1'700'000'100, 1'700'000'100};
    ASSERT_TRUE(store().record_login_success(id, s, ev("session.login")));
    op = store().get_operator(id).value();
    EXPECT_EQ(op.failed_logins, 0);
    EXPECT_EQ(op.locked_until, 0);
    EXPECT_EQ(op.last_login_at, 1'700'000'100);

    auto audit = store().list_audit(0, 100).value();
    ASSERT_EQ(audit.size(), 6u);
    EXPECT_EQ(audit[1].action, "operator.disable");
    EXPECT_EQ(audit[5].action, "session.login");

    EXPECT_EQ(store().set_operator_disabled(999, true, ev("x")).error(), errc::not_found);
    EXPECT_EQ(store().set_password(999, "h", true, ev("x")).error(), errc::not_found);
    EXPECT_EQ(store().record_login_failure(999, 0, ev("x")).error(), errc::not_found);
    EXPECT_EQ(store().record_login_success(999, s, ev("x")).error(), errc::not_found);
    EXPECT_EQ(store().list_audit(0, 100).value().size(), 6u);  // failures audit nothing
}

TEST_P(StoreTest, Sessions) {
    const auto id = make_operator("alice");
    ASSERT_TRUE(store().record_login_success(id, Session{"h1", id, "c1", 100, 100}, ev("login")));
    ASSERT_TRUE(store().record_login_success(id, Session{"h2", id, "c2", 200, 200}, ev("login")));
    auto s = store().find_session("h1");
    ASSERT_TRUE(s);
    EXPECT_EQ(s.value().operator_id, id);
    EXPECT_EQ(s.value().csrf_token, "c1");
    ASSERT_TRUE(store().touch_session("h1", 500));
    EXPECT_EQ(store().find_session("h1").value().last_seen_at, 500);
    EXPECT_EQ(store().touch_session("nope", 1).error(), errc::not_found);

    // Same session hash twice: conflict, and the operator's login counters are untouched.
    EXPECT_EQ(store().record_login_success(id, Session{"h1", id, "c", 1, 1}, ev("login")).error(),
              errc::conflict);

    EXPECT_EQ(store().purge_sessions(300, 0).value(), 1);  // h2 idle since 200
    EXPECT_EQ(store().find_session("h2").error(), errc::not_found);
    // h1 was used at 500 but created at 100: past an absolute lifetime ending at 150.
    ASSERT_TRUE(store().record_login_success(id, Session{"h9", id, "c9", 400, 600}, ev("login")));
    EXPECT_EQ(store().purge_sessions(300, 100).value(), 0);
    EXPECT_EQ(store().purge_sessions(300, 101).value(), 1);  // h1, created at 100
    EXPECT_EQ(store().find_session("h9").value().csrf_token, "c9");
    ASSERT_TRUE(store().record_login_success(id, Session{"h1", id, "c1", 100, 500}, ev("login")));
    ASSERT_TRUE(store().delete_session("h1", ev("logout")));
    EXPECT_EQ(store().find_session("h1").error(), errc::not_found);
    EXPECT_EQ(store().delete_session("h1", ev("logout")).error(), errc::not_found);

    ASSERT_TRUE(store().record_login_success(id, Session{"h3", id, "c", 1, 1}, ev("login")));
    ASSERT_TRUE(store().record_login_success(id, Session{"h4", id, "c", 1, 1}, ev("login")));
    ASSERT_TRUE(store().delete_sessions_of(id, ev("operator.logout_all")));
    EXPECT_EQ(store().find_session("h3").error(), errc::not_found);
    EXPECT_EQ(store().find_session("h4").error(), errc::not_found);
}

TEST_P(StoreTest, SessionOfUnknownOperatorIsRefused) {
    sql("INSERT INTO operators (username, role, password_hash, created_at) VALUES ('z', 'r', 'h', "
        "1)");
    auto r = db().write([](Tx& tx) -> core::result<void> {
        SEGNALA_TRY(n,
                    tx.exec("INSERT INTO sessions (id_hash, operator_id, csrf_token, created_at, "
                            "last_seen_at) VALUES ('s', 424242, 'c', 1, 1)"));
        (void)n;
        return core::success();
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::conflict);  // foreign key enforced on both backends
}

TEST_P(StoreTest, ThrottleCounts) {
    EXPECT_EQ(store().throttle_count("login:1.2.3.4", 60).value(), 0);
    EXPECT_EQ(store().throttle_hit("login:1.2.3.4", 60).value(), 1);
    EXPECT_EQ(store().throttle_hit("login:1.2.3.4", 60).value(), 2);
    EXPECT_EQ(store().throttle_hit("login:1.2.3.4", 120).value(), 1);
    EXPECT_EQ(store().throttle_hit("login:5.6.7.8", 60).value(), 1);
    EXPECT_EQ(store().throttle_count("login:1.2.3.4", 60).value(), 2);
    EXPECT_EQ(store().purge_throttle(100).value(), 2);
    EXPECT_EQ(store().throttle_count("login:1.2.3.4", 60).value(), 0);
    EXPECT_EQ(store().throttle_count("login:1.2.3.4", 120).value(), 1);
}

TEST_P(StoreTest, ConcurrentThrottleHitsAreAllCounted) {
    constexpr int kThreads = 8;
    constexpr int kEach = 25;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kEach; ++i) {
                EXPECT_TRUE(store().throttle_hit("k", 0));
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(store().throttle_count("k", 0).value(), kThreads * kEach);
}

TEST_P(StoreTest, ApiKeys) {
    ApiKey k{0, "bank-a", "hash-a", "sgk_ab", "reports:write", 10, 1000, 0};
    auto id = store().create_api_key(k, ev("apikey.create"));
    ASSERT_TRUE(id) << id.error().message();
    auto found = store().find_api_key("hash-a");
    ASSERT_TRUE(found);
    EXPECT_EQ(found.value().id, id.value());
    EXPECT_EQ(found.value().name, "bank-a");
    EXPECT_EQ(found.value().scopes, "reports:write");
    EXPECT_EQ(found.value().rate_limit, 10);
    EXPECT_EQ(found.value().created_at, 1000);
    EXPECT_EQ(found.value().revoked_at, 0);

    ApiKey same_name = k;
    same_name.key_hash = "hash-b";
    EXPECT_EQ(store().create_api_key(same_name, ev("apikey.create")).error(), errc::conflict);
    ApiKey same_hash = k;
    same_hash.name = "other";
    EXPECT_EQ(store().create_api_key(same_hash, ev("apikey.create")).error(), errc::conflict);

    ApiKey k2{0, "cert-b", "hash-c", "sgk_cd", "", 0, 1001, 0};
    ASSERT_TRUE(store().create_api_key(k2, ev("apikey.create")));
    auto all = store().list_api_keys().value();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].name, "bank-a");

    ASSERT_TRUE(store().revoke_api_key(id.value(), 2000, ev("apikey.revoke")));
    ASSERT_TRUE(store().revoke_api_key(id.value(), 3000, ev("apikey.revoke")));
    EXPECT_EQ(store().find_api_key("hash-a").value().revoked_at, 2000);
    EXPECT_EQ(store().revoke_api_key(9999, 1, ev("apikey.revoke")).error(), errc::not_found);
    EXPECT_EQ(store().find_api_key("nope").error(), errc::not_found);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgres"),
                         testing::backend_name);

}  // namespace
}  // namespace segnala::store
