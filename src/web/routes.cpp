// Every page route of the site, one line each: method(s), pattern, handler, flags.
#include "http/router.hpp"
#include "web/site.hpp"

namespace segnala::web {

void Site::add_routes(http::Router& r) {
    r.add("GET", "/", wrap(&Site::home, kPublic));
    r.add("GET", "/privacy", wrap(&Site::privacy, kPublic));
    r.add("GET", "/accessibilita", wrap(&Site::accessibility, kPublic));
    r.add("GET", "/backoffice/login", wrap(&Site::login_form, kPublic));
    r.add("POST", "/backoffice/login", wrap(&Site::login_submit, kPublic));
    r.add("POST", "/backoffice/logout", wrap(&Site::logout, kPublic));
    r.add("POST", "/backoffice/logout-everywhere", wrap(&Site::logout_everywhere, kLogin));
    r.add("GET", "/backoffice", wrap(&Site::backoffice_home, kLogin));
    r.add("GET", "/backoffice/password", wrap(&Site::password_form, kLogin | kAllowMustChange));
    r.add("POST", "/backoffice/password", wrap(&Site::password_submit, kLogin | kAllowMustChange));
}

}  // namespace segnala::web
