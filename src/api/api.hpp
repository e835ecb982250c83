// The partner API (JSON over HTTP, /api/v1): report submission with bearer keys,
// idempotency and per-key rate limits, public status lookups, and the OpenAPI document.
// Handlers that read the database run on the worker pool. A submission starts on the I/O
// thread and is answered by the database's writer after its COMMIT, so that no thread waits
// for the disk (it moves to a worker when it might block: see submit_reports).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/problem.hpp"
#include "api/report_request.hpp"
#include "app/api_keys.hpp"
#include "app/client_key.hpp"
#include "app/intake.hpp"
#include "app/rate_limiter.hpp"
#include "core/clock.hpp"
#include "http/message.hpp"

namespace segnala::http {
class Router;
}

namespace segnala::api {

struct ApiSettings {
    std::size_t body_limit = 8 * 1024 * 1024;  ///< POST /api/v1/reports; larger → 413
    std::size_t max_reports = 1000;            ///< per request
};

/// Thread-safe once routed. References must outlive the router.
class Api {
  public:
    Api(app::Intake& intake, app::ApiKeys& keys, const app::ClientKeyer& client_keys,
        app::RateLimiter& limiter, const core::Clock& clock, ApiSettings settings = {});

    /// Registers every API route (routes.cpp: one line each).
    void add_routes(http::Router& router);

  private:
    void submit_reports(http::Request& req, const http::Responder& respond);
    void submit_reports_now(http::Request& req, const http::Responder& respond);
    http::Response report_status(http::Request& req);
    http::Response openapi(http::Request& req);

    /// The key behind the Authorization header, or the 401/503 problem to answer.
    std::variant<app::ApiKey, http::Response> authenticate(const http::Request& req);
    /// The 429 problem, or nothing when this key may go on.
    std::optional<http::Response> limit_key(const app::ApiKey& key);
    /// Authentication, scope reports:write, rate limit and media type of a submission.
    std::variant<app::ApiKey, http::Response> admit_writer(const http::Request& req);
    /// Structural and field errors of every report (pointers into the body); fills `batch`.
    std::vector<ProblemError> validate_reports(ParsedRequest& in,
                                               std::vector<app::Submission>& batch) const;

    app::Intake& intake_;
    app::ApiKeys& keys_;
    const app::ClientKeyer& client_keys_;
    app::RateLimiter& limiter_;
    const core::Clock& clock_;
    ApiSettings settings_;
};

}  // namespace segnala::api
