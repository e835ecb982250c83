// Every route of the partner API, one line each.
#include "api/api.hpp"
#include "http/router.hpp"

namespace segnala::api {

void Api::add_routes(http::Router& router) {
    auto bind = [this](http::Response (Api::*fn)(http::Request&)) {
        return [this, fn](http::Request& req) { return (this->*fn)(req); };
    };
    router.add("POST", "/api/v1/reports", bind(&Api::submit_reports),
               {.body_limit = settings_.body_limit});
    router.add("GET", "/api/v1/reports/{code}", bind(&Api::report_status));
    router.add("GET", "/api/v1/openapi.json", bind(&Api::openapi), {.run_inline = true});
}

}  // namespace segnala::api
