#include "web/access_pages.hpp"

#include <gtest/gtest.h>

#include "web/report_view.hpp"

namespace segnala::web {
namespace {

TEST(AccessPages, TimesAreRomeCivilTimeToTheMinute) {
    EXPECT_EQ(format_datetime(0, Lang::it), "—");
    EXPECT_EQ(format_datetime(-5, Lang::en), "—");
    // 2023-11-14 22:13:20 UTC is 23:13 in Rome (winter).
    EXPECT_EQ(format_datetime(1'700'000'000, Lang::it), "14/11/2023 23:13");
    EXPECT_EQ(format_datetime(1'700'000'000, Lang::en), "14 Nov 2023 23:13");
    // 2026-07-15 22:30 UTC is already the 16th in Rome (summer).
    EXPECT_EQ(format_datetime(1784154600, Lang::it), "16/07/2026 00:30");
}

}  // namespace
}  // namespace segnala::web
