// Safe Browsing URL canonicalization ("URLs and Hashing", v4 rules plus the v5 IPv6 rules):
// the one canonical text of a reported URL, used for hashing, dedup and display.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace segnala::url {

/// A canonical URL: `scheme://host/path[?query]`, no fragment, no userinfo, no port,
/// every byte <= 0x20 or >= 0x7f and every '#' and '%' percent-escaped (uppercase hex).
/// The accessors are views into `url`; they stay valid while `url` is unchanged.
struct CanonicalUrl {
    std::string url;
    std::size_t host_begin = 0;  // url[0, host_begin - 3) is the scheme, then "://"
    std::size_t host_end = 0;    // the path starts here, always with '/'
    std::size_t path_end = 0;    // '?' or url.size()
    bool has_query = false;      // true even for an empty query ("/q?")
    bool had_userinfo = false;   // the input carried "user[:pass]@" (a phishing signal)
    bool host_is_ip = false;     // dotted-quad IPv4 or bracketed IPv6
    bool host_is_idn = false;    // some host label is an A-label ("xn--")
    std::uint16_t port = 0;      // the port the input gave (0 when none); never in `url`

    [[nodiscard]] std::string_view scheme() const noexcept { return view(0, host_begin - 3); }
    [[nodiscard]] std::string_view host() const noexcept { return view(host_begin, host_end); }
    [[nodiscard]] std::string_view path() const noexcept { return view(host_end, path_end); }
    /// The query without its '?'; empty when there is none (see has_query).
    [[nodiscard]] std::string_view query() const noexcept {
        return has_query ? view(path_end + 1, url.size()) : std::string_view{};
    }
    /// `host/path[?query]`: the full-URL lookup expression.
    [[nodiscard]] std::string_view host_path_query() const noexcept {
        return view(host_begin, url.size());
    }

  private:
    [[nodiscard]] std::string_view view(std::size_t b, std::size_t e) const noexcept {
        return std::string_view(url).substr(b, e - b);
    }
};

/// Canonicalizes `input` per the Safe Browsing rules (see README.md for the exact choices).
/// Errors: errc::invalid_argument when there is no usable host (empty host, a non-network
/// scheme such as mailto: or javascript:, an invalid IPv6 literal or port).
/// Pure and thread-safe; allocates only the result (plus libidn2 for non-ASCII hosts).
[[nodiscard]] core::result<CanonicalUrl> canonicalize(std::string_view input);

/// As above, writing into `out` and reusing its buffer (for batch loops). On error `out` is
/// left in an unspecified but valid state.
[[nodiscard]] core::result<void> canonicalize(std::string_view input, CanonicalUrl& out);

}  // namespace segnala::url
