#include "app/auth.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "crypto/hash.hpp"
#include "crypto/passwords.hpp"
#include "crypto/random.hpp"

namespace segnala::app {

int Principal::role_rank(std::string_view role) {
    for (int i = 0; i < static_cast<int>(std::size(kRoles)); ++i) {
        if (role == kRoles[i]) {
            return i;
        }
    }
    return -1;
}

bool Principal::has_permission(std::string_view name) const {
    std::string_view list = permissions;
    while (!list.empty()) {
        const auto comma = list.find(',');
        auto item = list.substr(0, comma);
        while (!item.empty() && item.front() == ' ') {
            item.remove_prefix(1);
        }
        while (!item.empty() && item.back() == ' ') {
            item.remove_suffix(1);
        }
        if (!item.empty() && item == name) {
            return true;
        }
        if (comma == std::string_view::npos) {
            break;
        }
        list.remove_prefix(comma + 1);
    }
    return false;
}

using core::errc;

namespace {

constexpr std::int64_t kClientWindow = 15 * 60;
// Sessions are touched at most this often, so that reading pages does not queue writes.
constexpr std::int64_t kTouchEvery = 60;

crypto::PasswordCost cost_for(const AuthSettings& s) {
    return s.fast_password_hashing_for_test ? crypto::PasswordCost::test_fast
                                            : crypto::PasswordCost::interactive;
}

}  // namespace

std::string short_user_agent(std::string_view ua) {
    std::string out;
    for (char c : ua.substr(0, 120)) {
        out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out;
}

bool is_valid_role(std::string_view role) {
    return std::any_of(std::begin(kRoles), std::end(kRoles),
                       [&](const char* r) { return role == r; });
}

bool is_valid_username(std::string_view name) {
    if (name.size() < 3 || name.size() > 32 || !std::islower(static_cast<unsigned char>(name[0]))) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) ||
               std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    });
}

bool is_acceptable_password(std::string_view pw) {
    // Length is what matters (NIST SP 800-63B); composition rules only annoy.
    if (pw.size() < 12 || pw.size() > 256) {
        return false;
    }
    return std::any_of(pw.begin(), pw.end(), [&](char c) { return c != pw[0]; });
}

Auth::Auth(store::Store& store, const core::Clock& clock, AuthSettings settings)
    : store_(store), clock_(clock), settings_(settings) {
    // Verifying against a dummy hash for unknown users keeps timing uniform.
    dummy_hash_ = crypto::hash_password("segnala-dummy-password", cost_for(settings_)).value();
}

store::AuditEvent Auth::audit(std::string actor, std::string action, std::string object,
                              std::string detail) const {
    return store::AuditEvent{clock_.now_micros(), std::move(actor), std::move(action),
                             std::move(object), std::move(detail)};
}

core::result<void> Auth::record_failure(const store::Operator& op, std::string_view action,
                                        std::int64_t* retry_after) {
    const std::int64_t now = clock_.now_unix();
    std::int64_t lock_until = 0;
    const int failures = op.failed_logins + 1;
    if (!op.disabled && failures >= settings_.lock_after_failures) {
        const int doublings = std::min(failures - settings_.lock_after_failures, 16);
        const std::int64_t lock = std::min<std::int64_t>(settings_.first_lock.count() << doublings,
                                                         settings_.max_lock.count());
        lock_until = now + lock;
    }
    nlohmann::json detail = {
        {"failures", failures}, {"locked_until", lock_until}, {"disabled", op.disabled}};
    SEGNALA_TRYV(
        store_.record_login_failure(op.id, lock_until,
                                    audit("operator:" + std::to_string(op.id), std::string(action),
                                          "operator:" + std::to_string(op.id), detail.dump())));
    if (lock_until > 0 && retry_after != nullptr) {
        *retry_after = lock_until - now;
    }
    return lock_until > 0 ? errc::rate_limited : errc::unauthenticated;
}

