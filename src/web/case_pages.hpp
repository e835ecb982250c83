// The back office's case pages: GET /backoffice/cases/{id} (the case file: reports unsealed
// and audited, history, notes, related cases, evidence blurred), its actions (POST
// .../action, reveal, notes, merge, unmerge, link, split), GET /backoffice/api/cases/{id}
// (JSON for scripts), the evidence routes under /backoffice/evidence/{id}/ and GET
// /backoffice/wellbeing (supervisors: exposure figures). CSAM cases answer 404 on every route
// to operators without the csam permission.
#pragma once

#include "app/cases.hpp"
#include "web/site.hpp"

namespace segnala::http {
class Router;
}

namespace segnala::web {

class CasePages {
  public:
    CasePages(Site& site, app::Cases& cases);
    /// Registers the routes above through the site's page pipeline.
    void add_routes(http::Router& router);

    http::Response show(Page& p);
    http::Response api(Page& p);
    http::Response action(Page& p);
    http::Response reveal(Page& p);
    http::Response note(Page& p);
    http::Response merge(Page& p);
    http::Response unmerge(Page& p);
    http::Response link(Page& p);
    http::Response split(Page& p);
    http::Response evidence(Page& p, app::EvidenceKind kind);
    http::Response evidence_reveal(Page& p);
    http::Response wellbeing(Page& p);

  private:
    /// The case page with `status` (200, or 422 with the field errors listed).
    http::Response render_case(Page& p, std::int64_t id, int status,
                               const std::vector<app::FieldError>& errors = {});
    /// Turns an action's outcome into a redirect (done), the page with errors, or an error page.
    http::Response after(Page& p, std::int64_t id, const app::Outcome& outcome,
                         std::string_view done, std::int64_t redirect_to = 0);
    http::Response failure(Page& p, const boost::system::error_code& e);

    Site& site_;
    app::Cases& cases_;
};

}  // namespace segnala::web
