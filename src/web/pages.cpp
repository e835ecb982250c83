// Public pages and operator session pages.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "web/site.hpp"

namespace segnala::web {

using core::errc;

http::Response Site::home(Page& p) {
    return render(p, 200, "home", {{"title", views_.text(p.lang, "home_title")}});
}

http::Response Site::privacy(Page& p) {
    return render(p, 200, p.lang == Lang::en ? "privacy_en" : "privacy_it",
                  {{"title", views_.text(p.lang, "privacy_title")},
                   {"contact_days", settings_.retention_contact_days},
                   {"report_days", settings_.retention_report_days}});
}

std::string Site::privacy_note(Lang lang) const {
    return views_.text(lang, "report_privacy_note",
                       {{"contact_days", std::to_string(settings_.retention_contact_days)},
                        {"report_days", std::to_string(settings_.retention_report_days)}});
}

http::Response Site::accessibility(Page& p) {
    return render(p, 200, p.lang == Lang::en ? "accessibility_en" : "accessibility_it",
                  {{"title", views_.text(p.lang, "accessibility_title")}});
}

http::Response Site::login_form(Page& p) {
    if (p.principal) {
        return http::Response::redirect("/backoffice");
    }
    nlohmann::json data = {{"title", views_.text(p.lang, "login_title")}};
    if (p.req.query_param("bye")) {
        data["notice"] = views_.text(p.lang, "logged_out");
    }
    return render(p, 200, "login", std::move(data));
}

http::Response Site::login_submit(Page& p) {
    const std::string username = p.field("username");
    const std::string password = p.field("password");
    nlohmann::json data = {{"title", views_.text(p.lang, "login_title")}, {"username", username}};
    if (username.empty() || password.empty() || username.size() > 64 || password.size() > 1024) {
        data["error"] = views_.text(p.lang, "login_failed");
        return render(p, 422, "login", std::move(data));
    }
    std::int64_t retry_after = 0;
    auto r = auth_.login(username, password, keys_.key(p.req.client_address), &retry_after,
                         p.req.headers.get("User-Agent").value_or(""));
    if (!r) {
        if (r.error() == errc::rate_limited) {
            data["error"] =
                views_.text(p.lang, "login_locked", {{"seconds", std::to_string(retry_after)}});
            auto res = render(p, 429, "login", std::move(data));
            res.headers.set("Retry-After", std::to_string(retry_after));
            return res;
        }
        if (r.error() == errc::unauthenticated) {
            data["error"] = views_.text(p.lang, "login_failed");
            return render(p, 401, "login", std::move(data));
        }
        spdlog::error("login failed: {}", r.error().message());
        return error(p, 503);
    }
    // A fresh session id on every login: nothing set before it is ever accepted after it.
    p.set_cookies.push_back(cookie(kSessionCookie, r.value().session_token, -1, true, "Strict", p));
    // The session is half-open: the second factor (enrolment or a code) comes next, then
    // the forced password change if due (access_pages.cpp).
    return http::Response::redirect("/backoffice/2fa");
}

http::Response Site::logout(Page& p) {
    if (p.principal) {
        if (auto r = auth_.logout(*p.principal); !r) {
            spdlog::error("logout failed: {}", r.error().message());
            return error(p, 503);
        }
    }
    p.set_cookies.push_back(cookie(kSessionCookie, "", 0, true, "Strict", p));
    return http::Response::redirect("/backoffice/login?bye=1");
}

http::Response Site::logout_everywhere(Page& p) {
    if (auto r = auth_.logout_everywhere(*p.principal); !r) {
        spdlog::error("logout everywhere failed: {}", r.error().message());
        return error(p, 503);
    }
    p.set_cookies.push_back(cookie(kSessionCookie, "", 0, true, "Strict", p));
    return http::Response::redirect("/backoffice/login?bye=1");
}

http::Response Site::password_form(Page& p) {
    return render(p, 200, "password",
                  {{"title", views_.text(p.lang, "password_title")},
                   {"must_change", p.principal->must_change_password}});
}

http::Response Site::password_submit(Page& p) {
    nlohmann::json data = {{"title", views_.text(p.lang, "password_title")},
                           {"must_change", p.principal->must_change_password}};
    const std::string fresh = p.field("new_password");
    if (fresh != p.field("confirm_password")) {
        data["error"] = views_.text(p.lang, "password_mismatch");
        return render(p, 422, "password", std::move(data));
    }
    auto r = auth_.change_password(*p.principal, p.field("current_password"), fresh);
    if (!r) {
        if (r.error() == errc::unauthenticated) {
            data["error"] = views_.text(p.lang, "password_wrong_current");
            return render(p, 422, "password", std::move(data));
        }
        if (r.error() == errc::invalid_argument) {
            data["error"] = views_.text(p.lang, "password_too_weak");
            return render(p, 422, "password", std::move(data));
        }
        spdlog::error("password change failed: {}", r.error().message());
        return error(p, 503);
    }
    return http::Response::redirect("/backoffice?changed=1");
}

}  // namespace segnala::web
