// Admin pages of AccessPages: operators, API keys, sessions. Each form is a POST with _csrf
// (checked by the pipeline); the use cases (app::Auth, app::ApiKeys) audit every change.
#include <charconv>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "web/access_pages.hpp"
#include "web/report_view.hpp"

namespace segnala::web {

using core::errc;

namespace {

nlohmann::json with_message(const Views& v, Lang lang, nlohmann::json extra) {
    if (extra.contains("error_key")) {
        extra["error"] = v.text(lang, extra["error_key"].get<std::string>());
    }
    if (extra.contains("notice_key")) {
        extra["notice"] = v.text(lang, extra["notice_key"].get<std::string>());
    }
    return extra;
}

}  // namespace

// ---- operators ----

http::Response AccessPages::operators_page(Page& p, int status, nlohmann::json extra) {
    const Views& v = site_.views();
    auto ops = site_.auth().list_operators();
    if (!ops) {
        spdlog::error("operators page failed: {}", ops.error().message());
        return site_.error(p, 503);
    }
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& op : ops.value()) {
        rows.push_back({{"username", op.username},
                        {"role", v.text(p.lang, "role_" + op.role)},
                        {"csam", op.permissions.find("csam") != std::string::npos},
                        {"disabled", op.disabled},
                        {"tfa_since", format_datetime(op.totp_enrolled_at, p.lang)},
                        {"tfa", op.totp_enrolled_at > 0},
                        {"self", op.id == p.principal->operator_id},
                        {"last_login", format_datetime(op.last_login_at, p.lang)}});
    }
    nlohmann::json data = with_message(v, p.lang, std::move(extra));
    data["title"] = v.text(p.lang, "admin_operators_title");
    data["operators"] = std::move(rows);
    data["tab_operators"] = true;
    return site_.render(p, status, "admin_operators", std::move(data));
}

http::Response AccessPages::operators(Page& p) {
    return operators_page(p, 200, nlohmann::json::object());
}

http::Response AccessPages::operator_create(Page& p) {
    const std::string username = p.field("username");
    const std::string role = p.field("role");
    const bool csam = p.field("csam") == "1";
    nlohmann::json form = {{"form_username", username}};
    if (!app::is_valid_username(username)) {
        form["error_key"] = "admin_username_invalid";
        return operators_page(p, 422, std::move(form));
    }
    if (!app::is_valid_role(role)) {
        form["error_key"] = "admin_role_invalid";
        return operators_page(p, 422, std::move(form));
    }
    auto r = site_.auth().add_operator(actor(p), username, role, csam ? "csam" : "");
    if (!r) {
        if (r.error() == errc::conflict) {
            form["error_key"] = "admin_username_taken";
            return operators_page(p, 422, std::move(form));
        }
        spdlog::error("operator creation failed: {}", r.error().message());
        return site_.error(p, 503);
    }
    // The one-time password is shown once, in this response only (never stored in clear).
    return operators_page(p, 200,
                          {{"created_username", username},
                           {"created_password", r.value().one_time_password},
                           {"notice_key", "admin_operator_created"}});
}

http::Response AccessPages::operator_disable(Page& p) {
    const std::string username = p.field("username");
    const std::string disable = p.field("disabled");
    if (disable != "0" && disable != "1") {
        return operators_page(p, 422, {{"error_key", "admin_bad_request"}});
    }
    if (username == p.principal->username) {
        return operators_page(p, 422, {{"error_key", "admin_not_yourself"}});
    }
    auto r = site_.auth().set_disabled(actor(p), username, disable == "1");
    if (!r) {
        if (r.error() == errc::not_found) {
            return operators_page(p, 404, {{"error_key", "admin_no_such_operator"}});
        }
        spdlog::error("operator disable failed: {}", r.error().message());
        return site_.error(p, 503);
    }
    return operators_page(p, 200,
                          {{"notice_key", disable == "1" ? "admin_disabled" : "admin_enabled"}});
}

http::Response AccessPages::operator_reset_2fa(Page& p) {
    const std::string username = p.field("username");
    if (username == p.principal->username) {
        return operators_page(p, 422, {{"error_key", "admin_not_yourself"}});
    }
    auto r = site_.auth().reset_second_factor(actor(p), username);
    if (!r) {
        if (r.error() == errc::not_found) {
            return operators_page(p, 404, {{"error_key", "admin_no_such_operator"}});
        }
        spdlog::error("2fa reset failed: {}", r.error().message());
        return site_.error(p, 503);
    }
    return operators_page(p, 200, {{"notice_key", "admin_2fa_reset"}});
}

// ---- API keys ----

