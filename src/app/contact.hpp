// Validation of reporters' contacts and message senders: e-mail addresses (structural check,
// IDN domains) and phone numbers (libphonenumber, Italian numbering plan by default).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace segnala::app {

/// A contact normalized for storage: e-mail with a lower-case domain, phones in E.164.
/// nullopt when `s` is neither a plausible e-mail address nor a valid phone number.
std::optional<std::string> normalize_contact(std::string_view s);

/// E.164 form of a valid phone number ("+393331234567"), nullopt otherwise. Numbers without
/// a country code are read as Italian.
std::optional<std::string> normalize_phone(std::string_view s);

/// Lower-cases the domain of a structurally valid address; nullopt otherwise.
std::optional<std::string> normalize_email(std::string_view s);

/// True when `s` is valid UTF-8 without control characters other than TAB, CR and LF.
bool is_clean_text(std::string_view s);
/// Number of Unicode code points in valid UTF-8.
std::size_t utf8_length(std::string_view s);

}  // namespace segnala::app
