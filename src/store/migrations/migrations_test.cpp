#include "store/migrations/migrations.hpp"

#include <gtest/gtest.h>

#include "store/store.hpp"

namespace segnala::store {
namespace {

TEST(Migrations, VersionsStartAtOneWithoutGaps) {
    int expected = 1;
    for (const auto& m : migrations()) {
        EXPECT_EQ(m.version, expected++);
        EXPECT_FALSE(m.statements.empty());
    }
    EXPECT_EQ(Store::binary_schema_version(), expected - 1);
}

TEST(Migrations, RenderSubstitutesPerDialect) {
    EXPECT_EQ(render_ddl("id {{id}}, b {{blob}}", Dialect::sqlite),
              "id INTEGER PRIMARY KEY AUTOINCREMENT, b BLOB");
    EXPECT_EQ(render_ddl("id {{id}}, b {{blob}}", Dialect::postgres),
              "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, b BYTEA");
    EXPECT_EQ(render_ddl("x {{other}} {", Dialect::sqlite), "x {{other}} {");
}

TEST(Migrations, NoPlaceholderLeftAfterRendering) {
    for (const auto& m : migrations()) {
        for (const auto& s : m.statements) {
            for (auto d : {Dialect::sqlite, Dialect::postgres}) {
                EXPECT_EQ(render_ddl(s, d).find("{{"), std::string::npos) << s;
            }
        }
    }
}

}  // namespace
}  // namespace segnala::store
