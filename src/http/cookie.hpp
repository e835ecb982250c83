// Cookie header parsing (RFC 6265, lenient like browsers) and the Set-Cookie builder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace segnala::http {

/// Most cookies read from one Cookie header; the rest are ignored.
inline constexpr std::size_t kMaxCookies = 64;

/// Parses "a=1; b=2". Pieces without '=' or with an empty name are skipped; names and values
/// are trimmed of spaces/tabs and one pair of surrounding double quotes is removed from values.
/// Values are not percent-decoded. Never fails; at most `max_count` pairs, in header order.
std::vector<std::pair<std::string, std::string>> parse_cookies(std::string_view header,
                                                               std::size_t max_count = kMaxCookies);

/// First cookie called `name`, if any.
std::optional<std::string> find_cookie(std::string_view header, std::string_view name);

enum class SameSite { strict, lax, none };

struct SetCookie {
    std::string name;
    std::string value;
    std::string path = "/";
    std::optional<std::int64_t> max_age;  ///< seconds; 0 deletes the cookie
    bool http_only = true;
    bool secure = true;
    SameSite same_site = SameSite::lax;
};

/// "name=value; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Lax".
/// Errors: invalid_argument when the name is not an RFC 7230 token, or the value or path hold
/// characters outside cookie-octet (so no header injection through a cookie).
[[nodiscard]] core::result<std::string> format_set_cookie(const SetCookie& c);

}  // namespace segnala::http
