#include "web/site.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "http/codec.hpp"
#include "http/cookie.hpp"
#include "http/multipart.hpp"

namespace segnala::web {

using core::errc;

namespace {

bool is_unsafe(std::string_view method) {
    return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool plausible_token(std::string_view t) {
    return t.size() >= 32 && t.size() <= 64 && std::all_of(t.begin(), t.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
           });
}

}  // namespace

std::string Page::field(std::string_view name) const {
    for (const auto& [k, v] : form) {
        if (k == name) {
            return v;
        }
    }
    return {};
}

std::string url_encode(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

std::optional<std::string> request_cookie(const http::Request& req, std::string_view name) {
    for (auto header : req.headers.get_all("Cookie")) {
        if (auto v = http::find_cookie(header, name)) {
            return v;
        }
    }
    return std::nullopt;
}

Lang pick_language(const http::Request& req) {
    if (auto q = req.query_param("lang")) {
        if (*q == "en")
            return Lang::en;
        if (*q == "it")
            return Lang::it;
    }
    if (auto c = request_cookie(req, kLangCookie)) {
        if (*c == "en")
            return Lang::en;
        if (*c == "it")
            return Lang::it;
    }
    if (auto al = req.headers.get("Accept-Language")) {
        // The first language listed that we speak wins (browsers list by preference).
        std::string_view s = *al;
        while (!s.empty()) {
            auto comma = s.find(',');
            std::string_view item = s.substr(0, comma);
            while (!item.empty() && item.front() == ' ')
                item.remove_prefix(1);
            std::string tag(item.substr(0, std::min<std::size_t>(2, item.size())));
            std::transform(tag.begin(), tag.end(), tag.begin(), ::tolower);
            if (tag == "it")
                return Lang::it;
            if (tag == "en")
                return Lang::en;
            if (comma == std::string_view::npos)
                break;
            s.remove_prefix(comma + 1);
        }
    }
    return Lang::it;
}

Site::Site(app::Auth& auth, const app::ClientKeyer& keys, const app::Signer& receipts,
           const Views& views, SiteSettings settings, app::Intake* intake, app::Altcha* altcha,
           app::WebLimits* limits)
    : auth_(auth),
      intake_(intake),
      altcha_(altcha),
      limits_(limits),
      keys_(keys),
      receipts_(receipts),
      views_(views),
      settings_(settings) {}

std::string Site::cookie(std::string_view name, std::string_view value, long max_age,
                         bool http_only, std::string_view same_site, const Page& p,
                         std::string_view path) const {
    http::SetCookie c;
    c.name = std::string(name);
    c.value = std::string(value);
    c.path = std::string(path);
    if (max_age >= 0) {
        c.max_age = max_age;
    }
    c.http_only = http_only;
    c.secure = p.req.secure || settings_.force_secure_cookies;
    c.same_site = same_site == "Strict" ? http::SameSite::strict : http::SameSite::lax;
    // Names and values here are ours (tokens, "it"/"en", base64url), so formatting cannot fail.
    return http::format_set_cookie(c).value();
}

http::Response Site::render(Page& p, int status, std::string_view view, nlohmann::json data) const {
    if (!data.contains("title")) {
        data["title"] = views_.text(p.lang, "service_tagline");
    }
    data["csrf"] = p.csrf;
    if (p.principal) {
        const auto& who = *p.principal;
        // `ready`: past the second factor and the forced password change, so the back-office
        // navigation is shown.
        data["principal"] = {{"username", who.username},
                             {"role", who.role},
                             {"ready", !who.mfa_pending && !who.must_change_password},
                             {"analyst", who.at_least("analyst")},
                             {"supervisor", who.at_least("supervisor")},
                             {"admin", who.at_least("admin")}};
    }
    // The language switch keeps the current path and sets the other language.
    const bool en = p.lang == Lang::en;
    data["switch_lang"] = en ? "it" : "en";
    data["switch_href"] = p.req.raw_path + (en ? "?lang=it" : "?lang=en");
    return http::Response::html(status, views_.page(view, p.lang, std::move(data)));
}

http::Response Site::error(Page& p, int status, std::string_view message_key) const {
    const std::string key =
        message_key.empty() ? "error_" + std::to_string(status) : std::string(message_key);
    nlohmann::json data = {{"title", views_.text(p.lang, "error_title")},
                           {"status", std::to_string(status)},
                           {"message", views_.text(p.lang, key)},
                           {"request_id", status >= 500 ? p.req.request_id : ""}};
    return render(p, status, "error", std::move(data));
}

http::Response Site::error_page(http::Request& req, int status) const {
    Page p(req);
    p.lang = pick_language(req);
    http::Response r = error(p, status);
    r.headers.set("Cache-Control", "no-store");
    return r;
}

std::optional<http::Response> Site::read_body(Page& p) const {
    const std::string_view type = p.req.headers.get("Content-Type").value_or("");
    auto boundary = http::multipart_boundary(type);
    if (!boundary) {
        if (boundary.error() != errc::unsupported_media_type) {
            return error(p, 400);
        }
        auto form = http::parse_form_urlencoded(p.req.body, 200);
        if (!form) {
            return error(p, 400);
        }
        p.form = std::move(form).value();
        return std::nullopt;
    }
    // Sizes of single files are the use case's to judge (a field error, with the form kept):
    // the parser only bounds the whole body, which the route's body limit already did.
    http::MultipartLimits limits;
    limits.max_parts = 64;
    limits.max_files = 32;
    limits.max_file_bytes = kReportBodyLimit;
    limits.max_total_bytes = kReportBodyLimit;
    auto parts = http::parse_multipart(p.req.body, boundary.value(), limits);
    if (!parts) {
        return error(p, parts.error() == errc::too_large ? 413 : 400);
    }
    for (auto& part : parts.value()) {
        if (part.is_file) {
            p.files.push_back(std::move(part));
        } else {
            p.form.emplace_back(std::move(part.name), std::move(part.data));
        }
    }
    p.req.body.clear();
    return std::nullopt;
}

http::Handler Site::wrap(PageFn fn, unsigned flags) {
    return handler([this, fn](Page& p) { return (this->*fn)(p); }, flags);
}

http::Handler Site::handler(PageHandler fn, unsigned flags) {
    if ((flags & (kAnalyst | kSupervisor | kAdmin)) != 0) {
        flags |= kLogin;
    }
    const char* min_role = (flags & kAdmin) != 0        ? "admin"
                           : (flags & kSupervisor) != 0 ? "supervisor"
                           : (flags & kAnalyst) != 0    ? "analyst"
                                                        : "operator";
    return [this, fn = std::move(fn), flags, min_role](http::Request& req) -> http::Response {
        Page p(req);
        p.lang = pick_language(req);
        if (auto q = req.query_param("lang"); q && (*q == "it" || *q == "en")) {
            p.set_cookies.push_back(cookie(kLangCookie, *q, 365L * 24 * 3600, false, "Lax", p));
        }

        if (auto token = request_cookie(req, kSessionCookie)) {
            auto who = auth_.authenticate(*token);
            if (who) {
                p.principal = std::move(who).value();
            } else if (who.error() != errc::unauthenticated) {
                spdlog::error("session lookup failed: {}", who.error().message());
                return error(p, 503);
            } else {
                p.set_cookies.push_back(cookie(kSessionCookie, "", 0, true, "Strict", p));
            }
        }
        if (p.principal) {
            p.csrf = p.principal->csrf_token;
        } else if (auto c = request_cookie(req, kCsrfCookie); c && plausible_token(*c)) {
            p.csrf = *c;
        } else {
            p.csrf = app::random_token(32);
            p.set_cookies.push_back(cookie(kCsrfCookie, p.csrf, -1, true, "Strict", p));
        }

        std::optional<http::Response> refused;
        if (is_unsafe(req.method)) {
            refused = read_body(p);
            if (!refused) {
                const std::string sent = p.field("_csrf");
                if (sent.empty() || !app::secure_equal(sent, p.csrf)) {
                    refused = error(p, 403);
                }
            }
        }
        http::Response res;
        if (refused) {
            res = std::move(*refused);
        } else {
            const bool login = (flags & kLogin) != 0 || (flags & kAllowMfaPending) != 0;
            if (login && !p.principal) {
                res = http::Response::redirect("/backoffice/login");
            } else if (login && p.principal->mfa_pending && (flags & kAllowMfaPending) == 0) {
                res = http::Response::redirect("/backoffice/2fa");
            } else if (login && p.principal->must_change_password &&
                       (flags & (kAllowMustChange | kAllowMfaPending)) == 0) {
                res = http::Response::redirect("/backoffice/password");
            } else if (login && !p.principal->at_least(min_role)) {
                res = error(p, 403, "error_role");
            } else {
                res = fn(p);
            }
        }
        for (auto& c : p.set_cookies) {
            res.headers.add("Set-Cookie", std::move(c));
        }
        if (!res.headers.contains("Cache-Control")) {
            res.headers.set("Cache-Control",
                            (flags & kLogin) != 0 || p.principal ? "no-store" : "no-cache");
        }
        res.headers.set("Vary", "Accept-Language, Cookie");
        return res;
    };
}

}  // namespace segnala::web