http::Response AccessPages::api_keys_page(Page& p, int status, nlohmann::json extra) {
    const Views& v = site_.views();
    auto keys = api_keys_.list();
    if (!keys) {
        spdlog::error("api keys page failed: {}", keys.error().message());
        return site_.error(p, 503);
    }
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& k : keys.value()) {
        rows.push_back({{"name", k.name},
                        {"prefix", k.prefix},
                        {"scopes", k.scopes},
                        {"rate_limit", std::to_string(k.rate_limit)},
                        {"created", format_datetime(k.created_at, p.lang)},
                        {"revoked", format_datetime(k.revoked_at, p.lang)},
                        {"active", k.revoked_at == 0}});
    }
    nlohmann::json scopes = nlohmann::json::array();
    for (const char* s : app::kApiScopes) {
        scopes.push_back(s);
    }
    nlohmann::json data = with_message(v, p.lang, std::move(extra));
    data["title"] = v.text(p.lang, "admin_apikeys_title");
    data["keys"] = std::move(rows);
    data["scopes"] = std::move(scopes);
    return site_.render(p, status, "admin_apikeys", std::move(data));
}

http::Response AccessPages::api_keys(Page& p) {
    return api_keys_page(p, 200, nlohmann::json::object());
}

http::Response AccessPages::api_key_create(Page& p) {
    const std::string name = p.field("name");
    const std::string rate = p.field("rate_limit");
    std::vector<std::string> scopes;
    for (const auto& [k, v] : p.form) {
        if (k == "scope") {
            scopes.push_back(v);
        }
    }
    int rate_limit = 0;
    const auto [end, ec] = std::from_chars(rate.data(), rate.data() + rate.size(), rate_limit);
    nlohmann::json form = {{"form_name", name}};
    if (rate.empty() || ec != std::errc() || end != rate.data() + rate.size() || rate_limit < 0 ||
        rate_limit > 100000) {
        form["error_key"] = "admin_rate_invalid";
        return api_keys_page(p, 422, std::move(form));
    }
    if (!app::is_valid_api_key_name(name)) {
        form["error_key"] = "admin_key_name_invalid";
        return api_keys_page(p, 422, std::move(form));
    }
    if (scopes.empty() || !std::all_of(scopes.begin(), scopes.end(), [](const std::string& s) {
            return app::is_valid_api_scope(s);
        })) {
        form["error_key"] = "admin_scope_invalid";
        return api_keys_page(p, 422, std::move(form));
    }
    auto r = api_keys_.create(actor(p), name, scopes, rate_limit);
    if (!r) {
        if (r.error() == errc::conflict) {
            form["error_key"] = "admin_key_name_taken";
            return api_keys_page(p, 422, std::move(form));
        }
        if (r.error() == errc::invalid_argument) {
            form["error_key"] = "admin_bad_request";
            return api_keys_page(p, 422, std::move(form));
        }
        spdlog::error("api key creation failed: {}", r.error().message());
        return site_.error(p, 503);
    }
    return api_keys_page(p, 200,
                         {{"created_name", name},
                          {"created_secret", r.value().secret},
                          {"notice_key", "admin_key_created_notice"}});
}

http::Response AccessPages::api_key_revoke(Page& p) {
    auto r = api_keys_.revoke(actor(p), p.field("name"));
    if (!r) {
        if (r.error() == errc::not_found) {
            return api_keys_page(p, 404, {{"error_key", "admin_no_such_key"}});
        }
        spdlog::error("api key revocation failed: {}", r.error().message());
        return site_.error(p, 503);
    }
    return api_keys_page(p, 200, {{"notice_key", "admin_key_revoked_notice"}});
}

// ---- sessions ----

http::Response AccessPages::sessions_page(Page& p, int status, nlohmann::json extra) {
    const Views& v = site_.views();
    auto all = site_.auth().sessions(0);
    if (!all) {
        spdlog::error("sessions page failed: {}", all.error().message());
        return site_.error(p, 503);
    }
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& a : all.value()) {
        rows.push_back({{"username", a.username},
                        {"started", format_datetime(a.session.created_at, p.lang)},
                        {"last_seen", format_datetime(a.session.last_seen_at, p.lang)},
                        {"user_agent", a.session.user_agent},
                        {"pending", a.session.mfa_at == 0},
                        {"id", a.session.id_hash},
                        {"current", a.session.id_hash == p.principal->session_hash}});
    }
    nlohmann::json data = with_message(v, p.lang, std::move(extra));
    data["title"] = v.text(p.lang, "admin_sessions_title");
    data["sessions"] = std::move(rows);
    return site_.render(p, status, "admin_sessions", std::move(data));
}

http::Response AccessPages::sessions(Page& p) {
    return sessions_page(p, 200, nlohmann::json::object());
}

http::Response AccessPages::session_end(Page& p) {
    auto r = site_.auth().end_session(actor(p), p.field("session"));
    if (!r) {
        if (r.error() == errc::not_found) {
            return sessions_page(p, 404, {{"error_key", "admin_no_such_session"}});
        }
        spdlog::error("session end failed: {}", r.error().message());
        return site_.error(p, 503);
    }
    return sessions_page(p, 200, {{"notice_key", "admin_session_ended"}});
}

}  // namespace segnala::web
