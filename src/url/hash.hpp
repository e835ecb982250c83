// SHA-256 of lookup expressions and their prefixes, hex helpers and the Safe Browsing list
// checksum.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace segnala::url {

using FullHash = std::array<std::uint8_t, 32>;

/// SHA-256 of `expression` (e.g. "example.com/path"). Thread-safe.
[[nodiscard]] FullHash full_hash(std::string_view expression) noexcept;

/// The first `prefix_bytes` bytes of full_hash(expression), as raw bytes.
/// Errors: errc::invalid_argument unless 4 <= prefix_bytes <= 32.
[[nodiscard]] core::result<std::string> hash_prefix(std::string_view expression,
                                                    std::size_t prefix_bytes);

/// Lowercase hex of raw bytes.
[[nodiscard]] std::string to_hex(std::string_view bytes);
[[nodiscard]] std::string to_hex(const FullHash& hash);

/// Raw bytes of a hex string (either case). Errors: errc::invalid_argument on odd length or
/// a non-hex character.
[[nodiscard]] core::result<std::string> from_hex(std::string_view hex);

/// The list checksum of Safe Browsing v4/v5: SHA-256 of the prefixes sorted bytewise and
/// concatenated.
[[nodiscard]] FullHash list_checksum(std::vector<std::string> prefixes);

}  // namespace segnala::url
