// Host-level pieces of Safe Browsing canonicalization: the lenient IPv4 notations
// (decimal, octal, hex, fewer than four parts), IPv6 literals and their RFC 5952 text form.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace segnala::url {

using Ipv6Address = std::array<std::uint8_t, 16>;

/// Parses a host as Safe Browsing reads IPv4 addresses: 1 to 4 dot-separated parts, each
/// decimal, octal (leading 0) or hex (0x); the last part fills the remaining bytes and must
/// fit them; an earlier part above 255 keeps only its low byte (reference-client quirk).
/// A host of at most 15 bytes that is a decimal dotted quad followed by a space and anything
/// is that quad (Windows resolver quirk). Returns nullopt when the host is not an address.
/// Pure, thread-safe, no allocation.
[[nodiscard]] std::optional<std::uint32_t> parse_ipv4(std::string_view host) noexcept;

/// Appends the dotted-quad form of an address ("192.168.0.1").
void append_ipv4(std::uint32_t address, std::string& out);

/// Parses the text between the brackets of an IPv6 literal (RFC 4291, with an optional
/// trailing dotted quad). No zone identifiers. Returns nullopt when it is not valid.
[[nodiscard]] std::optional<Ipv6Address> parse_ipv6(std::string_view text) noexcept;

/// Appends the RFC 5952 text of an address (lowercase, no leading zeros, the longest run of
/// two or more zero groups compressed), without brackets.
void append_ipv6(const Ipv6Address& address, std::string& out);

/// The IPv4 address inside an IPv4-mapped (::ffff:0:0/96) or NAT64 (64:ff9b::/96) address,
/// which Safe Browsing v5 canonicalizes to plain IPv4; nullopt for any other address.
[[nodiscard]] std::optional<std::uint32_t> embedded_ipv4(const Ipv6Address& address) noexcept;

}  // namespace segnala::url
