#include "app/two_factor.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "app/qr.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "crypto/totp.hpp"

namespace segnala::app {

using core::errc;

namespace {

std::string ad_of(std::int64_t operator_id) {
    return "operator:" + std::to_string(operator_id) + ":totp";
}

std::string object_of(std::int64_t operator_id) {
    return "operator:" + std::to_string(operator_id);
}

std::string grouped(std::string_view s, std::size_t n, char sep) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i > 0 && i % n == 0) {
            out.push_back(sep);
        }
        out.push_back(s[i]);
    }
    return out;
}

std::string new_recovery_code() {
    std::string raw = crypto::base32_encode(crypto::random_bytes(7), false).substr(0, 10);
    for (auto& c : raw) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return grouped(raw, 5, '-');
}

}  // namespace

std::string normalize_recovery_code(std::string_view typed) {
    std::string out;
    for (char c : typed) {
        if (c == ' ' || c == '-') {
            continue;
        }
        const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!((l >= 'a' && l <= 'z') || (l >= '2' && l <= '7')) || out.size() >= 10) {
            return {};
        }
        out.push_back(l);
    }
    return out.size() == 10 ? out : std::string();
}

TwoFactor::TwoFactor(Auth& auth, store::Store& store, const crypto::Sealer& sealer,
                     const core::Clock& clock)
    : auth_(auth),
      store_(store),
      sealer_(sealer),
      clock_(clock),
      code_key_(sealer.subkey("recovery-codes")) {}

std::string TwoFactor::code_hash(std::int64_t operator_id, std::string_view normalized) const {
    return crypto::hex_encode(crypto::hmac_sha256(
        code_key_, std::to_string(operator_id) + ":" + std::string(normalized)));
}

core::result<void> TwoFactor::locked(const store::Operator& op, std::int64_t* retry_after) const {
    const std::int64_t now = clock_.now_unix();
    if (op.locked_until > now) {
        if (retry_after != nullptr) {
            *retry_after = op.locked_until - now;
        }
        return errc::rate_limited;
    }
    return core::success();
}

core::result<SecondFactorStatus> TwoFactor::status(const Principal& who) {
    SEGNALA_TRY(f, store_.second_factor(who.operator_id));
    return SecondFactorStatus{f.enrolled_at > 0, f.enrolled_at, f.recovery_codes_left};
}

core::result<Enrolment> TwoFactor::start_enrolment(const Principal& who,
                                                   std::string_view qr_label) {
    SEGNALA_TRY(f, store_.second_factor(who.operator_id));
    if (f.enrolled_at > 0) {
        return errc::conflict;
    }
    std::string secret;
    if (!f.secret_sealed.empty()) {
        auto opened = sealer_.open(f.secret_sealed, ad_of(who.operator_id));
        if (opened) {
            secret = std::move(opened).value();
        }
    }
    if (secret.empty()) {
        secret = crypto::new_totp_secret();
        SEGNALA_TRYV(
            store_.set_pending_totp(who.operator_id, sealer_.seal(secret, ad_of(who.operator_id)),
                                    auth_.audit(object_of(who.operator_id), "2fa.enrol_start",
                                                object_of(who.operator_id))));
    }
    Enrolment e;
    e.secret_grouped = grouped(crypto::base32_encode(secret, false), 4, ' ');
    e.uri = crypto::otpauth_uri(kTotpIssuer, who.username, secret);
    SEGNALA_TRY(svg, qr_svg(e.uri, qr_label));
    e.qr_svg = std::move(svg);
    return e;
}

core::result<std::vector<std::string>> TwoFactor::finish_enrolment(const Principal& who,
                                                                   std::string_view code,
                                                                   std::int64_t* retry_after) {
    SEGNALA_TRY(op, store_.get_operator(who.operator_id));
    SEGNALA_TRYV(locked(op, retry_after));
    SEGNALA_TRY(f, store_.second_factor(who.operator_id));
    if (f.enrolled_at > 0) {
        return errc::conflict;
    }
    if (f.secret_sealed.empty()) {
        return errc::not_found;
    }
    SEGNALA_TRY(secret, sealer_.open(f.secret_sealed, ad_of(who.operator_id)));
    const auto step = crypto::verify_totp(secret, code, clock_.now_unix());
    if (!step) {
        auto failed = auth_.record_failure(op, "2fa.enrol_failed", retry_after);
        return failed ? errc::unauthenticated : failed.error();
    }
    std::vector<std::string> codes;
    std::vector<std::string> hashes;
    for (int i = 0; i < kRecoveryCodes; ++i) {
        codes.push_back(new_recovery_code());
        hashes.push_back(code_hash(who.operator_id, normalize_recovery_code(codes.back())));
    }
    nlohmann::json detail = {{"recovery_codes", kRecoveryCodes}};
    SEGNALA_TRYV(store_.complete_totp_enrolment(
        who.operator_id, *step, hashes, who.session_hash, clock_.now_unix(),
        auth_.audit(object_of(who.operator_id), "2fa.enrol", object_of(who.operator_id),
                    detail.dump())));
    return codes;
}

core::result<void> TwoFactor::verify(const Principal& who, std::string_view code,
                                     std::int64_t* retry_after) {
    SEGNALA_TRY(op, store_.get_operator(who.operator_id));
    SEGNALA_TRYV(locked(op, retry_after));
    SEGNALA_TRY(f, store_.second_factor(who.operator_id));
    if (f.enrolled_at == 0) {
        return errc::not_found;
    }
    const std::int64_t now = clock_.now_unix();
    const std::string recovery = normalize_recovery_code(code);
    if (!recovery.empty()) {
        auto used = store_.use_recovery_code(
            who.operator_id, code_hash(who.operator_id, recovery), who.session_hash, now,
            auth_.audit(object_of(who.operator_id), "2fa.recovery_code_used",
                        object_of(who.operator_id),
                        nlohmann::json{{"left", f.recovery_codes_left - 1}}.dump()));
        if (used || used.error() != errc::not_found) {
            return used;
        }
    } else if (auto opened = sealer_.open(f.secret_sealed, ad_of(who.operator_id)); !opened) {
        return opened.error();
    } else if (const auto step = crypto::verify_totp(opened.value(), code, now, f.last_step)) {
        auto accepted = store_.accept_totp_step(
            who.operator_id, *step, who.session_hash, now,
            auth_.audit(object_of(who.operator_id), "2fa.verify", object_of(who.operator_id)));
        if (accepted || accepted.error() != errc::conflict) {
            return accepted;
        }
        // conflict: another request used this step first; counts as a reused code.
    }
    auto failed = auth_.record_failure(op, "2fa.verify_failed", retry_after);
    return failed ? core::result<void>(errc::unauthenticated) : failed;
}

}  // namespace segnala::app
