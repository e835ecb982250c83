// Time-based one-time passwords for operator second factors: RFC 6238 TOTP over RFC 4226 HOTP
// (HMAC-SHA1 through OpenSSL), RFC 4648 base32, and the otpauth:// URI for authenticator apps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace segnala::crypto {

inline constexpr std::int64_t kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;
/// Size of the secrets made by new_totp_secret() (160 bits, as RFC 4226 recommends).
inline constexpr std::size_t kTotpSecretBytes = 20;

/// RFC 4648 base32 (alphabet A–Z 2–7). With `pad`, '=' pads to a multiple of 8 characters.
[[nodiscard]] std::string base32_encode(std::string_view bytes, bool pad = true);
/// Decodes RFC 4648 base32. Lenient where people are: accepts lowercase, ignores spaces and
/// '-', and accepts the text with or without '=' padding.
/// Errors: errc::invalid_argument on another character or an impossible length.
[[nodiscard]] core::result<std::string> base32_decode(std::string_view text);

/// A new random TOTP secret (kTotpSecretBytes raw bytes). Thread-safe.
[[nodiscard]] std::string new_totp_secret();

/// The HMAC of HOTP/TOTP. Operators' second factors use SHA-1 (what every authenticator app
/// supports); SHA-256 and SHA-512 are there for RFC 6238's other test vectors and for partners.
enum class TotpHash { sha1, sha256, sha512 };

/// RFC 4226 HOTP value of `counter`, zero-padded to `digits` (6..9).
[[nodiscard]] std::string hotp(std::string_view secret, std::uint64_t counter,
                               int digits = kTotpDigits, TotpHash hash = TotpHash::sha1);

/// The time step of `unix_time`: floor((unix_time - 0) / 30).
[[nodiscard]] std::int64_t totp_step(std::int64_t unix_time) noexcept;

/// RFC 6238 TOTP value at `unix_time` (SHA-1 unless told, 30 s steps, T0 = 0).
[[nodiscard]] std::string totp(std::string_view secret, std::int64_t unix_time,
                               int digits = kTotpDigits, TotpHash hash = TotpHash::sha1);

/// Checks a typed code (spaces ignored) against the steps of `unix_now` ± `window` and returns
/// the matched step, or nullopt. Steps <= `last_used_step` are never accepted: store the
/// returned step per account and pass it back next time, so that a code works once.
/// Comparison is constant-time per candidate step.
[[nodiscard]] std::optional<std::int64_t> verify_totp(std::string_view secret,
                                                      std::string_view code, std::int64_t unix_now,
                                                      std::int64_t last_used_step = -1,
                                                      int window = 1, int digits = kTotpDigits);

/// otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30,
/// with the label and issuer percent-encoded and the secret in unpadded base32.
[[nodiscard]] std::string otpauth_uri(std::string_view issuer, std::string_view account,
                                      std::string_view secret);

}  // namespace segnala::crypto
