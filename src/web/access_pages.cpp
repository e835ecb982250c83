#include "web/access_pages.hpp"

#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "http/router.hpp"
#include "web/report_view.hpp"

namespace segnala::web {

using core::errc;

AccessPages::AccessPages(Site& site, app::TwoFactor& two_factor, app::ApiKeys& api_keys)
    : site_(site), two_factor_(two_factor), api_keys_(api_keys) {}

void AccessPages::add_routes(http::Router& r) {
    auto page = [this](http::Response (AccessPages::*fn)(Page&), unsigned flags) {
        return site_.handler([this, fn](Page& p) { return (this->*fn)(p); }, flags);
    };
    r.add("GET", "/backoffice/2fa", page(&AccessPages::second_factor_form, kAllowMfaPending));
    r.add("POST", "/backoffice/2fa", page(&AccessPages::second_factor_submit, kAllowMfaPending));
    r.add("GET", "/backoffice/account", page(&AccessPages::account, kLogin));
    r.add("GET", "/backoffice/admin/operators", page(&AccessPages::operators, kAdmin));
    r.add("POST", "/backoffice/admin/operators", page(&AccessPages::operator_create, kAdmin));
    r.add("POST", "/backoffice/admin/operators/disable",
          page(&AccessPages::operator_disable, kAdmin));
    r.add("POST", "/backoffice/admin/operators/reset-2fa",
          page(&AccessPages::operator_reset_2fa, kAdmin));
    r.add("GET", "/backoffice/admin/apikeys", page(&AccessPages::api_keys, kAdmin));
    r.add("POST", "/backoffice/admin/apikeys", page(&AccessPages::api_key_create, kAdmin));
    r.add("POST", "/backoffice/admin/apikeys/revoke", page(&AccessPages::api_key_revoke, kAdmin));
    r.add("GET", "/backoffice/admin/sessions", page(&AccessPages::sessions, kAdmin));
    r.add("POST", "/backoffice/admin/sessions/end", page(&AccessPages::session_end, kAdmin));
}

std::string AccessPages::actor(const Page& p) const {
    return "operator:" + std::to_string(p.principal->operator_id);
}

// ---- second factor ----

http::Response AccessPages::enrolment_page(Page& p, int status, std::string error_key) {
    const Views& v = site_.views();
    auto e = two_factor_.start_enrolment(
        *p.principal, v.text(p.lang, "tfa_qr_label", {{"username", p.principal->username}}));
    if (!e) {
        if (e.error() == errc::conflict) {
            return code_page(p, status, error_key.empty() ? "" : v.text(p.lang, error_key));
        }
        spdlog::error("2fa enrolment failed: {}", e.error().message());
        return site_.error(p, 503);
    }
    nlohmann::json data = {{"title", v.text(p.lang, "tfa_enrol_title")},
                           {"secret", e.value().secret_grouped},
                           {"qr_svg", e.value().qr_svg}};
    if (!error_key.empty()) {
        data["error"] = error_key.starts_with("tfa_") ? v.text(p.lang, error_key) : error_key;
    }
    return site_.render(p, status, "twofactor_enrol", std::move(data));
}

http::Response AccessPages::code_page(Page& p, int status, std::string error) {
    nlohmann::json data = {{"title", site_.views().text(p.lang, "tfa_code_title")}};
    if (!error.empty()) {
        data["error"] = std::move(error);
    }
    return site_.render(p, status, "twofactor_code", std::move(data));
}

http::Response AccessPages::second_factor_form(Page& p) {
    if (!p.principal->mfa_pending) {
        return http::Response::redirect("/backoffice");
    }
    auto st = two_factor_.status(*p.principal);
    if (!st) {
        spdlog::error("2fa status failed: {}", st.error().message());
        return site_.error(p, 503);
    }
    return st.value().enrolled ? code_page(p, 200, "") : enrolment_page(p, 200, "");
}

http::Response AccessPages::second_factor_submit(Page& p) {
    const Views& v = site_.views();
    if (!p.principal->mfa_pending) {
        return http::Response::redirect("/backoffice");
    }
    const std::string code = p.field("code");
    const std::string next =
        p.principal->must_change_password ? "/backoffice/password" : "/backoffice";
    auto st = two_factor_.status(*p.principal);
    if (!st) {
        spdlog::error("2fa status failed: {}", st.error().message());
        return site_.error(p, 503);
    }
    std::int64_t retry_after = 0;
    auto locked = [&](bool enrolling) {
        const std::string msg =
            v.text(p.lang, "tfa_locked", {{"seconds", std::to_string(retry_after)}});
        auto res = enrolling ? enrolment_page(p, 429, msg) : code_page(p, 429, msg);
        res.headers.set("Retry-After", std::to_string(retry_after));
        return res;
    };
    if (code.empty() || code.size() > 64) {
        return st.value().enrolled ? code_page(p, 422, v.text(p.lang, "tfa_code_required"))
                                   : enrolment_page(p, 422, "tfa_code_required");
    }
    if (!st.value().enrolled) {
        auto codes = two_factor_.finish_enrolment(*p.principal, code, &retry_after);
        if (!codes) {
            if (codes.error() == errc::rate_limited) {
                return locked(true);
            }
            if (codes.error() == errc::unauthenticated || codes.error() == errc::not_found) {
                return enrolment_page(p, 422, "tfa_code_wrong");
            }
            if (codes.error() == errc::conflict) {
                return http::Response::redirect("/backoffice/2fa");
            }
            spdlog::error("2fa enrolment failed: {}", codes.error().message());
            return site_.error(p, 503);
        }
        return site_.render(p, 200, "twofactor_recovery",
                            {{"title", v.text(p.lang, "tfa_recovery_title")},
                             {"codes", codes.value()},
                             {"next", next}});
    }
    auto ok = two_factor_.verify(*p.principal, code, &retry_after);
    if (!ok) {
        if (ok.error() == errc::rate_limited) {
            return locked(false);
        }
        if (ok.error() == errc::unauthenticated) {
            return code_page(p, 422, v.text(p.lang, "tfa_code_wrong"));
        }
        spdlog::error("2fa verification failed: {}", ok.error().message());
        return site_.error(p, 503);
    }
    return http::Response::redirect(next);
}

// ---- account ----

http::Response AccessPages::account(Page& p) {
    const Views& v = site_.views();
    const app::Principal& who = *p.principal;
    auto st = two_factor_.status(who);
    auto mine = site_.auth().sessions(who.operator_id);
    if (!st || !mine) {
        spdlog::error("account page failed");
        return site_.error(p, 503);
    }
    nlohmann::json sessions = nlohmann::json::array();
    for (const auto& a : mine.value()) {
        sessions.push_back({{"started", format_datetime(a.session.created_at, p.lang)},
                            {"last_seen", format_datetime(a.session.last_seen_at, p.lang)},
                            {"user_agent", a.session.user_agent},
                            {"current", a.session.id_hash == who.session_hash}});
    }
    nlohmann::json data = {{"title", v.text(p.lang, "account_title")},
                           {"username", who.username},
                           {"role", v.text(p.lang, "role_" + who.role)},
                           {"csam", who.may_see_csam()},
                           {"tfa_since", format_datetime(st.value().enrolled_at, p.lang)},
                           {"recovery_left", std::to_string(st.value().recovery_codes_left)},
                           {"sessions", sessions}};
    if (p.req.query_param("changed")) {
        data["notice"] = v.text(p.lang, "password_changed");
    }
    return site_.render(p, 200, "account", std::move(data));
}

}  // namespace segnala::web
