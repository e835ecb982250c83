// Partner API keys: creation (the secret is shown once and stored only as its SHA-256),
// authentication of bearer secrets, listing and revocation, each change audited.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace segnala::app {

/// A key as the store keeps it (never the secret).
using ApiKey = store::ApiKey;

/// Scopes a key may carry. "reports:write" submits reports; "reports:read" reads statuses
/// under the key's own rate limit (anyone may read a status under the per-client limit).
inline constexpr const char* kApiScopes[] = {"reports:write", "reports:read"};
inline constexpr const char* kScopeReportsWrite = "reports:write";
/// Secrets look like "sgn_" + 43 base64url characters (32 random bytes).
inline constexpr std::string_view kApiKeyPrefix = "sgn_";
/// Characters of the secret kept for display ("sgn_" and 8 more).
inline constexpr std::size_t kApiKeyDisplayPrefix = 12;

/// Key names: 1–64 of [A-Za-z0-9._-], starting with a letter or digit.
[[nodiscard]] bool is_valid_api_key_name(std::string_view name);
[[nodiscard]] bool is_valid_api_scope(std::string_view scope);
/// Whether a key's space-separated scope list contains `scope`.
[[nodiscard]] bool has_scope(const ApiKey& key, std::string_view scope);

/// Fingerprint of a request body for idempotency checks: SHA-256, 64 hex digits.
[[nodiscard]] std::string request_fingerprint(std::string_view body);

struct CreatedKey {
    std::int64_t id = 0;
    std::string name;
    std::string secret;  ///< shown once; only its hash is stored
    std::string prefix;  ///< first characters of the secret, for display
};

/// Thread-safe. Every method blocks on the database (call off the I/O threads).
class ApiKeys {
  public:
    ApiKeys(store::Store& store, const core::Clock& clock);

    /// Errors: invalid_argument (bad name, unknown or no scope, negative rate limit),
    /// conflict (a key with this name exists, revoked ones included), store errors.
    core::result<CreatedKey> create(const std::string& actor, const std::string& name,
                                    const std::vector<std::string>& scopes, int rate_limit);

    /// The key behind a bearer secret. Errors: unauthenticated when the secret is malformed,
    /// unknown or revoked (indistinguishable on purpose); unavailable/internal from the store.
    core::result<ApiKey> authenticate(std::string_view bearer_secret);

    core::result<std::vector<ApiKey>> list();

    /// Errors: not_found when no key has this name. Revoking twice keeps the first time.
    core::result<void> revoke(const std::string& actor, const std::string& name);

  private:
    store::Store& store_;
    const core::Clock& clock_;
};

}  // namespace segnala::app
