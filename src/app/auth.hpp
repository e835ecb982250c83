// Operator authentication and sessions: login with throttling, session checks, logout,
// password change, and operator administration. The only place with these rules.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace segnala::app {

struct AuthSettings {
    std::chrono::seconds idle_timeout{30 * 60};
    std::chrono::seconds absolute_timeout{12 * 60 * 60};
    /// Consecutive failures on one account before it is locked.
    int lock_after_failures = 5;
    /// First lock duration; doubles with each further failure, capped by max_lock.
    std::chrono::seconds first_lock{30};
    std::chrono::seconds max_lock{15 * 60};
    /// Login attempts per client (keyed IP hash) per 15-minute window.
    int client_attempts_per_window = 30;
    bool fast_password_hashing_for_test = false;
};

inline constexpr const char* kRoles[] = {"operator", "analyst", "supervisor", "admin"};
bool is_valid_role(std::string_view role);
/// Usernames: 3–32 of [a-z0-9._-], starting with a letter.
bool is_valid_username(std::string_view name);
/// New passwords: 12–256 bytes, not all one character class-free… see auth.cpp.
bool is_acceptable_password(std::string_view pw);
/// A User-Agent header in the short, printable form kept with a session (at most 120 bytes of
/// printable ASCII; anything else becomes '?').
std::string short_user_agent(std::string_view ua);

/// The operator behind a valid session.
struct Principal {
    std::int64_t operator_id = 0;
    std::string username;
    std::string role;
    std::string permissions;
    bool must_change_password = false;
    std::string csrf_token;
    std::string session_hash;
    std::int64_t session_created_at = 0;
    /// The session has passed the password but not yet the second factor: it reaches only
    /// the second-factor pages and logout.
    bool mfa_pending = false;
    bool is_admin() const { return role == "admin"; }
    /// Roles are ranked operator < analyst < supervisor < admin; each may do what the ones
    /// before it may.
    bool at_least(std::string_view min_role) const {
        return role_rank(role) >= role_rank(min_role);
    }
    /// An extra permission from the comma-separated list, e.g. "csam".
    bool has_permission(std::string_view name) const;
    /// May see CSAM cases and their reports (everyone else gets 404 and never sees them).
    bool may_see_csam() const { return has_permission("csam"); }
    static int role_rank(std::string_view role);
};

struct LoginResult {
    std::string session_token;  ///< the cookie value; never stored
    Principal principal;
};

/// Why a login failed: the page shows one message per reason.
enum class LoginFailure { bad_credentials, locked, throttled, disabled };

struct CreatedOperator {
    std::int64_t id = 0;
    std::string one_time_password;
};

class Auth {
  public:
    Auth(store::Store& store, const core::Clock& clock, AuthSettings settings);

    /// Blocking (argon2id + database). On failure returns errc::unauthenticated (bad
    /// credentials or disabled — indistinguishable to the caller on purpose),
    /// errc::rate_limited (account locked or client throttled; `retry_after` is set).
    /// The new session is half-open (mfa_pending) until the second factor (two_factor.hpp).
    /// `user_agent` is kept in a short, printable form for the session lists.
    core::result<LoginResult> login(const std::string& username, const std::string& password,
                                    const std::string& client_key,
                                    std::int64_t* retry_after = nullptr,
                                    std::string_view user_agent = {});
    /// Resolves a session cookie value. errc::unauthenticated when unknown or expired.
    core::result<Principal> authenticate(const std::string& session_token);
    core::result<void> logout(const Principal& who);
    core::result<void> logout_everywhere(const Principal& who);
    /// Deletes the sessions that expired (idle or past their lifetime); returns how many.
    /// They are refused anyway when presented: this only keeps the table from growing.
    core::result<std::int64_t> purge_expired_sessions();
    /// Active (not expired) sessions of one operator, or of everyone when operator_id is 0.
    core::result<std::vector<store::ActiveSession>> sessions(std::int64_t operator_id);
    /// Ends one session by its id hash (admin page). errc::not_found when there is none.
    core::result<void> end_session(const std::string& actor, const std::string& id_hash);
    /// Forgets an operator's second factor and recovery codes and ends their sessions: the
    /// next login enrols again. errc::not_found for an unknown username.
    core::result<void> reset_second_factor(const std::string& actor, const std::string& username);
    /// Counts one failed credential (password or second factor) against the account: after
    /// lock_after_failures consecutive ones the account is locked, doubling each time.
    /// Returns errc::rate_limited (with `retry_after`) when this failure locks, else
    /// errc::unauthenticated. Audited as `action`.
    core::result<void> record_failure(const store::Operator& op, std::string_view action,
                                      std::int64_t* retry_after);
    const core::Clock& clock() const { return clock_; }
    /// errc::unauthenticated when `current` is wrong, errc::invalid_argument when `fresh` is
    /// not acceptable.
    core::result<void> change_password(const Principal& who, const std::string& current,
                                       const std::string& fresh);

    // Administration (the CLI acts as actor "cli").
    core::result<CreatedOperator> add_operator(const std::string& actor,
                                               const std::string& username, const std::string& role,
                                               const std::string& permissions = "");
    core::result<void> set_disabled(const std::string& actor, const std::string& username,
                                    bool disabled);
    core::result<std::vector<store::Operator>> list_operators();
    /// Creates the first admin when there is no operator at all; returns its password, or
    /// an empty string when operators exist.
    core::result<std::string> ensure_first_admin(const std::string& username = "admin");

    /// An audit event at the clock's time (also for the second-factor use case).
    store::AuditEvent audit(std::string actor, std::string action, std::string object,
                            std::string detail = "{}") const;

  private:
    store::Store& store_;
    const core::Clock& clock_;
    AuthSettings settings_;
    std::string dummy_hash_;
};

}  // namespace segnala::app
