#include "core/civil_time.hpp"

#include <gtest/gtest.h>

namespace segnala::core {
namespace {

TEST(CivilTime, SummerTimeChangesAtOneUtcOnLastSundays) {
    // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
    EXPECT_EQ(rome_offset(1774746000 - 1), 3600);  // 2026-03-29 00:59:59 UTC
    EXPECT_EQ(rome_offset(1774746000), 7200);      // 2026-03-29 01:00:00 UTC
    EXPECT_EQ(rome_offset(1792890000 - 1), 7200);  // 2026-10-25 00:59:59 UTC
    EXPECT_EQ(rome_offset(1792890000), 3600);
}

TEST(CivilTime, FormatsAndMidnights) {
    EXPECT_EQ(rome_datetime(1795947303), "2026-11-29 11:15:03");  // 10:15:03 UTC
    EXPECT_EQ(rome_day(1795993200 - 1), "2026-11-29");            // 22:59:59 UTC
    EXPECT_EQ(rome_day(1795993200), "2026-11-30");                // 23:00 UTC = midnight
    EXPECT_EQ(rome_midnight("2026-11-30"), 1795993200);
    EXPECT_EQ(rome_midnight("2026-07-01"), 1782856800);  // 22:00 UTC the day before
    EXPECT_FALSE(rome_midnight("2026-02-30"));
    EXPECT_FALSE(rome_midnight("2026-1-30"));
    EXPECT_FALSE(rome_midnight("1999-01-01"));
    // The short days: 23 hours in March, 25 in October.
    EXPECT_EQ(*rome_midnight("2026-03-30") - *rome_midnight("2026-03-29"), 23 * 3600);
    EXPECT_EQ(*rome_midnight("2026-10-26") - *rome_midnight("2026-10-25"), 25 * 3600);
}

TEST(CivilTime, DayAndWeekStarts) {
    // Sunday 2026-11-29 10:15:03 UTC: the day began at 23:00 UTC on the 28th, the week on
    // Monday 23 November (23:00 UTC on the 22nd).
    EXPECT_EQ(rome_day_start(1795947303), *rome_midnight("2026-11-29"));
    EXPECT_EQ(rome_week_start(1795947303), *rome_midnight("2026-11-23"));
    // A Monday is its own week start.
    EXPECT_EQ(rome_week_start(*rome_midnight("2026-11-23") + 5), *rome_midnight("2026-11-23"));
}

TEST(CivilTime, WinterSummerAndClockChangeDays) {
    // 2026-01-15 12:00 UTC is 13:00 in winter; 2026-07-15 12:00 UTC is 14:00 in summer.
    EXPECT_EQ(rome_datetime(1768478400), "2026-01-15 13:00:00");
    EXPECT_EQ(rome_datetime(1784116800), "2026-07-15 14:00:00");
    // 23:30 UTC on 2026-07-15 is already the 16th in Rome.
    EXPECT_EQ(rome_day(1784158200), "2026-07-16");
    EXPECT_EQ(rome_offset(1768478400), 3600);
    EXPECT_EQ(rome_offset(1784116800), 7200);
    // Midnight in Rome: 23:00 UTC the day before in winter, 22:00 in summer.
    EXPECT_EQ(rome_midnight("2026-01-15"), 1768431600);
    EXPECT_EQ(rome_midnight("2026-07-15"), 1784066400);
    // The days of the clock changes (29 March and 25 October 2026) start at local midnight.
    EXPECT_EQ(rome_datetime(*rome_midnight("2026-03-29")), "2026-03-29 00:00:00");
    EXPECT_EQ(rome_datetime(*rome_midnight("2026-03-30")), "2026-03-30 00:00:00");
    EXPECT_EQ(rome_datetime(*rome_midnight("2026-10-25")), "2026-10-25 00:00:00");
    EXPECT_EQ(rome_datetime(*rome_midnight("2026-10-26")), "2026-10-26 00:00:00");
    EXPECT_EQ(*rome_midnight("2026-03-30") - *rome_midnight("2026-03-29"), 23 * 3600);
    EXPECT_EQ(*rome_midnight("2026-10-26") - *rome_midnight("2026-10-25"), 25 * 3600);
    for (const char* bad : {"", "2026-1-15", "2026-02-30", "2026-13-01", "1999-01-01", "2026/01/15",
                            "2026-01-15x", "abcd-ef-gh", "２026-01-15"}) {
        EXPECT_FALSE(rome_midnight(bad)) << bad;
    }
}

}  // namespace
}  // namespace segnala::core
