// Every route of the partner API, one line each.
#include "api/api.hpp"
#include "http/router.hpp"

namespace segnala::api {

void Api::add_routes(http::Router& router) {
    auto bind = [this](http::Response (Api::*fn)(http::Request&)) {
        return [this, fn](http::Request& req) { return (this->*fn)(req); };
    };
    router.add_async("POST", "/api/v1/reports",
                     [this](http::Request& req, const http::Responder& respond) {
                         submit_reports(req, respond);
                     },
                     {.body_limit = settings_.body_limit, .run_inline = true});
    router.add("GET", "/api/v1/reports/{code}", bind(&Api::report_status));
    router.add("GET", "/api/v1/openapi.json", bind(&Api::openapi), {.run_inline = true});
}

}  // namespace segnala::api
