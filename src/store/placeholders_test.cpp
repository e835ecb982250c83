#include "store/placeholders.hpp"

#include <gtest/gtest.h>

namespace segnala::store {
namespace {

TEST(MaxPlaceholder, CountsHighestNumber) {
    EXPECT_EQ(max_placeholder("SELECT 1"), 0);
    EXPECT_EQ(max_placeholder("SELECT $1"), 1);
    EXPECT_EQ(max_placeholder("UPDATE t SET a = $2 WHERE id = $1 AND b = $2"), 2);
    EXPECT_EQ(max_placeholder("VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)"), 10);
}

TEST(MaxPlaceholder, IgnoresQuotesAndComments) {
    EXPECT_EQ(max_placeholder("SELECT '$3' FROM t WHERE a = $1"), 1);
    EXPECT_EQ(max_placeholder("SELECT 'it''s $4' , $2"), 2);
    EXPECT_EQ(max_placeholder("SELECT \"col$9\" FROM t"), 0);
    EXPECT_EQ(max_placeholder("SELECT 1 -- $7\n, $1"), 1);
    EXPECT_EQ(max_placeholder("SELECT /* $5 */ $1"), 1);
}

TEST(MaxPlaceholder, IdentifierDollarIsNotPlaceholder) {
    EXPECT_EQ(max_placeholder("SELECT a$1 FROM t"), 0);
}

TEST(MaxPlaceholder, RejectsMalformed) {
    EXPECT_FALSE(max_placeholder("SELECT $0"));
    EXPECT_FALSE(max_placeholder("SELECT $1a"));
    EXPECT_FALSE(max_placeholder("SELECT $$ x $$"));
    EXPECT_FALSE(max_placeholder("SELECT $99999999"));
}

TEST(PlaceholderNumber, AcceptsOnlyDollarNumber) {
    EXPECT_EQ(placeholder_number("$1"), 1);
    EXPECT_EQ(placeholder_number("$42"), 42);
    EXPECT_FALSE(placeholder_number("$0"));
    EXPECT_FALSE(placeholder_number("$01"));
    EXPECT_FALSE(placeholder_number(":a"));
    EXPECT_FALSE(placeholder_number("?1"));
    EXPECT_FALSE(placeholder_number("$"));
    EXPECT_FALSE(placeholder_number("$1x"));
}

}  // namespace
}  // namespace segnala::store
