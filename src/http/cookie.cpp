#include "http/cookie.hpp"

namespace segnala::http {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

bool is_token_char(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
        return false;
    }
    constexpr std::string_view kSeparators = "()<>@,;:\\\"/[]?={}";
    return kSeparators.find(c) == std::string_view::npos;
}

// RFC 6265 cookie-octet: visible ASCII except DQUOTE, comma, semicolon, backslash.
bool is_cookie_octet(char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x21 && u <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

bool is_path_char(char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u <= 0x7e && c != ';';
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_cookies(std::string_view header,
                                                               std::size_t max_count) {
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t pos = 0;
    while (pos < header.size() && out.size() < max_count) {
        std::size_t end = header.find(';', pos);
        if (end == std::string_view::npos) {
            end = header.size();
        }
        std::string_view piece = header.substr(pos, end - pos);
        pos = end + 1;
        std::size_t eq = piece.find('=');
        if (eq == std::string_view::npos) {
            continue;
        }
        std::string_view name = trim(piece.substr(0, eq));
        std::string_view value = trim(piece.substr(eq + 1));
        if (name.empty()) {
            continue;
        }
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        out.emplace_back(std::string(name), std::string(value));
    }
    return out;
}

std::optional<std::string> find_cookie(std::string_view header, std::string_view name) {
    for (auto& [n, v] : parse_cookies(header)) {
        if (n == name) {
            return std::move(v);
        }
    }
    return std::nullopt;
}

core::result<std::string> format_set_cookie(const SetCookie& c) {
    auto bad = core::make_error_code(core::errc::invalid_argument);
    if (c.name.empty()) {
        return bad;
    }
    for (char ch : c.name) {
        if (!is_token_char(ch)) {
            return bad;
        }
    }
    for (char ch : c.value) {
        if (!is_cookie_octet(ch)) {
            return bad;
        }
    }
    for (char ch : c.path) {
        if (!is_path_char(ch)) {
            return bad;
        }
    }
    std::string out = c.name + "=" + c.value;
    if (!c.path.empty()) {
        out += "; Path=" + c.path;
    }
    if (c.max_age) {
        out += "; Max-Age=" + std::to_string(*c.max_age < 0 ? 0 : *c.max_age);
    }
    if (c.http_only) {
        out += "; HttpOnly";
    }
    // Browsers refuse SameSite=None without Secure, so None always implies Secure.
    if (c.secure || c.same_site == SameSite::none) {
        out += "; Secure";
    }
    switch (c.same_site) {
        case SameSite::strict:
            out += "; SameSite=Strict";
            break;
        case SameSite::lax:
            out += "; SameSite=Lax";
            break;
        case SameSite::none:
            out += "; SameSite=None";
            break;
    }
    return out;
}

}  // namespace segnala::http
