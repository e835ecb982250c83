// The HTML site: the page pipeline (language, session, CSRF, error pages) and the pages.
// Routes are listed in one table in routes.cpp.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/auth.hpp"
#include "app/client_key.hpp"
#include "app/intake.hpp"
#include "app/signer.hpp"
#include "app/web_limits.hpp"
#include "http/message.hpp"
#include "http/multipart.hpp"
#include "web/views.hpp"

namespace segnala::http {
class Router;
}
namespace segnala::app {
class Altcha;
}

namespace segnala::web {

struct ReportFields;  // report_view.hpp

struct SiteSettings {
    /// Send cookies with `Secure` even when the request did not say it came over TLS.
    bool force_secure_cookies = false;
    /// The retention policy (app::RetentionPolicy), stated on the privacy notice and the form.
    int retention_contact_days = 180;
    int retention_report_days = 730;
};

/// What a page handler sees: the request plus the resolved language, operator and CSRF token.
struct Page {
    explicit Page(http::Request& r) : req(r) {}

    http::Request& req;
    Lang lang = Lang::it;
    std::optional<app::Principal> principal;
    std::string csrf;                                       ///< token to embed in forms as `_csrf`
    std::vector<std::pair<std::string, std::string>> form;  ///< decoded body of a POST
    std::vector<http::Part> files;         ///< file parts of a multipart/form-data POST
    std::vector<std::string> set_cookies;  ///< extra Set-Cookie values

    std::string field(std::string_view name) const;
};

enum PageFlags : unsigned {
    kPublic = 0,
    kLogin = 1u << 0,            ///< requires an operator session (second factor done)
    kAllowMustChange = 1u << 1,  ///< reachable before the first password change
    kAllowMfaPending = 1u << 2,  ///< reachable after the password, before the second factor
    // The least role a page needs (implies kLogin); a lower role gets 403.
    kAnalyst = 1u << 3,
    kSupervisor = 1u << 4,
    kAdmin = 1u << 5,
};

using PageHandler = std::function<http::Response(Page&)>;

class Site {
  public:
    /// `intake`, `altcha` and `limits` may be null in tests of the operator pages (the public
    /// reporting pages then answer 503; without `altcha` every report is unverified).
    /// `receipts` signs the receipt cookie, so that the receipt page shows only what this
    /// server wrote.
    Site(app::Auth& auth, const app::ClientKeyer& keys, const app::Signer& receipts,
         const Views& views, SiteSettings settings, app::Intake* intake = nullptr,
         app::Altcha* altcha = nullptr, app::WebLimits* limits = nullptr);

    /// Registers every page route (routes.cpp).
    void add_routes(http::Router& router);
    /// An HTML error page in the request's language (used for 404/405 and by handlers).
    http::Response error_page(http::Request& req, int status) const;

    // For the page classes of each area of the back office (their own files), which register
    // their routes through this pipeline: language, session, second factor, role, CSRF on
    // every unsafe request, body decoding, cache headers.
    http::Handler handler(PageHandler fn, unsigned flags);
    /// Renders `view` in the layout; `data` gains csrf, principal, the language switch.
    http::Response render(Page& p, int status, std::string_view view, nlohmann::json data) const;
    /// The form's privacy note with the retention periods filled in.
    std::string privacy_note(Lang lang) const;
    /// The HTML error page for `status` (403, 404, 422, 503…), with the catalog message
    /// `message_key` instead of the status's own when given.
    http::Response error(Page& p, int status, std::string_view message_key = {}) const;
    std::string cookie(std::string_view name, std::string_view value, long max_age, bool http_only,
                       std::string_view same_site, const Page& p,
                       std::string_view path = "/") const;
    const Views& views() const { return views_; }
    app::Auth& auth() { return auth_; }
    const app::ClientKeyer& client_keys() const { return keys_; }

  private:
    using PageFn = http::Response (Site::*)(Page&);
    http::Handler wrap(PageFn fn, unsigned flags);
    /// Fills p.form (and p.files for multipart bodies) from an unsafe request's body; a
    /// response when the body is refused (400 malformed, 413 too large).
    std::optional<http::Response> read_body(Page& p) const;

    // Pages (pages.cpp, backoffice.cpp).
    http::Response home(Page& p);
    http::Response privacy(Page& p);
    http::Response accessibility(Page& p);
    http::Response login_form(Page& p);
    http::Response login_submit(Page& p);
    http::Response logout(Page& p);
    http::Response logout_everywhere(Page& p);
    http::Response password_form(Page& p);
    http::Response password_submit(Page& p);

    // Public reporting pages (report_pages.cpp).
    http::Response report_form(Page& p);
    http::Response report_submit(Page& p);
    http::Response report_receipt(Page& p);
    http::Response status_page(Page& p);
    bool altcha_verified(const Page& p) const;
    /// GET /altcha/challenge: a fresh proof-of-work challenge (JSON, never cached).
    http::Handler altcha_challenge_handler() const;
    /// The reporting form (fresh, or kept with its errors or its limit message) with the fields
    /// every rendering needs (proof of work, privacy note), never cached.
    http::Response render_report_form(Page& p, int status, nlohmann::json data,
                                      std::int64_t retry_after) const;
    /// The per-client report limit (stricter without a valid proof of work): a 429 page with
    /// the form kept when it is reached, 503 when it cannot be checked. `count`: record this
    /// report (else only look).
    std::optional<http::Response> report_limit(Page& p, const ReportFields& f,
                                               const std::vector<std::string>& names, bool verified,
                                               bool count) const;

    app::Auth& auth_;
    app::Intake* intake_ = nullptr;
    app::Altcha* altcha_ = nullptr;
    app::WebLimits* limits_ = nullptr;
    const app::ClientKeyer& keys_;
    const app::Signer& receipts_;
    const Views& views_;
    SiteSettings settings_;
};

/// Picks the language: `?lang=`, then the `lang` cookie, then Accept-Language; Italian by default.
Lang pick_language(const http::Request& req);
/// Percent-encodes everything but RFC 3986 unreserved characters (for query strings in links).
std::string url_encode(std::string_view s);
/// The value of cookie `name` sent with the request, if any.
std::optional<std::string> request_cookie(const http::Request& req, std::string_view name);

inline constexpr const char* kSessionCookie = "segnala_session";
inline constexpr const char* kCsrfCookie = "segnala_csrf";
inline constexpr const char* kLangCookie = "lang";
inline constexpr const char* kReceiptCookie = "segnala_receipt";
/// Largest body of the reporting form: five 5 MiB screenshots and the text fields.
inline constexpr std::size_t kReportBodyLimit = 27 * 1024 * 1024;

}  // namespace segnala::web
