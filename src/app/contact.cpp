#include "app/contact.hpp"

#include <algorithm>
#include <cctype>

#include <phonenumbers/phonenumberutil.h>

namespace segnala::app {
namespace {

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return std::string(s);
}

bool domain_ok(std::string_view d) {
    if (d.empty() || d.size() > 253 || d.find('.') == std::string_view::npos) {
        return false;
    }
    std::size_t label = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(d[i]);
        if (c == '.') {
            if (label == 0 || d[i - 1] == '-')
                return false;
            label = 0;
            continue;
        }
        // Letters, digits, hyphens, and UTF-8 bytes of internationalized labels.
        if (!(std::isalnum(c) || c == '-' || c >= 0x80))
            return false;
        if (label == 0 && c == '-')
            return false;
        if (++label > 63)
            return false;
    }
    return label > 0;
}

}  // namespace

std::optional<std::string> normalize_email(std::string_view in) {
    const std::string s = trim(in);
    const auto at = s.rfind('@');
    if (at == std::string::npos || at == 0 || at > 64 || s.size() > 254) {
        return std::nullopt;
    }
    const std::string local = s.substr(0, at);
    std::string domain = s.substr(at + 1);
    const bool local_ok = std::all_of(local.begin(), local.end(), [](char ch) {
        const unsigned char c = static_cast<unsigned char>(ch);
        return c > 0x20 && c != 0x7f && c != '@' && c != '<' && c != '>' && c != ',' && c != ';' &&
               c != '"' && c != '(' && c != ')' && c != '[' && c != ']' && c != '\\';
    });
    if (!local_ok || local.front() == '.' || local.back() == '.' ||
        local.find("..") != std::string::npos) {
        return std::nullopt;
    }
    std::transform(domain.begin(), domain.end(), domain.begin(),
                   [](unsigned char c) { return c < 0x80 ? std::tolower(c) : c; });
    if (!domain_ok(domain)) {
        return std::nullopt;
    }
    return local + "@" + domain;
}

std::optional<std::string> normalize_phone(std::string_view in) {
    const std::string s = trim(in);
    if (s.empty() || s.size() > 40) {
        return std::nullopt;
    }
    // Only digits, spaces, dots, dashes, parentheses and a leading plus belong in a number.
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (!(std::isdigit(static_cast<unsigned char>(c)) || c == ' ' || c == '.' || c == '-' ||
              c == '(' || c == ')' || (c == '+' && i == 0))) {
            return std::nullopt;
        }
    }
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util->Parse(s, "IT", &number) != PhoneNumberUtil::NO_PARSING_ERROR ||
        !util->IsValidNumber(number)) {
        return std::nullopt;
    }
    std::string out;
    util->Format(number, PhoneNumberUtil::E164, &out);
    return out;
}

std::optional<std::string> normalize_contact(std::string_view s) {
    if (s.find('@') != std::string_view::npos) {
        return normalize_email(s);
    }
    return normalize_phone(s);
}

bool is_clean_text(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
                return false;
            ++i;
            continue;
        }
        int n = 0;
        std::uint32_t cp = 0;
        if ((c & 0xe0) == 0xc0) {
            n = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            cp = c & 0x07;
        } else
            return false;
        for (int k = 1; k <= n; ++k) {
            if (i + k >= s.size())
                return false;
            const unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        // Overlong forms, surrogates and out-of-range code points are not UTF-8.
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

std::size_t utf8_length(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

}  // namespace segnala::app
