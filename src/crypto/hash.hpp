// Hashes, MACs, keyed hashing and key derivation (libsodium): SHA-256, HMAC-SHA-256, keyed
// BLAKE2b, and the daily-rotating hasher that turns client IP addresses into opaque keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace segnala::crypto {

inline constexpr std::size_t kSha256Bytes = 32;
/// Size of every key of this module (BLAKE2b keys, derived keys, master keys).
inline constexpr std::size_t kKeyBytes = 32;

/// SHA-256 of `data`: 32 raw bytes. Thread-safe.
[[nodiscard]] std::string sha256(std::string_view data);
/// SHA-256 of `data` as 64 lowercase hex digits.
[[nodiscard]] std::string sha256_hex(std::string_view data);
/// HMAC-SHA-256 (RFC 2104) with a key of any length: 32 raw bytes.
[[nodiscard]] std::string hmac_sha256(std::string_view key, std::string_view message);

/// Lowercase hex of raw bytes.
[[nodiscard]] std::string hex_encode(std::string_view bytes);
/// Decodes hex (either case). Errors: errc::invalid_argument on an odd length or a non-hex digit.
[[nodiscard]] core::result<std::string> hex_decode(std::string_view hex);

/// Derives an independent 32-byte sub-key for one purpose from a master key:
/// BLAKE2b-256 keyed with `master_key` over "segnala/" + `purpose`. Use one purpose string per
/// use ("ip-hasher", "altcha-hmac", …) so that no raw key serves two purposes.
/// Precondition: master_key.size() == kKeyBytes (throws std::invalid_argument otherwise: a bug).
[[nodiscard]] std::string derive_key(std::string_view master_key, std::string_view purpose);

/// Keyed BLAKE2b (crypto_generichash) with a 32-byte key: a fast PRF for pseudonymous ids.
/// Immutable after construction; thread-safe.
class KeyedHasher {
  public:
    /// Precondition: key.size() == kKeyBytes (throws std::invalid_argument otherwise: a bug).
    explicit KeyedHasher(std::string_view key);
    ~KeyedHasher();
    KeyedHasher(const KeyedHasher&) = default;
    KeyedHasher& operator=(const KeyedHasher&) = default;

    /// Raw digest of `out_bytes` bytes; out_bytes is clamped to [16, 64].
    [[nodiscard]] std::string digest(std::string_view data, std::size_t out_bytes = 16) const;
    /// The digest as lowercase hex (2 * out_bytes characters).
    [[nodiscard]] std::string hex(std::string_view data, std::size_t out_bytes = 16) const;

  private:
    std::string key_;
};

/// Turns client IP addresses into opaque rate-limit / abuse keys whose key changes every UTC
/// day, so stored keys cannot be linked across days nor reversed by enumerating the IPv4 space
/// without the master key. Immutable; thread-safe.
class DailyRotatingHasher {
  public:
    /// Precondition: master_key.size() == kKeyBytes (throws std::invalid_argument otherwise).
    /// Pass a key derived for this purpose (derive_key(master, "ip-hasher")), not a raw one.
    explicit DailyRotatingHasher(std::string_view master_key);
    ~DailyRotatingHasher();
    DailyRotatingHasher(const DailyRotatingHasher&) = default;
    DailyRotatingHasher& operator=(const DailyRotatingHasher&) = default;

    /// UTC day number (floor(unix_time / 86400)), also for negative times.
    [[nodiscard]] static std::int64_t day_number(std::int64_t unix_time) noexcept;
    /// The key of `day`: BLAKE2b-256 keyed with the master key over "ip-day:" + day.
    [[nodiscard]] std::string day_key(std::int64_t day) const;
    /// 32 hex characters (128 bits) identifying `ip` for the UTC day of `unix_now`. The caller
    /// should pass a canonical IP text (e.g. the IPv6 /64 prefix for IPv6 clients).
    [[nodiscard]] std::string client_key(std::string_view ip, std::int64_t unix_now) const;

  private:
    std::string master_;
};

}  // namespace segnala::crypto
