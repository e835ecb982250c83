// Cryptographically secure randomness and constant-time comparison (libsodium).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace segnala::crypto {

/// `n` bytes from the OS CSPRNG. Thread-safe, never blocks after start-up, never fails.
[[nodiscard]] std::string random_bytes(std::size_t n);

/// `bytes` random bytes encoded as base64url without padding (RFC 4648 §5): for session ids,
/// CSRF tokens, API keys. 32 bytes give 43 characters and 256 bits. Thread-safe.
[[nodiscard]] std::string random_token(std::size_t bytes = 32);

/// A uniformly distributed integer in [0, n) without modulo bias. Precondition: n > 0
/// (returns 0 for n == 0). Thread-safe.
[[nodiscard]] std::uint32_t uniform(std::uint32_t n);

/// Compares two secrets in time that depends only on their lengths (the length is not secret:
/// a length mismatch returns false at once). Use for tokens, MACs, codes.
[[nodiscard]] bool equal(std::string_view a, std::string_view b) noexcept;

/// base64url without padding (RFC 4648 §5).
[[nodiscard]] std::string base64url_encode(std::string_view bytes);

/// Decodes base64url without padding. Errors: errc::invalid_argument on a character outside the
/// alphabet, on padding, or on a malformed length.
[[nodiscard]] core::result<std::string> base64url_decode(std::string_view text);

}  // namespace segnala::crypto
