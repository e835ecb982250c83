// The back office's queue pages: GET /backoffice (the ranked queue with its filters, the
// ranking explained and each case's age against its triage target), POST
// /backoffice/queue/bulk (take, assign, close as not actionable on a selection) and GET
// /backoffice/overdue (supervisors: overdue untriaged cases by category and operator).
#pragma once

#include "app/queue.hpp"
#include "web/site.hpp"

namespace segnala::http {
class Router;
}

namespace segnala::web {

class QueuePages {
  public:
    QueuePages(Site& site, app::Queue& queue);
    /// Registers the three routes above through the site's page pipeline.
    void add_routes(http::Router& router);

    http::Response queue(Page& p);
    http::Response bulk(Page& p);
    http::Response overdue(Page& p);

  private:
    Site& site_;
    app::Queue& queue_;
};

}  // namespace segnala::web