core::result<LoginResult> Auth::login(const std::string& username, const std::string& password,
                                      const std::string& client_key, std::int64_t* retry_after,
                                      std::string_view user_agent) {
    const std::int64_t now = clock_.now_unix();
    const std::int64_t window = now - now % kClientWindow;
    SEGNALA_TRY(attempts, store_.throttle_hit("login-client:" + client_key, window));
    if (attempts > settings_.client_attempts_per_window) {
        if (retry_after != nullptr) {
            *retry_after = window + kClientWindow - now;
        }
        return errc::rate_limited;
    }

    auto found = store_.find_operator(username);
    if (!found) {
        (void)crypto::verify_password(dummy_hash_, password);
        if (found.error() == errc::not_found) {
            return errc::unauthenticated;
        }
        return found.error();
    }
    store::Operator op = std::move(found).value();
    if (op.locked_until > now) {
        if (retry_after != nullptr) {
            *retry_after = op.locked_until - now;
        }
        return errc::rate_limited;
    }
    const bool ok = crypto::verify_password(op.password_hash, password);
    if (!ok || op.disabled) {
        auto failed = record_failure(op, "session.login_failed", retry_after);
        return failed ? core::result<LoginResult>(errc::unauthenticated)
                      : core::result<LoginResult>(failed.error());
    }

    LoginResult out;
    out.session_token = crypto::random_token(32);
    store::Session s;
    s.id_hash = crypto::sha256_hex(out.session_token);
    s.operator_id = op.id;
    s.csrf_token = crypto::random_token(32);
    s.created_at = now;
    s.last_seen_at = now;
    s.mfa_at = 0;  // half-open until the second factor
    s.user_agent = short_user_agent(user_agent);
    SEGNALA_TRYV(
        store_.record_login_success(op.id, s,
                                    audit("operator:" + std::to_string(op.id), "session.login",
                                          "operator:" + std::to_string(op.id))));
    out.principal = Principal{
        op.id,     op.username, op.role, op.permissions, op.must_change_password, s.csrf_token,
        s.id_hash, now,         true};
    return out;
}

core::result<Principal> Auth::authenticate(const std::string& session_token) {
    if (session_token.empty() || session_token.size() > 128) {
        return errc::unauthenticated;
    }
    const std::string id_hash = crypto::sha256_hex(session_token);
    auto found = store_.find_session(id_hash);
    if (!found) {
        return found.error() == errc::not_found ? errc::unauthenticated : found.error();
    }
    const store::Session& s = found.value();
    const std::int64_t now = clock_.now_unix();
    if (now - s.last_seen_at > settings_.idle_timeout.count() ||
        now - s.created_at > settings_.absolute_timeout.count()) {
        (void)store_.delete_session(
            id_hash, audit("operator:" + std::to_string(s.operator_id), "session.expired",
                           "operator:" + std::to_string(s.operator_id)));
        return errc::unauthenticated;
    }
    SEGNALA_TRY(op, store_.get_operator(s.operator_id));
    if (op.disabled) {
        return errc::unauthenticated;
    }
    if (now - s.last_seen_at >= kTouchEvery) {
        SEGNALA_TRYV(store_.touch_session(id_hash, now));
    }
    return Principal{
        op.id,        op.username, op.role,      op.permissions, op.must_change_password,
        s.csrf_token, id_hash,     s.created_at, s.mfa_at == 0};
}

core::result<void> Auth::logout(const Principal& who) {
    return store_.delete_session(
        who.session_hash, audit("operator:" + std::to_string(who.operator_id), "session.logout",
                                "operator:" + std::to_string(who.operator_id)));
}

core::result<void> Auth::logout_everywhere(const Principal& who) {
    return store_.delete_sessions_of(
        who.operator_id,
        audit("operator:" + std::to_string(who.operator_id), "session.logout_everywhere",
              "operator:" + std::to_string(who.operator_id)));
}

