#include "web/oversight_pages.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/civil_time.hpp"
#include "http/router.hpp"

namespace segnala::web {
namespace {

using core::errc;

std::string query_value(const Page& p, std::string_view name) {
    auto v = p.req.query_param(name);
    return v ? std::string(*v) : std::string();
}

app::AuditFilter filter_of(const Page& p) {
    app::AuditFilter f;
    f.actor = query_value(p, "actor");
    f.action = query_value(p, "action");
    f.object = query_value(p, "object");
    f.from = query_value(p, "from");
    f.to = query_value(p, "to");
    const std::string before = query_value(p, "before");
    if (!before.empty() && before.size() <= 18 &&
        before.find_first_not_of("0123456789") == std::string::npos) {
        f.before = std::stoll(before);
    }
    return f;
}

/// The filters as a query string (without the cursor), for the next page and the CSV link.
std::string filter_query(const app::AuditFilter& f) {
    std::string q;
    for (const auto& [k, v] : {std::pair{"actor", &f.actor},
                               {"action", &f.action},
                               {"object", &f.object},
                               {"from", &f.from},
                               {"to", &f.to}}) {
        if (!v->empty()) {
            q += (q.empty() ? "" : "&") + std::string(k) + "=" + url_encode(*v);
        }
    }
    return q;
}

/// "42 min", "5 h 3 min", "3 d 4 h" (g / h in Italian).
std::string duration(const Views& v, Lang lang, std::int64_t seconds) {
    const std::int64_t minutes = seconds / 60;
    if (minutes < 60) {
        return v.text(lang, "ov_minutes", {{"m", std::to_string(minutes)}});
    }
    if (minutes < 48 * 60) {
        return v.text(lang, "ov_hours",
                      {{"h", std::to_string(minutes / 60)}, {"m", std::to_string(minutes % 60)}});
    }
    return v.text(
        lang, "ov_days",
        {{"d", std::to_string(minutes / 1440)}, {"h", std::to_string(minutes / 60 % 24)}});
}

http::Response failed(Site& site, Page& p, const boost::system::error_code& ec, const char* what) {
    if (ec == errc::permission_denied) {
        return site.error(p, 403, "error_role");
    }
    spdlog::error("{} failed: {}", what, ec.message());
    return site.error(p, 503);
}

}  // namespace

http::Response csv_response(std::string body, std::string_view filename) {
    http::Response r;
    r.status = 200;
    r.body = std::move(body);
    r.headers.set("Content-Type", "text/csv; charset=utf-8");
    r.headers.set("Content-Disposition", "attachment; filename=\"" + std::string(filename) + "\"");
    r.headers.set("Cache-Control", "no-store");
    return r;
}

OversightPages::OversightPages(Site& site, app::Oversight& oversight)
    : site_(site), oversight_(oversight) {}

void OversightPages::add_routes(http::Router& r) {
    r.add("GET", "/backoffice/audit",
          site_.handler([this](Page& p) { return audit(p); }, kSupervisor));
    r.add("GET", "/backoffice/audit.csv",
          site_.handler([this](Page& p) { return audit_csv(p); }, kSupervisor));
    r.add("GET", "/backoffice/dashboard",
          site_.handler([this](Page& p) { return dashboard(p); }, kSupervisor));
    r.add("GET", "/backoffice/dashboard/{table}",
          site_.handler([this](Page& p) { return dashboard_csv(p); }, kSupervisor));
}

http::Response OversightPages::audit(Page& p) {
    const Views& v = site_.views();
    const app::AuditFilter f = filter_of(p);
    nlohmann::json data = {{"title", v.text(p.lang, "ov_audit_title")},
                           {"actor", f.actor},
                           {"action", f.action},
                           {"object", f.object},
                           {"from", f.from},
                           {"to", f.to}};
    if (query_value(p, "verify") == "1") {
        auto check = oversight_.verify(*p.principal);
        if (!check) {
            return failed(site_, p, check.error(), "audit verify");
        }
        const auto& c = check.value();
        data["verified"] = {
            {"ok", c.ok},
            {"message",
             c.ok ? v.text(p.lang, "ov_chain_ok", {{"n", std::to_string(c.entries)}})
                  : v.text(p.lang, "ov_chain_broken",
                           {{"seq", std::to_string(c.first_bad_seq)}, {"reason", c.reason}})}};
    }
    auto listing = oversight_.audit(*p.principal, f);
    if (!listing) {
        return failed(site_, p, listing.error(), "audit browse");
    }
    const auto& l = listing.value();
    if (!l.errors.empty()) {
        nlohmann::json errors = nlohmann::json::array();
        for (const auto& e : l.errors) {
            errors.push_back({{"field", e.field}, {"message", v.text(p.lang, e.code)}});
            data["invalid_" + e.field] = true;
        }
        data["errors"] = std::move(errors);
        data["has_errors"] = true;
        return site_.render(p, 422, "audit", std::move(data));
    }
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : l.rows) {
        rows.push_back({{"seq", std::to_string(r.entry.seq)},
                        {"time", core::rome_datetime(r.entry.at / 1'000'000)},
                        {"actor", r.entry.actor},
                        {"username", r.actor_name},
                        {"action", r.entry.action},
                        {"object", r.entry.object},
                        {"detail", r.entry.detail}});
    }
    const std::string q = filter_query(f);
    data["has_rows"] = !rows.empty();
    data["rows"] = std::move(rows);
    data["csv_href"] = "/backoffice/audit.csv" + (q.empty() ? "" : "?" + q);
    data["verify_href"] = "/backoffice/audit?verify=1" + (q.empty() ? "" : "&" + q);
    if (l.next_before > 0) {
        data["next_href"] = "/backoffice/audit?" + (q.empty() ? "" : q + "&") +
                            "before=" + std::to_string(l.next_before);
    }
    if (f.before > 0) {
        data["first_href"] = "/backoffice/audit" + (q.empty() ? "" : "?" + q);
    }
    data["csam_hidden"] = !p.principal->may_see_csam();
    return site_.render(p, 200, "audit", std::move(data));
}

