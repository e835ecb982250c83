// Operator passwords: argon2id hashing in libsodium's self-describing string format, and
// one-time passwords that are easy to read and type.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace segnala::crypto {

/// argon2id work factors.
enum class PasswordCost {
    interactive,  ///< libsodium INTERACTIVE (2 passes, 64 MiB): the production default
    moderate,     ///< libsodium MODERATE (3 passes, 256 MiB): for very few, high-value accounts
    test_fast,    ///< the minimum (1 pass, 8 KiB): tests only, never in production
};

/// Longest password accepted, in bytes (a guard against hashing megabytes per request).
inline constexpr std::size_t kMaxPasswordBytes = 1024;

/// Hashes `password` with argon2id and a random salt; the result is an ASCII string such as
/// "$argon2id$v=19$m=65536,t=2,p=1$…" that carries its own parameters.
/// Blocks for tens of milliseconds and allocates the cost's memory: call it on the blocking pool.
/// Errors: errc::invalid_argument if password is longer than kMaxPasswordBytes;
/// errc::internal if the hashing fails (out of memory). Thread-safe.
[[nodiscard]] core::result<std::string> hash_password(
    std::string_view password, PasswordCost cost = PasswordCost::interactive);

/// True if `password` matches `hash` (from hash_password). False on a mismatch, a malformed
/// hash or an over-long password. Blocks like hash_password. Thread-safe.
[[nodiscard]] bool verify_password(std::string_view hash, std::string_view password);

/// True if `hash` was made with other parameters than `cost` (or is not an argon2id hash):
/// after a successful verify, hash the password again and store the new hash.
[[nodiscard]] bool password_needs_rehash(std::string_view hash,
                                         PasswordCost cost = PasswordCost::interactive);

/// A one-time password for a new account or a reset: 18 symbols from a 31-symbol alphabet
/// without look-alikes ("23456789abcdefghjkmnpqrstuvwxyz": no 0/o, 1/l/i), in three groups of
/// six joined by '-' (e.g. "k7qm4x-pr9dht-w2fbzn"); the dashes are part of the password.
/// 18 * log2(31) ≈ 89 bits. Thread-safe.
[[nodiscard]] std::string generate_password();

}  // namespace segnala::crypto
