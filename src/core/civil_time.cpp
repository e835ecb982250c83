#include "core/civil_time.hpp"

#include <chrono>
#include <cstdio>

namespace segnala::core {

using namespace std::chrono;

namespace {

std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) {
        return std::nullopt;
    }
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return std::nullopt;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

}  // namespace

std::int64_t rome_offset(std::int64_t unix_seconds) {
    const sys_seconds t{seconds{unix_seconds}};
    const year y = year_month_day{floor<days>(t)}.year();
    // EU summer time: from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
    // Sunday of October.
    const auto change = [&](month m) {
        return sys_seconds{sys_days{year_month_weekday_last{y, m, weekday_last{Sunday}}}} +
               hours{1};
    };
    return t >= change(March) && t < change(October) ? 7200 : 3600;
}

RomeTime rome_time(std::int64_t unix_seconds) {
    const std::int64_t local = unix_seconds + rome_offset(unix_seconds);
    const sys_days day = floor<days>(sys_seconds{seconds{local}});
    const year_month_day d{day};
    const std::int64_t in_day = local - sys_seconds{day}.time_since_epoch().count();
    return {static_cast<int>(d.year()),         static_cast<unsigned>(d.month()),
            static_cast<unsigned>(d.day()),     static_cast<int>(in_day / 3600),
            static_cast<int>(in_day / 60 % 60), static_cast<int>(in_day % 60)};
}

std::string rome_day(std::int64_t unix_seconds) {
    const RomeTime t = rome_time(unix_seconds);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", t.year, t.month, t.day);
    return buf;
}

std::string rome_datetime(std::int64_t unix_seconds) {
    const RomeTime t = rome_time(unix_seconds);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", t.year, t.month, t.day, t.hour,
                  t.minute, t.second);
    return buf;
}

std::int64_t rome_midnight_of(int y, unsigned m, unsigned d) {
    const year_month_day ymd{year{y}, month{m}, day{d}};
    const std::int64_t utc_midnight = sys_seconds{sys_days{ymd}}.time_since_epoch().count();
    // Rome is UTC+1 or UTC+2, and summer time changes at 01:00 UTC (02:00 or 03:00 local), so
    // the offset at midnight is the one in force three hours earlier.
    return utc_midnight - rome_offset(utc_midnight - 3 * 3600);
}

std::optional<std::int64_t> rome_midnight(std::string_view iso) {
    if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') {
        return std::nullopt;
    }
    auto y = digits(iso, 0, 4);
    auto m = digits(iso, 5, 2);
    auto d = digits(iso, 8, 2);
    if (!y || !m || !d || *y < 2000 || *y > 2199) {
        return std::nullopt;
    }
    const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*m)},
                             day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return rome_midnight_of(*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d));
}

std::int64_t rome_day_start(std::int64_t unix_seconds) {
    const RomeTime t = rome_time(unix_seconds);
    return rome_midnight_of(t.year, t.month, t.day);
}

std::int64_t rome_week_start(std::int64_t unix_seconds) {
    const RomeTime t = rome_time(unix_seconds);
    const sys_days today{year_month_day{year{t.year}, month{t.month}, day{t.day}}};
    const unsigned from_monday = weekday{today}.iso_encoding() - 1;
    const year_month_day monday{today - days{from_monday}};
    return rome_midnight_of(static_cast<int>(monday.year()), static_cast<unsigned>(monday.month()),
                            static_cast<unsigned>(monday.day()));
}

}  // namespace segnala::core
