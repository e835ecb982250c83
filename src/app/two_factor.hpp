// The operators' second factor: TOTP enrolment (secret sealed at rest, QR code, recovery
// codes shown once and stored hashed), verification of a code or a recovery code on a
// half-open session, with failures counted toward the same lock as passwords.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/auth.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "crypto/seal.hpp"
#include "store/store.hpp"

namespace segnala::app {

inline constexpr int kRecoveryCodes = 10;
inline constexpr const char* kTotpIssuer = "Segnala";

/// What the enrolment page shows.
struct Enrolment {
    std::string secret_grouped;  ///< base32, in groups of 4 separated by spaces
    std::string uri;             ///< otpauth:// URI
    std::string qr_svg;          ///< inline SVG markup of the URI (qr.hpp)
};

/// The operator's state for the account page.
struct SecondFactorStatus {
    bool enrolled = false;
    std::int64_t enrolled_at = 0;
    int recovery_codes_left = 0;
};

/// Recovery codes look like "abcde-fghij" (10 base32 characters, 50 bits). Normalizes a typed
/// one (lowercase, no spaces or '-'); "" when it cannot be one.
std::string normalize_recovery_code(std::string_view typed);

/// Thread-safe; every method blocks on the database.
class TwoFactor {
  public:
    TwoFactor(Auth& auth, store::Store& store, const crypto::Sealer& sealer,
              const core::Clock& clock);

    core::result<SecondFactorStatus> status(const Principal& who);
    /// The secret to enrol: the pending one when there is one (a reload shows the same QR),
    /// else a new one, sealed and stored. errc::conflict when already enrolled.
    core::result<Enrolment> start_enrolment(const Principal& who, std::string_view qr_label);
    /// Checks the first code against the pending secret; on success completes enrolment,
    /// marks the session and returns the recovery codes (shown once). Errors:
    /// unauthenticated (wrong code, counted as a failure), rate_limited (locked; retry_after),
    /// conflict (already enrolled), failed_precondition-like not_found (no pending secret).
    core::result<std::vector<std::string>> finish_enrolment(const Principal& who,
                                                            std::string_view code,
                                                            std::int64_t* retry_after);
    /// Second step of a login: a TOTP code (±1 step, each step once) or an unused recovery
    /// code. Errors: unauthenticated (wrong or reused; counted), rate_limited (locked),
    /// not_found (not enrolled).
    core::result<void> verify(const Principal& who, std::string_view code,
                              std::int64_t* retry_after);

  private:
    std::string code_hash(std::int64_t operator_id, std::string_view normalized) const;
    core::result<void> locked(const store::Operator& op, std::int64_t* retry_after) const;

    Auth& auth_;
    store::Store& store_;
    const crypto::Sealer& sealer_;
    const core::Clock& clock_;
    std::string code_key_;
};

}  // namespace segnala::app
