#include "web/access_pages.hpp"

#include <gtest/gtest.h>

namespace segnala::web {
namespace {

TEST(AccessPages, FormatTimeIsUtcToTheMinute) {
    EXPECT_EQ(format_time(0), "—");
    EXPECT_EQ(format_time(-5), "—");
    EXPECT_EQ(format_time(1'700'000'000), "2023-11-14 22:13 UTC");
    EXPECT_EQ(format_time(59), "1970-01-01 00:00 UTC");
}

}  // namespace
}  // namespace segnala::web
