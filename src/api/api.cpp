#include "api/api.hpp"

#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/problem.hpp"
#include "api/report_request.hpp"
#include "api/wire.hpp"

namespace segnala::api {

using core::errc;
using nlohmann::json;

namespace {

constexpr const char* kRealm = "Bearer realm=\"segnala\"";

std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

http::Response unauthorized(bool had_credentials) {
    auto r = problem_response(401, "unauthenticated", "Unauthorized",
                              had_credentials ? "The API key is unknown or revoked."
                                              : "Send an API key: 'Authorization: Bearer <key>'.");
    r.headers.set("WWW-Authenticate",
                  had_credentials ? std::string(kRealm) + ", error=\"invalid_token\"" : kRealm);
    return r;
}

http::Response unavailable(std::string_view what, const http::Request& req,
                           const boost::system::error_code& ec) {
    spdlog::warn("api: {} failed (request {}): {}", what, req.request_id, ec.message());
    auto r = problem_response(503, "unavailable", "Service unavailable",
                              "Temporarily unable to serve the request; retry shortly.");
    r.headers.set("Retry-After", "1");
    return r;
}

http::Response too_many(std::int64_t retry_after, std::string_view detail) {
    auto r = problem_response(429, "rate-limited", "Too many requests", std::string(detail));
    r.headers.set("Retry-After", std::to_string(retry_after));
    return r;
}

json receipt_json(const app::Receipt& r) {
    return {{"code", r.code},
            {"status", core::to_string(r.status)},
            {"case", r.case_id > 0 ? json(r.case_id) : json(nullptr)}};
}

}  // namespace

Api::Api(app::Intake& intake, app::ApiKeys& keys, const app::ClientKeyer& client_keys,
         app::RateLimiter& limiter, const core::Clock& clock, ApiSettings settings)
    : intake_(intake),
      keys_(keys),
      client_keys_(client_keys),
      limiter_(limiter),
      clock_(clock),
      settings_(settings) {}

std::variant<app::ApiKey, http::Response> Api::authenticate(const http::Request& req) {
    const bool had_header = req.headers.contains("Authorization");
    const std::string_view secret = bearer_token(req);
    if (secret.empty()) {
        return unauthorized(had_header);
    }
    auto key = keys_.authenticate(secret);
    if (!key) {
        if (key.error() == errc::unauthenticated) {
            return unauthorized(true);
        }
        return unavailable("key lookup", req, key.error());
    }
    return std::move(key).value();
}

std::optional<http::Response> Api::limit_key(const app::ApiKey& key) {
    const auto d = limiter_.allow_key(key.id, key.rate_limit);
    if (d.allowed) {
        return std::nullopt;
    }
    return too_many(d.retry_after,
                    fmt::format("This key may send {} requests per second.", key.rate_limit));
}

std::variant<app::ApiKey, http::Response> Api::admit_writer(const http::Request& req) {
    auto who = authenticate(req);
    if (std::holds_alternative<http::Response>(who)) {
        return who;
    }
    const app::ApiKey& key = std::get<app::ApiKey>(who);
    if (!app::has_scope(key, app::kScopeReportsWrite)) {
        auto r = problem_response(403, "forbidden", "Forbidden",
                                  "This key lacks the scope reports:write.");
        r.headers.set(
            "WWW-Authenticate",
            std::string(kRealm) + ", error=\"insufficient_scope\", scope=\"reports:write\"");
        return r;
    }
    if (auto refused = limit_key(key)) {
        return std::move(*refused);
    }
    if (!is_json_media_type(req.headers.get("Content-Type"))) {
        return problem_response(415, "unsupported-media-type", "Unsupported media type",
                                "Send the reports as Content-Type: application/json.");
    }
    return who;
}

std::vector<ProblemError> Api::validate_reports(ParsedRequest& in,
                                                std::vector<app::Submission>& batch) const {
    std::vector<ProblemError> errors;
    for (auto& e : in.errors) {
        errors.push_back({std::move(e.pointer), std::move(e.code)});
    }
    batch.resize(in.reports.size());
    for (std::size_t i = 0; i < in.reports.size(); ++i) {
        if (in.report_has_errors[i]) {
            continue;  // its structure is wrong: field rules would only add noise
        }
        const std::string base = in.is_array ? "/" + std::to_string(i) : "";
        for (auto& fe : intake_.validate(in.reports[i], batch[i])) {
            errors.push_back({base + (fe.field.empty() ? "" : "/" + fe.field), std::move(fe.code)});
        }
    }
    return errors;
}

namespace {
// Up to this size a submission is parsed, validated and sealed on the I/O thread (tens of
// microseconds); a larger one (up to 1,000 reports) goes to a worker.
constexpr std::size_t kInlineBodyBytes = 16 * 1024;
}  // namespace

void Api::submit_reports(http::Request& req, const http::Responder& respond) {
    // Inline only when nothing below can block: the key is remembered (no lookup), the body is
    // small, and the database queues writes (SQLite's writer; PostgreSQL writes here).
    const bool inline_ok = req.body.size() <= kInlineBodyBytes && intake_.async_writes() &&
                           keys_.authenticate_cached(bearer_token(req)).has_value();
    if (!inline_ok) {
        respond.offload([this, &req, respond] { submit_reports_now(req, respond); });
        return;
    }
    submit_reports_now(req, respond);
}

void Api::submit_reports_now(http::Request& req, const http::Responder& respond) {
    auto who = admit_writer(req);
    if (auto* refused = std::get_if<http::Response>(&who)) {
        respond(std::move(*refused));
        return;
    }
    const app::ApiKey& key = std::get<app::ApiKey>(who);
    const auto idempotency_key = req.headers.get("Idempotency-Key").value_or("");
    if (req.headers.contains("Idempotency-Key") && !is_valid_idempotency_key(idempotency_key)) {
        respond(problem_response(400, "bad-idempotency-key", "Bad Idempotency-Key",
                                 "Idempotency-Key must be 1 to 255 visible ASCII characters."));
        return;
    }
    auto parsed = parse_report_request(req.body, {.max_reports = settings_.max_reports});
    if (!parsed) {
        respond(problem_response(
            400, "malformed-json", "Malformed JSON",
            "The body is not well-formed JSON (UTF-8, nesting depth at most 16)."));
        return;
    }
    std::vector<app::Submission> batch;
    if (auto errors = validate_reports(parsed.value(), batch); !errors.empty()) {
        respond(problem_response(422, "validation", "Invalid reports",
                                 "Nothing was stored: correct the fields listed in errors.",
                                 std::move(errors)));
        return;
    }

    app::SubmitContext ctx;
    ctx.channel = core::Channel::api;
    ctx.verified = true;
    ctx.api_key_id = key.id;
    const bool is_array = parsed.value().is_array;
    auto render = [is_array](const std::vector<app::Receipt>& receipts) {
        json out = json::array();
        for (const auto& r : receipts) {
            out.push_back(receipt_json(r));
        }
        return dump(is_array || out.empty() ? out : out[0]);
    };
    // Runs on the writer after the COMMIT (or here, with PostgreSQL): builds the answer and
    // hands it to the connection. `req` is valid until respond() is called.
    auto done = [&req, respond](core::result<app::BatchResult> stored) {
        if (!stored) {
            if (stored.error() == errc::conflict) {
                respond(problem_response(409, "idempotency-conflict", "Idempotency key reused",
                                         "This Idempotency-Key was used with a different body."));
            } else {
                respond(unavailable("submit", req, stored.error()));
            }
            return;
        }
        auto r = http::Response::json(201, std::move(stored.value().response));
        r.headers.set("Cache-Control", "no-store");
        if (stored.value().replayed) {
            r.headers.set("Idempotent-Replayed", "true");
        }
        respond(std::move(r));
    };
    intake_.submit_batch_async(
        std::move(batch), std::move(ctx), std::string(idempotency_key),
        idempotency_key.empty() ? std::string() : app::request_fingerprint(req.body),
        std::move(render), std::move(done));
}

http::Response Api::report_status(http::Request& req) {
    if (req.headers.contains("Authorization")) {
        auto who = authenticate(req);
        if (auto* refused = std::get_if<http::Response>(&who)) {
            return std::move(*refused);
        }
        if (auto refused = limit_key(std::get<app::ApiKey>(who))) {
            return std::move(*refused);
        }
    } else {
        auto d = limiter_.allow_client_lookup(client_keys_.key(req.client_address));
        if (!d) {
            return unavailable("lookup throttle", req, d.error());
        }
        if (!d.value().allowed) {
            return too_many(d.value().retry_after,
                            "Too many status lookups from this client; partners use their key.");
        }
    }
    const std::string code(req.param("code"));
    auto st = intake_.status(code);
    if (!st) {
        if (st.error() == errc::not_found) {
            return problem_response(404, "not-found", "Not found",
                                    "No report has this code (check it for typos).");
        }
        return unavailable("status", req, st.error());
    }
    auto r = http::Response::json(200, dump({{"code", code},
                                             {"status", core::to_string(st.value().status)},
                                             {"since", iso8601_utc(st.value().since)}}));
    r.headers.set("Cache-Control", "no-store");
    return r;
}

http::Response Api::openapi(http::Request&) {
    auto r = http::Response::json(200, std::string(openapi_document()));
    r.headers.set("Cache-Control", "public, max-age=300");
    return r;
}

}  // namespace segnala::api
