#include "app/api_keys.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"

namespace segnala::app {

using core::errc;

namespace {

constexpr std::size_t kSecretRandomBytes = 32;
constexpr std::size_t kMaxKeyNameBytes = 64;
// "sgn_" + base64url of 32 bytes; anything else is refused before touching the database.
constexpr std::size_t kSecretLength = 4 + 43;
constexpr std::size_t kMaxCachedKeys = 10000;

bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

bool is_base64url_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

}  // namespace

bool is_valid_api_key_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxKeyNameBytes ||
        !std::isalnum(static_cast<unsigned char>(name[0]))) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), is_name_char);
}

bool is_valid_api_scope(std::string_view scope) {
    return std::any_of(std::begin(kApiScopes), std::end(kApiScopes),
                       [&](const char* s) { return scope == s; });
}

bool has_scope(const ApiKey& key, std::string_view scope) {
    std::string_view rest = key.scopes;
    while (!rest.empty()) {
        const auto space = rest.find(' ');
        if (rest.substr(0, space) == scope) {
            return true;
        }
        if (space == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(space + 1);
    }
    return false;
}

std::string request_fingerprint(std::string_view body) {
    return crypto::sha256_hex(body);
}

ApiKeys::ApiKeys(store::Store& store, const core::Clock& clock, int cache_seconds)
    : store_(store), clock_(clock), cache_micros_(std::int64_t{cache_seconds} * 1'000'000) {}

core::result<CreatedKey> ApiKeys::create(const std::string& actor, const std::string& name,
                                         const std::vector<std::string>& scopes, int rate_limit) {
    if (!is_valid_api_key_name(name) || scopes.empty() || rate_limit < 0) {
        return errc::invalid_argument;
    }
    std::vector<std::string> sorted;
    for (const auto& s : scopes) {
        if (!is_valid_api_scope(s)) {
            return errc::invalid_argument;
        }
        if (std::find(sorted.begin(), sorted.end(), s) == sorted.end()) {
            sorted.push_back(s);
        }
    }
    std::sort(sorted.begin(), sorted.end());
    std::string scope_list;
    for (const auto& s : sorted) {
        scope_list += (scope_list.empty() ? "" : " ") + s;
    }

    CreatedKey out;
    out.name = name;
    out.secret = std::string(kApiKeyPrefix) + crypto::random_token(kSecretRandomBytes);
    out.prefix = out.secret.substr(0, kApiKeyDisplayPrefix);
    store::ApiKey key;
    key.name = name;
    key.key_hash = crypto::sha256_hex(out.secret);
    key.prefix = out.prefix;
    key.scopes = scope_list;
    key.rate_limit = rate_limit;
    key.created_at = clock_.now_unix();
    const nlohmann::json detail = {
        {"name", name}, {"prefix", out.prefix}, {"scopes", scope_list}, {"rate_limit", rate_limit}};
    store::AuditEvent audit{clock_.now_micros(), actor, "apikey.create", "apikey:" + name,
                            detail.dump()};
    SEGNALA_TRY(id, store_.create_api_key(key, audit));
    out.id = id;
    return out;
}

namespace {

bool is_well_formed_secret(std::string_view s) {
    return s.size() == kSecretLength && s.substr(0, 4) == kApiKeyPrefix &&
           std::all_of(s.begin() + 4, s.end(), is_base64url_char);
}

}  // namespace

std::optional<core::result<ApiKey>> ApiKeys::authenticate_cached(std::string_view bearer_secret) {
    if (!is_well_formed_secret(bearer_secret)) {
        return core::result<ApiKey>(errc::unauthenticated);
    }
    if (cache_micros_ <= 0) {
        return std::nullopt;
    }
    const std::string hash = crypto::sha256_hex(bearer_secret);
    const std::int64_t now = clock_.now_micros();
    std::lock_guard lock(cache_mutex_);
    if (auto it = cache_.find(hash); it != cache_.end() && now < it->second.until_micros) {
        return core::result<ApiKey>(it->second.key);
    }
    return std::nullopt;
}

core::result<ApiKey> ApiKeys::authenticate(std::string_view bearer_secret) {
    if (auto known = authenticate_cached(bearer_secret)) {
        return std::move(*known);
    }
    // Looking up by the hash of the secret: the comparison happens on a value the caller
    // cannot steer byte by byte, so there is no timing oracle on the secret itself.
    const std::string hash = crypto::sha256_hex(bearer_secret);
    const std::int64_t now = clock_.now_micros();
    std::uint64_t generation = 0;
    if (cache_micros_ > 0) {
        std::lock_guard lock(cache_mutex_);
        generation = generation_;
    }
    auto found = store_.find_api_key(hash);
    if (!found) {
        if (found.error() == errc::not_found) {
            return errc::unauthenticated;
        }
        return found.error();
    }
    if (found.value().revoked_at > 0) {
        return errc::unauthenticated;
    }
    if (cache_micros_ > 0) {
        std::lock_guard lock(cache_mutex_);
        if (generation != generation_) {
            // A revocation finished while this lookup ran: what it read may be stale.
            return std::move(found).value();
        }
        if (cache_.size() >= kMaxCachedKeys) {
            cache_.clear();  // more live keys than any deployment has: start over
        }
        cache_[hash] = Cached{found.value(), now + cache_micros_};
    }
    return std::move(found).value();
}

core::result<std::vector<ApiKey>> ApiKeys::list() {
    return store_.list_api_keys();
}

core::result<void> ApiKeys::revoke(const std::string& actor, const std::string& name) {
    SEGNALA_TRY(keys, store_.list_api_keys());
    const auto it =
        std::find_if(keys.begin(), keys.end(), [&](const ApiKey& k) { return k.name == name; });
    if (it == keys.end()) {
        return errc::not_found;
    }
    const nlohmann::json detail = {{"name", name}, {"prefix", it->prefix}};
    auto revoked =
        store_.revoke_api_key(it->id, clock_.now_unix(),
                              store::AuditEvent{clock_.now_micros(), actor, "apikey.revoke",
                                                "apikey:" + name, detail.dump()});
    std::lock_guard lock(cache_mutex_);
    ++generation_;
    std::erase_if(cache_, [&](const auto& entry) { return entry.second.key.id == it->id; });
    return revoked;
}

}  // namespace segnala::app