http::Response OversightPages::audit_csv(Page& p) {
    auto csv = oversight_.audit_csv(*p.principal, filter_of(p));
    if (!csv) {
        if (csv.error() == errc::invalid_argument) {
            return site_.error(p, 422, "ov_bad_filters");
        }
        return failed(site_, p, csv.error(), "audit export");
    }
    return csv_response(std::move(csv).value(), "audit.csv");
}

http::Response OversightPages::dashboard(Page& p) {
    const Views& v = site_.views();
    auto got = oversight_.dashboard(*p.principal);
    if (!got) {
        return failed(site_, p, got.error(), "dashboard");
    }
    const app::Dashboard& d = got.value();
    nlohmann::json categories = nlohmann::json::array();
    nlohmann::json series = nlohmann::json::array();
    for (std::size_t c = 0; c < d.categories.size(); ++c) {
        const std::string label = v.text(p.lang, "cat_" + d.categories[c]);
        categories.push_back(label);
        nlohmann::json values = nlohmann::json::array();
        for (const auto& row : d.days) {
            values.push_back(row.reports[c]);
        }
        series.push_back({{"key", d.categories[c]}, {"label", label}, {"values", values}});
    }
    nlohmann::json days = nlohmann::json::array();
    nlohmann::json day_labels = nlohmann::json::array();
    std::int64_t total = 0;
    for (const auto& row : d.days) {
        nlohmann::json counts = nlohmann::json::array();
        for (auto n : row.reports) {
            counts.push_back(std::to_string(n));
        }
        days.push_back(
            {{"day", row.day}, {"counts", counts}, {"total", std::to_string(row.total)}});
        day_labels.push_back(row.day.substr(5));  // "MM-DD" under the chart
        total += row.total;
    }
    nlohmann::json statuses = nlohmann::json::array();
    for (const auto& s : d.open_by_status) {
        statuses.push_back(
            {{"label", v.text(p.lang, "st_" + s.status)}, {"cases", std::to_string(s.cases)}});
    }
    nlohmann::json triage = nlohmann::json::array();
    for (const auto& t : d.triage) {
        triage.push_back({{"label", v.text(p.lang, "cat_" + t.category)},
                          {"cases", std::to_string(t.cases)},
                          {"median", t.cases > 0 ? duration(v, p.lang, t.median_seconds) : "—"},
                          {"untriaged", std::to_string(t.untriaged)}});
    }
    nlohmann::json domains = nlohmann::json::array();
    for (const auto& dc : d.top_domains) {
        domains.push_back({{"domain", dc.domain},
                           {"cases", std::to_string(dc.cases)},
                           {"reports", std::to_string(dc.reports)}});
    }
    // The chart's numbers travel in a data- attribute (HTML-escaped by the view, so the JSON
    // cannot end the attribute); the script reads it, no inline script is needed.
    const nlohmann::json chart = {{"labels", day_labels}, {"series", series}};
    nlohmann::json data = {{"title", v.text(p.lang, "ov_dash_title")},
                           {"generated", core::rome_datetime(d.generated_at)},
                           {"csam_included", d.includes_csam},
                           {"categories", categories},
                           {"days", days},
                           {"days_total", std::to_string(total)},
                           {"chart_json", chart.dump()},
                           {"statuses", statuses},
                           {"triage", triage},
                           {"has_triage", !d.triage.empty()},
                           {"domains", domains},
                           {"has_domains", !d.top_domains.empty()},
                           {"window_days", std::to_string(app::kDashboardDays)},
                           {"dashboard", true}};
    return site_.render(p, 200, "dashboard", std::move(data));
}

http::Response OversightPages::dashboard_csv(Page& p) {
    std::string_view name = p.req.param("table");
    std::optional<app::DashboardTable> table;
    if (name.ends_with(".csv")) {
        table = app::parse_dashboard_table(name.substr(0, name.size() - 4));
    }
    if (!table) {
        return site_.error(p, 404);
    }
    auto csv = oversight_.dashboard_csv(*p.principal, *table);
    if (!csv) {
        return failed(site_, p, csv.error(), "dashboard export");
    }
    return csv_response(std::move(csv).value(),
                        "segnala-" + std::string(app::to_string(*table)) + ".csv");
}

}  // namespace segnala::web
