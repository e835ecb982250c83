// ALTCHA proof-of-work for the public forms: issues signed challenges and verifies solutions.
//
// Protocol: the classic ALTCHA "v1" challenge, which the installed widget (npm altcha 3.x,
// dist/external build + dist/workers/sha.js) still solves as its legacy format:
//   GET /altcha/challenge → {"algorithm":"SHA-256","challenge":hex(sha256(salt + number)),
//                            "maxnumber":N,"salt":"<24 hex>?expires=<unix>",
//                            "signature":hex(hmac_sha256(key, challenge))}
// The browser finds `number` by brute force and posts, in the form field `altcha`,
// base64(JSON {"algorithm","challenge","number","salt","signature","took"}).
// The HMAC binds the challenge, and the challenge binds salt (hence expiry) and number, so no
// server state is needed until a solution is spent: each challenge is accepted once, across all
// instances, through the shared Store throttle counter.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace segnala::app {

struct AltchaSettings {
    /// Upper bound of the secret number: the expected work is max_number / 2 SHA-256 hashes.
    std::int64_t max_number = 50000;
    /// How long a challenge may be solved and submitted.
    std::int64_t ttl_seconds = 600;
};

/// Largest `altcha` form value accepted (base64 text); real payloads are about 300 bytes.
inline constexpr std::size_t kMaxAltchaPayloadBytes = 2048;

class Altcha {
  public:
    /// `hmac_key`: 32 secret bytes, derived by the wiring (sealer.subkey("altcha")); the same
    /// on every instance. `store` and `clock` must outlive this object.
    Altcha(std::string hmac_key, store::Store& store, const core::Clock& clock,
           AltchaSettings s = {});

    /// A fresh challenge as JSON text, for GET /altcha/challenge (serve it with
    /// Content-Type: application/json and Cache-Control: no-store). Non-blocking; thread-safe.
    [[nodiscard]] std::string challenge_json() const;

    /// Checks a solution (the `altcha` form field) and spends it. Blocks (one Store write):
    /// call from the worker pool. Thread-safe. Errors:
    /// - invalid_argument: oversized, not base64, not the JSON object above, wrong algorithm,
    ///   number outside [0, max_number], forged signature, tampered salt/expiry, wrong number;
    /// - expired: a genuine challenge past its expiry;
    /// - conflict: a genuine solution already spent (on any instance);
    /// - the Store's error (e.g. unavailable) when the spend cannot be recorded.
    [[nodiscard]] core::result<void> verify(std::string_view payload_b64);

  private:
    std::string key_;
    store::Store& store_;
    const core::Clock& clock_;
    AltchaSettings settings_;
};

}  // namespace segnala::app
