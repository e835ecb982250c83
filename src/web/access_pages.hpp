// The back office's access pages: the second factor (GET/POST /backoffice/2fa: enrolment with
// a QR code and recovery codes, or a code), the operator's own account
// (/backoffice/account) and the admin pages for operators, API keys and sessions
// (/backoffice/admin/...). Every change is audited by the use cases it calls.
#pragma once

#include <string>

#include "app/api_keys.hpp"
#include "app/two_factor.hpp"
#include "web/site.hpp"

namespace segnala::http {
class Router;
}

namespace segnala::web {

class AccessPages {
  public:
    AccessPages(Site& site, app::TwoFactor& two_factor, app::ApiKeys& api_keys);
    /// Registers the routes above through the site's page pipeline (admin pages: kAdmin).
    void add_routes(http::Router& router);

    // Second factor and account (access_pages.cpp).
    http::Response second_factor_form(Page& p);
    http::Response second_factor_submit(Page& p);
    http::Response account(Page& p);

    // Administration (access_admin.cpp).
    http::Response operators(Page& p);
    http::Response operator_create(Page& p);
    http::Response operator_disable(Page& p);
    http::Response operator_reset_2fa(Page& p);
    http::Response api_keys(Page& p);
    http::Response api_key_create(Page& p);
    http::Response api_key_revoke(Page& p);
    http::Response sessions(Page& p);
    http::Response session_end(Page& p);

  private:
    http::Response enrolment_page(Page& p, int status, std::string error_key);
    http::Response code_page(Page& p, int status, std::string error);
    /// The operators page with `notice`/`error` (catalog keys) and extra data.
    http::Response operators_page(Page& p, int status, nlohmann::json extra);
    http::Response api_keys_page(Page& p, int status, nlohmann::json extra);
    http::Response sessions_page(Page& p, int status, nlohmann::json extra);
    std::string actor(const Page& p) const;

    Site& site_;
    app::TwoFactor& two_factor_;
    app::ApiKeys& api_keys_;
};

}  // namespace segnala::web
