#include "api/wire.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

#include <fmt/format.h>

namespace segnala::api {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

std::string iso8601_utc(std::int64_t unix_seconds) {
    const auto t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string_view bearer_token(const http::Request& req) {
    auto h = req.headers.get("Authorization");
    if (!h) {
        return {};
    }
    const std::string_view v = trim(*h);
    const auto space = v.find(' ');
    if (space == std::string_view::npos || !iequals(v.substr(0, space), "Bearer")) {
        return {};
    }
    return trim(v.substr(space + 1));
}

bool is_valid_idempotency_key(std::string_view key) {
    return !key.empty() && key.size() <= 255 &&
           std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

bool is_json_media_type(std::optional<std::string_view> content_type) {
    if (!content_type) {
        return false;
    }
    const std::string_view v = *content_type;
    return iequals(trim(v.substr(0, v.find(';'))), "application/json");
}

}  // namespace segnala::api
