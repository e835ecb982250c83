// Supervisors' oversight pages: GET /backoffice/audit (the audit log, filtered and paged, with
// the chain check on demand), GET /backoffice/audit.csv, GET /backoffice/dashboard (figures,
// a uPlot chart drawn by web/static/js/dashboard.js and the same numbers as tables) and
// GET /backoffice/dashboard/{table}.csv. All need the supervisor role; all are audited.
#pragma once

#include "app/oversight.hpp"
#include "web/site.hpp"

namespace segnala::http {
class Router;
}

namespace segnala::web {

class OversightPages {
  public:
    OversightPages(Site& site, app::Oversight& oversight);
    /// Registers the four routes above through the site's page pipeline (kSupervisor).
    void add_routes(http::Router& router);

    http::Response audit(Page& p);
    http::Response audit_csv(Page& p);
    http::Response dashboard(Page& p);
    http::Response dashboard_csv(Page& p);

  private:
    Site& site_;
    app::Oversight& oversight_;
};

/// A CSV download: text/csv, attachment with `filename`, never cached.
http::Response csv_response(std::string body, std::string_view filename);

}  // namespace segnala::web
