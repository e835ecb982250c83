// Registrable domain (eTLD+1) from the Public Suffix List, and the Unicode form of a host
// for display.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace segnala::url {

/// The registrable domain of `host` ("www.example.co.uk" -> "example.co.uk"), using both the
/// ICANN and the PRIVATE sections of Debian's list (/usr/share/publicsuffix), loaded once on
/// first use (falling back to libpsl's built-in list). Case-insensitive; UTF-8 or A-label
/// input, answered in the same form. Errors: errc::not_found for an empty or malformed host,
/// an IP address, or a host that is itself a public suffix. Thread-safe.
[[nodiscard]] core::result<std::string> registrable_domain(std::string_view host);

/// `host` with its A-labels turned back to Unicode, for display next to the defanged URL
/// (never for matching). Returns the input unchanged when it cannot be decoded. Thread-safe.
[[nodiscard]] std::string display_host(std::string_view host);

}  // namespace segnala::url
