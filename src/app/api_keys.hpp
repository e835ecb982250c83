// Partner API keys: creation (the secret is shown once and stored only as its SHA-256),
// authentication of bearer secrets, listing and revocation, each change audited.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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
///
/// A key that authenticated is remembered for `cache_seconds` (by the hash of its secret), so
/// that a partner's stream of requests does not read the key table for each one. Revoking
/// through this object (the admin page) forgets it at once; a revocation made by another
/// process (`segnala apikey revoke`) takes effect in this one within `cache_seconds`.
class ApiKeys {
  public:
    static constexpr int kDefaultCacheSeconds = 2;
    ApiKeys(store::Store& store, const core::Clock& clock,
            int cache_seconds = kDefaultCacheSeconds);

    /// Errors: invalid_argument (bad name, unknown or no scope, negative rate limit),
    /// conflict (a key with this name exists, revoked ones included), store errors.
    core::result<CreatedKey> create(const std::string& actor, const std::string& name,
                                    const std::vector<std::string>& scopes, int rate_limit);

    /// The key behind a bearer secret. Errors: unauthenticated when the secret is malformed,
    /// unknown or revoked (indistinguishable on purpose); unavailable/internal from the store.
    core::result<ApiKey> authenticate(std::string_view bearer_secret);

    /// authenticate() when it can answer without the database: a malformed secret
    /// (unauthenticated) or a key remembered and still fresh. nullopt when it would have to
    /// look the key up. Never blocks on the database.
    std::optional<core::result<ApiKey>> authenticate_cached(std::string_view bearer_secret);

    core::result<std::vector<ApiKey>> list();

    /// Errors: not_found when no key has this name. Revoking twice keeps the first time.
    core::result<void> revoke(const std::string& actor, const std::string& name);

  private:
    struct Cached {
        ApiKey key;
        std::int64_t until_micros = 0;
    };

    store::Store& store_;
    const core::Clock& clock_;
    const std::int64_t cache_micros_;
    std::mutex cache_mutex_;
    std::unordered_map<std::string, Cached> cache_;  // by hash of the secret
    std::uint64_t generation_ = 0;                   // revocations so far
};

}  // namespace segnala::app
