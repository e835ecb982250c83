// Per-client keys for rate limits: a keyed hash of the IP address whose key rotates daily,
// so no raw IP is stored anywhere and yesterday's keys cannot be linked to today's.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace segnala::app {

class ClientKeyer {
  public:
    /// `master_key`: 32 secret bytes (derived from the sealing master key by the wiring).
    ClientKeyer(std::string master_key, const core::Clock& clock);
    /// Thread-safe, non-blocking.
    std::string key(std::string_view ip) const;

  private:
    std::string master_key_;
    const core::Clock& clock_;
};

/// A fresh random token (base64url) of `bytes` random bytes.
std::string random_token(std::size_t bytes = 32);
/// Constant-time equality for secrets.
bool secure_equal(std::string_view a, std::string_view b);

}  // namespace segnala::app
