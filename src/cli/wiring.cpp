#include "cli/wiring.hpp"

#include <atomic>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/api.hpp"
#include "api/problem.hpp"
#include "app/altcha.hpp"
#include "app/api_keys.hpp"
#include "app/auth.hpp"
#include "app/cases.hpp"
#include "app/client_key.hpp"
#include "app/housekeeping.hpp"
#include "app/intake.hpp"
#include "app/oversight.hpp"
#include "app/queue.hpp"
#include "app/rate_limiter.hpp"
#include "app/retention.hpp"
#include "app/search_indexer.hpp"
#include "app/search_terms.hpp"
#include "app/signer.hpp"
#include "app/two_factor.hpp"
#include "app/web_limits.hpp"
#include "core/clock.hpp"
#include "crypto/seal.hpp"
#include "http/access_log.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "store/database.hpp"
#include "store/postgres/postgres_database.hpp"
#include "store/queue.hpp"
#include "store/sqlite/sqlite_database.hpp"
#include "web/access_pages.hpp"
#include "web/case_pages.hpp"
#include "web/oversight_pages.hpp"
#include "web/queue_pages.hpp"
#include "web/site.hpp"
#include "web/views.hpp"

namespace segnala::cli {

OpenStore::~OpenStore() {
    if (db) {
        db->close();
    }
}

std::unique_ptr<OpenStore> open_store(const Config& cfg) {
    auto out = std::make_unique<OpenStore>();
    if (cfg.database.rfind("sqlite:", 0) == 0) {
        store::SqliteSettings s;
        s.path = cfg.database.substr(7);
        s.max_idle_readers = cfg.workers;
        if (s.path.empty()) {
            throw ConfigError("database", "sqlite: needs a file path, e.g. sqlite:var/segnala.db");
        }
        const auto parent = std::filesystem::path(s.path).parent_path();
        if (!parent.empty()) {
            std::filesystem::create_directories(parent);
        }
        auto db = store::open_sqlite(s);
        if (!db) {
            throw std::runtime_error("cannot open SQLite database " + s.path + ": " +
                                     db.error().message());
        }
        out->db = std::move(db).value();
    } else {
        store::PostgresSettings s;
        s.conninfo = cfg.database;
        s.pool_size = cfg.postgres_pool;
        auto db = store::open_postgres(s);
        if (!db) {
            throw std::runtime_error("cannot connect to PostgreSQL: " + db.error().message());
        }
        out->db = std::move(db).value();
    }
    out->store = std::make_unique<store::Store>(*out->db);
    return out;
}

void migrate_or_throw(store::Store& store) {
    auto r = store.migrate();
    if (!r) {
        if (r.error() == core::errc::version_mismatch) {
            auto v = store.schema_version();
            throw std::runtime_error(fmt::format(
                "the database schema is version {}, newer than this segnala ({}): upgrade "
                "segnala before starting it on this database",
                v ? v.value() : -1, store::Store::binary_schema_version()));
        }
        throw std::runtime_error("migration failed: " + r.error().message());
    }
}

namespace {

std::string store_metrics(const store::Store& store) {
    const store::StoreStats s = store.stats();
    std::string out;
    out += "# HELP segnala_db_commit_seconds Time from BEGIN to durable COMMIT of a write batch.\n";
    out += "# TYPE segnala_db_commit_seconds histogram\n";
    std::size_t i = 0;
    for (auto bound : store::kCommitLatencyBoundsUs) {
        const auto v = i < s.commit_latency_us_buckets.size() ? s.commit_latency_us_buckets[i] : 0;
        out += fmt::format("segnala_db_commit_seconds_bucket{{le=\"{}\"}} {}\n", bound / 1e6, v);
        ++i;
    }
    out += fmt::format("segnala_db_commit_seconds_bucket{{le=\"+Inf\"}} {}\n", s.commits);
    out += fmt::format("segnala_db_commit_seconds_sum {}\n", s.commit_latency_us_sum / 1e6);
    out += fmt::format("segnala_db_commit_seconds_count {}\n", s.commits);
    out += "# HELP segnala_db_batch_size Write functions committed per transaction.\n";
    out += "# TYPE segnala_db_batch_size histogram\n";
    i = 0;
    for (auto bound : store::kBatchSizeBounds) {
        const auto v = i < s.batch_size_buckets.size() ? s.batch_size_buckets[i] : 0;
        out += fmt::format("segnala_db_batch_size_bucket{{le=\"{}\"}} {}\n", bound, v);
        ++i;
    }
    out += fmt::format("segnala_db_batch_size_bucket{{le=\"+Inf\"}} {}\n", s.commits);
    out += fmt::format("segnala_db_batch_size_sum {}\n", s.batch_size_sum);
    out += fmt::format("segnala_db_batch_size_count {}\n", s.commits);
    return out;
}

std::filesystem::path node_modules(const Config& cfg) {
    // web_dir is src/web in the source tree; the npm packages sit in web/node_modules.
    const std::filesystem::path web_dir(cfg.web_dir);
    for (auto p : {web_dir / "../../web/node_modules", web_dir / "node_modules"}) {
        if (std::filesystem::exists(p / "bootstrap-italia")) {
            return std::filesystem::weakly_canonical(p);
        }
    }
    throw std::runtime_error("front-end packages not found next to " + cfg.web_dir +
                             " (run scripts/bootstrap, or set web_dir)");
}

crypto::Sealer load_sealer(const Config& cfg) {
    std::filesystem::create_directories(cfg.data_dir);
    auto sealer = crypto::Sealer::load_or_create(std::filesystem::path(cfg.data_dir) / "keys");
    if (!sealer) {
        throw std::runtime_error("cannot load or create the keys in " + cfg.data_dir +
                                 "/keys: " + sealer.error().message());
    }
    return std::move(sealer).value();
}

app::RetentionPolicy retention_policy(const Config& cfg) {
    return {cfg.retention_contact_days, cfg.retention_report_days};
}

}  // namespace

int retention_run(const Config& cfg) {
    auto opened = open_store(cfg);
    migrate_or_throw(*opened->store);
    core::SystemClock clock;
    const crypto::Sealer sealer = load_sealer(cfg);
    app::SearchTerms search_terms(sealer.subkey("search"));
    app::Retention retention(*opened->store, search_terms, clock, retention_policy(cfg));
    auto n = retention.run();
    if (!n) {
        std::cerr << "segnala: retention: " << n.error().message() << "\n";
        return 1;
    }
    std::cout << "contacts erased: " << n.value().contacts << "\n"
              << "reports erased: " << n.value().reports << "\n"
              << "screenshots erased: " << n.value().attachments << "\n";
    return 0;
}

int serve(const Config& cfg) {
    spdlog::set_level(spdlog::level::from_str(cfg.log_level));
    auto opened = open_store(cfg);
    store::Store& st = *opened->store;
    migrate_or_throw(st);

    core::SystemClock clock;
    const crypto::Sealer sealer = load_sealer(cfg);
    app::ClientKeyer client_keys(sealer.subkey("client-ip"), clock);

    app::AuthSettings auth_settings;
    auth_settings.idle_timeout = std::chrono::minutes(cfg.session_idle_minutes);
    auth_settings.absolute_timeout = std::chrono::hours(cfg.session_absolute_hours);
    app::Auth auth(st, clock, auth_settings);
    auto first = auth.ensure_first_admin();
    if (!first) {
        throw std::runtime_error("cannot create the first operator: " + first.error().message());
    }

    http::StaticFiles assets;
    const std::filesystem::path web_dir(cfg.web_dir);
    const auto modules = node_modules(cfg);
    assets.mount("/static/", web_dir / "../../web/static", true);
    assets.mount("/static/vendor/bootstrap-italia/", modules / "bootstrap-italia/dist", true);
    assets.mount("/static/vendor/altcha/", modules / "altcha/dist", true);
    assets.mount("/static/vendor/uplot/", modules / "uplot/dist", true);
    web::Views views(
        web_dir, {{"bootstrap_css",
                   assets.url_for("/static/vendor/bootstrap-italia/css/bootstrap-italia.min.css")},
                  {"segnala_css", assets.url_for("/static/css/segnala.css")},
                  {"segnala_js", assets.url_for("/static/js/segnala.js")},
                  {"altcha_css", assets.url_for("/static/vendor/altcha/external/altcha.css")},
                  {"altcha_js", assets.url_for("/static/js/altcha-setup.js")},
                  {"uplot_css", assets.url_for("/static/vendor/uplot/uPlot.min.css")},
                  {"uplot_js", assets.url_for("/static/vendor/uplot/uPlot.iife.min.js")},
                  {"dashboard_js", assets.url_for("/static/js/dashboard.js")}});
    app::Intake intake(st, sealer, clock);
    app::Altcha altcha(sealer.subkey("altcha"), st, clock);
    app::WebLimits web_limits(st, clock);
    const app::Signer receipts(sealer.subkey("receipt"));
    web::Site site(auth, client_keys, receipts, views,
                   {.force_secure_cookies = cfg.secure_cookies,
                    .retention_contact_days = cfg.retention_contact_days,
                    .retention_report_days = cfg.retention_report_days},
                   &intake, &altcha, &web_limits);

    http::Router router;
    site.add_routes(router);
    // The back office's queue (app/queue.hpp, web/queue_pages.hpp).
    store::Queue queue_store(*opened->db);
    app::SearchTerms search_terms(sealer.subkey("search"));
    app::TriageTargets targets;
    for (const auto& [category, hours] : cfg.triage_target_hours) {
        targets.hours[category] = hours;
    }
    app::Queue queue(queue_store, st, search_terms, clock, targets);
    // Files new reports into the full-text index ten times a second, a few hundred per
    // transaction, so that no group commit waits long behind it (a search catches up itself).
    std::optional<app::SearchIndexer> search_indexer(std::in_place, st,
                                                     std::chrono::milliseconds(100));
    // Hourly: erase what the retention policy says was kept long enough, and drop expired
    // operator sessions. The first round runs at start.
    app::Retention retention(st, search_terms, clock, retention_policy(cfg));
    std::atomic<bool> stopping{false};  // a long retention run yields to a shutdown
    std::optional<app::Housekeeping> housekeeping(
        std::in_place,
        std::vector<app::Housekeeping::Task>{
            {"retention",
             [&retention, &stopping] {
                 if (auto n = retention.run([&stopping] { return !stopping.load(); }); !n) {
                     spdlog::warn("retention: {}", n.error().message());
                 }
             }},
            {"sessions",
             [&auth] {
                 if (auto n = auth.purge_expired_sessions(); !n) {
                     spdlog::warn("session purge: {}", n.error().message());
                 }
             }}},
        std::chrono::hours(1));
    web::QueuePages queue_pages(site, queue);
    queue_pages.add_routes(router);
    // The case pages: case file, actions, evidence, wellbeing (app/cases.hpp).
    app::CaseSettings case_settings;
    case_settings.exposure_pause_threshold = cfg.exposure_pause_threshold;
    app::Cases cases(st, sealer, clock, case_settings);
    web::CasePages case_pages(site, cases);
    case_pages.add_routes(router);
    // Supervisors' audit log and statistics (app/oversight.hpp, web/oversight_pages.hpp).
    app::Oversight oversight(st, clock);
    web::OversightPages oversight_pages(site, oversight);
    oversight_pages.add_routes(router);
    // Partner API (src/api): constructed and routed here.
    app::ApiKeys api_keys(st, clock);
    app::RateLimiter api_limiter(st, clock);
    api::Api partner_api(intake, api_keys, client_keys, api_limiter, clock);
    partner_api.add_routes(router);
    // Second factor, account and admin pages (app/two_factor.hpp, web/access_pages.hpp).
    app::TwoFactor two_factor(auth, st, sealer, clock);
    web::AccessPages access_pages(site, two_factor, api_keys);
    access_pages.add_routes(router);
    router.add("GET", "/static/{path...}", assets.handler(), {.run_inline = true});
    http::Metrics metrics;
    metrics.add_collector([&st] { return store_metrics(st); });
    router.add("GET", "/metrics", [&metrics](http::Request&) { return metrics.render(); });
    router.add("GET", "/healthz", [&st](http::Request&) {
        auto ok = st.ping();
        return ok ? http::Response::text(200, "ok\n")
                  : http::Response::text(503, "database unavailable\n");
    });

    http::ServerSettings ss;
    ss.address = cfg.listen_address;
    ss.port = cfg.listen_port;
    ss.io_threads = cfg.threads;
    ss.worker_threads = cfg.workers;
    ss.max_connections = static_cast<std::size_t>(cfg.max_connections);
    ss.trust_proxy = cfg.trust_proxy;
    ss.clock = &clock;
    ss.error_page = [&site](http::Request& req, int status) {
        // API clients get problem+json, people get a page in their language.
        if (req.path.rfind("/api/", 0) == 0) {
            if (status == 413) {
                return api::problem_response(413, "too-large", "Payload too large",
                                             "The request body is larger than this endpoint "
                                             "accepts.");
            }
            if (status == 405) {
                return api::problem_response(405, "method-not-allowed", "Method not allowed",
                                             "This endpoint does not accept that method.");
            }
            return api::problem_response(404, "not-found", "Not found",
                                         "There is no such endpoint.");
        }
        return site.error_page(req, status);
    };
    http::AccessLog access_log;
    http::Server server(ss, router, metrics, &access_log);
    const auto port = server.start();

    if (!first.value().empty()) {
        std::cout << "First start: an administrator was created. Log in at "
                  << fmt::format("http://{}:{}/backoffice/login", cfg.listen_address, port)
                  << " with\n"
                  << "user: admin\n"
                  << "password: " << first.value() << "\n"
                  << "The password is shown only now; you will be asked to change it.\n";
    }
    std::cout << "listening on http://" << cfg.listen_address << ":" << port << std::endl;
    server.run_until_signal();
    stopping = true;
    housekeeping.reset();
    search_indexer.reset();
    opened->db->close();
    spdlog::info("stopped");
    return 0;
}

}  // namespace segnala::cli