core::result<std::vector<store::ActiveSession>> Auth::sessions(std::int64_t operator_id) {
    SEGNALA_TRY(all, store_.list_sessions(operator_id));
    const std::int64_t now = clock_.now_unix();
    std::vector<store::ActiveSession> out;
    for (auto& a : all) {
        // Expired sessions linger until they are next seen or purged: not active any more.
        if (now - a.session.last_seen_at <= settings_.idle_timeout.count() &&
            now - a.session.created_at <= settings_.absolute_timeout.count()) {
            out.push_back(std::move(a));
        }
    }
    return out;
}

core::result<void> Auth::end_session(const std::string& actor, const std::string& id_hash) {
    if (id_hash.size() != 64) {
        return errc::not_found;
    }
    SEGNALA_TRY(s, store_.find_session(id_hash));
    return store_.delete_session(
        id_hash, audit(actor, "session.revoke", "operator:" + std::to_string(s.operator_id)));
}

core::result<void> Auth::reset_second_factor(const std::string& actor,
                                             const std::string& username) {
    SEGNALA_TRY(op, store_.find_operator(username));
    return store_.reset_second_factor(
        op.id, audit(actor, "operator.reset_2fa", "operator:" + std::to_string(op.id)));
}

core::result<void> Auth::change_password(const Principal& who, const std::string& current,
                                         const std::string& fresh) {
    SEGNALA_TRY(op, store_.get_operator(who.operator_id));
    if (!crypto::verify_password(op.password_hash, current)) {
        return errc::unauthenticated;
    }
    if (!is_acceptable_password(fresh) || fresh == current) {
        return errc::invalid_argument;
    }
    SEGNALA_TRY(hash, crypto::hash_password(fresh, cost_for(settings_)));
    return store_.set_password(
        op.id, hash, false,
        audit("operator:" + std::to_string(op.id), "operator.password_change",
              "operator:" + std::to_string(op.id)));
}

core::result<CreatedOperator> Auth::add_operator(const std::string& actor,
                                                 const std::string& username,
                                                 const std::string& role,
                                                 const std::string& permissions) {
    if (!is_valid_username(username) || !is_valid_role(role)) {
        return errc::invalid_argument;
    }
    if (!permissions.empty() && permissions != "csam") {
        return errc::invalid_argument;
    }
    CreatedOperator out;
    out.one_time_password = crypto::generate_password();
    SEGNALA_TRY(hash, crypto::hash_password(out.one_time_password, cost_for(settings_)));
    store::NewOperator op{username, role, permissions, hash, true};
    nlohmann::json detail = {{"username", username}, {"role", role}, {"permissions", permissions}};
    SEGNALA_TRY(id, store_.create_operator(op, audit(actor, "operator.create",
                                                     "operator:" + username, detail.dump())));
    out.id = id;
    return out;
}

core::result<void> Auth::set_disabled(const std::string& actor, const std::string& username,
                                      bool disabled) {
    SEGNALA_TRY(op, store_.find_operator(username));
    SEGNALA_TRYV(
        store_.set_operator_disabled(op.id, disabled,
                                     audit(actor, disabled ? "operator.disable" : "operator.enable",
                                           "operator:" + std::to_string(op.id))));
    if (disabled) {
        SEGNALA_TRYV(store_.delete_sessions_of(
            op.id, audit(actor, "session.revoke_all", "operator:" + std::to_string(op.id))));
    }
    return core::success();
}

core::result<std::vector<store::Operator>> Auth::list_operators() {
    return store_.list_operators();
}

core::result<std::string> Auth::ensure_first_admin(const std::string& username) {
    SEGNALA_TRY(count, store_.count_operators());
    if (count > 0) {
        return std::string();
    }
    SEGNALA_TRY(created, add_operator("system", username, "admin"));
    return created.one_time_password;
}

core::result<std::int64_t> Auth::purge_expired_sessions() {
    const std::int64_t now = clock_.now_unix();
    return store_.purge_sessions(now - settings_.idle_timeout.count(),
                                 now - settings_.absolute_timeout.count());
}

}  // namespace segnala::app
