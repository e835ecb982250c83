// Every page route of the site, one line each: method(s), pattern, handler, flags.
#include "http/router.hpp"
#include "web/site.hpp"

namespace segnala::web {

void Site::add_routes(http::Router& r) {
    r.add("GET", "/", wrap(&Site::home, kPublic));
    r.add("GET", "/privacy", wrap(&Site::privacy, kPublic));
    r.add("GET", "/accessibilita", wrap(&Site::accessibility, kPublic));
    r.add("GET", "/segnala", wrap(&Site::report_form, kPublic));
    r.add("POST", "/segnala", wrap(&Site::report_submit, kPublic),
          {.body_limit = kReportBodyLimit});
    r.add("GET", "/segnala/ricevuta", wrap(&Site::report_receipt, kPublic));
    r.add("GET", "/stato", wrap(&Site::status_page, kPublic));
    r.add("GET", "/altcha/challenge", altcha_challenge_handler(), {.run_inline = true});
    r.add("GET", "/backoffice/login", wrap(&Site::login_form, kPublic));
    r.add("POST", "/backoffice/login", wrap(&Site::login_submit, kPublic));
    r.add("POST", "/backoffice/logout", wrap(&Site::logout, kPublic));
    r.add("POST", "/backoffice/logout-everywhere", wrap(&Site::logout_everywhere, kLogin));
    // GET /backoffice (the queue), POST /backoffice/queue/bulk, GET /backoffice/overdue:
    // QueuePages::add_routes (queue_pages.cpp).
    r.add("GET", "/backoffice/password", wrap(&Site::password_form, kLogin | kAllowMustChange));
    r.add("POST", "/backoffice/password", wrap(&Site::password_submit, kLogin | kAllowMustChange));
}

}  // namespace segnala::web
