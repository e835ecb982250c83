// Italian civil time (Europe/Rome: CET, CEST under the EU summer-time rule of Directive
// 2000/84/EC), the one clock people see on every page and in every CSV. Stored times are UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace segnala::core {

/// Offset of Europe/Rome from UTC at `unix_seconds`: 3600 or 7200.
[[nodiscard]] std::int64_t rome_offset(std::int64_t unix_seconds);
/// "2026-11-29" in Rome.
[[nodiscard]] std::string rome_day(std::int64_t unix_seconds);
/// "2026-11-29 10:15:03" in Rome.
[[nodiscard]] std::string rome_datetime(std::int64_t unix_seconds);
/// Unix time of 00:00 in Rome on day `y`-`m`-`d` (a real date; callers check).
[[nodiscard]] std::int64_t rome_midnight_of(int y, unsigned m, unsigned d);
/// Unix time of 00:00 in Rome on an ISO date "YYYY-MM-DD" (years 2000–2199); nullopt when it
/// is malformed or not a real date.
[[nodiscard]] std::optional<std::int64_t> rome_midnight(std::string_view iso_date);
/// Start of the Rome day of `unix_seconds`, and of its week (weeks start on Monday).
[[nodiscard]] std::int64_t rome_day_start(std::int64_t unix_seconds);
[[nodiscard]] std::int64_t rome_week_start(std::int64_t unix_seconds);

/// Broken-down Rome time, for pages that format it their own way.
struct RomeTime {
    int year = 0;
    unsigned month = 0;  ///< 1–12
    unsigned day = 0;    ///< 1–31
    int hour = 0;
    int minute = 0;
    int second = 0;
};
[[nodiscard]] RomeTime rome_time(std::int64_t unix_seconds);

}  // namespace segnala::core
