// Report receipt codes: random, easy to read aloud and to type, with a check symbol that
// catches every single-symbol typo and every swap of two neighbours.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace segnala::crypto {

/// Crockford base32 alphabet: digits and letters without I, L, O, U (0 and 1 are kept: the
/// reader maps O to 0 and I, L to 1, so confusing them is harmless).
inline constexpr std::string_view kReportCodeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Random symbols in a code: 16 * 5 = 80 bits.
inline constexpr std::size_t kReportCodeRandomSymbols = 16;
/// Length of the canonical form "XXXX-XXXX-XXXX-XXXXC": 16 random symbols and one check
/// symbol C, grouped 4-4-4-5 by dashes.
inline constexpr std::size_t kReportCodeLength = 20;

/// A new report code in canonical form, e.g. "K7QM-4XPR-9DHT-W2FBE". Thread-safe.
/// The last symbol is a Damm check over GF(32) (x ∘ y = 2x ⊕ y, a totally anti-symmetric
/// quasigroup), which detects every single substitution and every adjacent transposition.
[[nodiscard]] std::string new_report_code();

/// Canonical form of a code as typed: case-insensitive, spaces and dashes anywhere ignored,
/// O read as 0 and I/L as 1. Errors: errc::invalid_argument if a symbol is not in the
/// alphabet (U included), the length is wrong, or the check symbol does not match (a typo).
[[nodiscard]] core::result<std::string> normalize_report_code(std::string_view typed);

/// The check symbol for a string of alphabet symbols (exposed for tests and tools).
/// Precondition: every char of `symbols` is in kReportCodeAlphabet.
[[nodiscard]] char report_code_check_symbol(std::string_view symbols);

}  // namespace segnala::crypto
