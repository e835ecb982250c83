// Tamper-evident values given to a browser and read back (the report receipt cookie): the
// value, '.', and a keyed BLAKE2b MAC of it. Whatever comes back altered or made up is refused,
// so a page built from it shows only what this server wrote.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crypto/hash.hpp"

namespace segnala::app {

class Signer {
  public:
    /// `key`: 32 bytes, e.g. crypto::Sealer::subkey("receipt"). Thread-safe after construction.
    explicit Signer(std::string_view key);

    /// `value` (any bytes, '.' included) followed by '.' and 32 hex digits.
    std::string sign(std::string_view value) const;
    /// The value when the MAC matches (compared in constant time), std::nullopt otherwise.
    std::optional<std::string> open(std::string_view signed_value) const;

  private:
    crypto::KeyedHasher mac_;
};

}  // namespace segnala::app
