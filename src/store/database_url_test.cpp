#include "store/database_url.hpp"

#include <gtest/gtest.h>

namespace segnala::store {
namespace {

using Kind = DatabaseUrl::Kind;

TEST(DatabaseUrl, SqlitePaths) {
    auto u = parse_database_url("sqlite:var/segnala.db");
    ASSERT_TRUE(u);
    EXPECT_EQ(u.value().kind, Kind::sqlite);
    EXPECT_EQ(u.value().sqlite_path, "var/segnala.db");
    EXPECT_EQ(parse_database_url("sqlite:///srv/s.db").value().sqlite_path, "/srv/s.db");
    EXPECT_EQ(parse_database_url("sqlite:/srv/s.db").value().sqlite_path, "/srv/s.db");
    EXPECT_EQ(parse_database_url("sqlite://rel.db").value().sqlite_path, "rel.db");
}

TEST(DatabaseUrl, SqliteRejected) {
    std::string why;
    EXPECT_EQ(parse_database_url("sqlite:", &why).error(), core::errc::invalid_argument);
    EXPECT_NE(why.find("file path"), std::string::npos);
    EXPECT_FALSE(parse_database_url("sqlite::memory:"));
    EXPECT_FALSE(parse_database_url("sqlite:x.db?mode=ro"));
}

TEST(DatabaseUrl, Postgres) {
    auto u = parse_database_url("postgresql://postgres@127.0.0.1:55432/segnala_test");
    ASSERT_TRUE(u);
    EXPECT_EQ(u.value().kind, Kind::postgres);
    EXPECT_EQ(u.value().conninfo, "postgresql://postgres@127.0.0.1:55432/segnala_test");
    EXPECT_EQ(u.value().user, "postgres");
    EXPECT_EQ(u.value().host, "127.0.0.1");
    EXPECT_EQ(u.value().port, 55432);
    EXPECT_EQ(u.value().dbname, "segnala_test");
    EXPECT_FALSE(u.value().has_password);
}

TEST(DatabaseUrl, PostgresVariants) {
    auto u = parse_database_url("postgres://app:s%40cret@[::1]:5432/db%20x?sslmode=require");
    ASSERT_TRUE(u);
    EXPECT_EQ(u.value().user, "app");
    EXPECT_EQ(u.value().host, "::1");
    EXPECT_EQ(u.value().port, 5432);
    EXPECT_EQ(u.value().dbname, "db x");
    EXPECT_TRUE(u.value().has_password);
    EXPECT_EQ(u.value().redacted(), "postgresql://app:***@[::1]:5432/db x");
    EXPECT_EQ(u.value().redacted().find("cret"), std::string::npos);

    auto socket = parse_database_url("postgresql:///segnala?host=/var/run/postgresql");
    ASSERT_TRUE(socket);
    EXPECT_EQ(socket.value().host, "");
    EXPECT_EQ(socket.value().dbname, "segnala");
    EXPECT_TRUE(parse_database_url("postgresql://db.example"));
}

TEST(DatabaseUrl, PostgresRejected) {
    std::string why;
    EXPECT_FALSE(parse_database_url("postgresql://h:99999/db", &why));
    EXPECT_NE(why.find("port"), std::string::npos);
    EXPECT_FALSE(parse_database_url("postgresql://h:abc/db"));
    EXPECT_FALSE(parse_database_url("postgresql://[::1/db"));
    EXPECT_FALSE(parse_database_url("postgresql://a,b/db"));
    EXPECT_FALSE(parse_database_url("postgresql://h/db?novalue"));
    EXPECT_FALSE(parse_database_url("postgresql://h/d%zz"));
    why.clear();
    EXPECT_FALSE(parse_database_url("postgresql://u:pw@h/db x", &why));
    EXPECT_EQ(why.find("pw"), std::string::npos);
}

TEST(DatabaseUrl, UnknownScheme) {
    std::string why;
    auto u = parse_database_url("mysql://root@localhost/db", &why);
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error(), core::errc::invalid_argument);
    EXPECT_NE(why.find("sqlite:"), std::string::npos);
    EXPECT_FALSE(parse_database_url(""));
}

}  // namespace
}  // namespace segnala::store
