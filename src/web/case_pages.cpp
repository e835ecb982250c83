#include "web/case_pages.hpp"

#include <charconv>
#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "http/router.hpp"
#include "web/report_view.hpp"

namespace segnala::web {

using core::errc;

namespace {

/// A positive id from a path parameter or a form field; 0 when absent or malformed.
std::int64_t parse_id(std::string_view s) {
    std::int64_t v = 0;
    if (s.empty() || s.size() > 15) {
        return 0;
    }
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || v <= 0) {
        return 0;
    }
    return v;
}

std::int64_t path_id(const Page& p) {
    for (const auto& [k, v] : p.req.params) {
        if (k == "id") {
            return parse_id(v);
        }
    }
    return 0;
}

std::string human_size(std::int64_t bytes) {
    if (bytes >= 1024 * 1024) {
        return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    }
    return fmt::format("{} KiB", (bytes + 1023) / 1024);
}

// Messages shown after a redirect (?done=KEY): only these keys, never text from the request.
constexpr std::string_view kDoneKeys[] = {"confirm", "reject", "action_taken", "close",
                                          "reopen",  "note",   "merge",        "unmerge",
                                          "link",    "split",  "reveal",       "evidence_reveal"};

std::string json_text(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

CasePages::CasePages(Site& site, app::Cases& cases) : site_(site), cases_(cases) {}

void CasePages::add_routes(http::Router& r) {
    auto h = [this](http::Response (CasePages::*fn)(Page&), unsigned flags) {
        return site_.handler([this, fn](Page& p) { return (this->*fn)(p); }, flags);
    };
    r.add("GET", "/backoffice/cases/{id}", h(&CasePages::show, kLogin));
    r.add("GET", "/backoffice/api/cases/{id}", h(&CasePages::api, kLogin));
    r.add("POST", "/backoffice/cases/{id}/action", h(&CasePages::action, kAnalyst));
    r.add("POST", "/backoffice/cases/{id}/reveal", h(&CasePages::reveal, kLogin));
    r.add("POST", "/backoffice/cases/{id}/notes", h(&CasePages::note, kAnalyst));
    r.add("POST", "/backoffice/cases/{id}/merge", h(&CasePages::merge, kAnalyst));
    r.add("POST", "/backoffice/cases/{id}/unmerge", h(&CasePages::unmerge, kAnalyst));
    r.add("POST", "/backoffice/cases/{id}/link", h(&CasePages::link, kAnalyst));
    r.add("POST", "/backoffice/cases/{id}/split", h(&CasePages::split, kAnalyst));
    r.add(
        "GET", "/backoffice/evidence/{id}/blurred",
        site_.handler([this](Page& p) { return evidence(p, app::EvidenceKind::blurred); }, kLogin));
    r.add(
        "GET", "/backoffice/evidence/{id}/preview",
        site_.handler([this](Page& p) { return evidence(p, app::EvidenceKind::preview); }, kLogin));
    r.add("GET", "/backoffice/evidence/{id}/download",
          site_.handler([this](Page& p) { return evidence(p, app::EvidenceKind::original); },
                        kAnalyst));
    r.add("POST", "/backoffice/evidence/{id}/reveal", h(&CasePages::evidence_reveal, kLogin));
    r.add("GET", "/backoffice/wellbeing", h(&CasePages::wellbeing, kSupervisor));
}

http::Response CasePages::failure(Page& p, const boost::system::error_code& e) {
    if (e == errc::not_found) {
        return site_.error(p, 404);
    }
    if (e == errc::permission_denied) {
        return site_.error(p, 403, "case_forbidden");
    }
    if (e == errc::conflict) {
        return site_.error(p, 409, "case_conflict");
    }
    spdlog::error("case page failed: {}", e.message());
    return site_.error(p, 503);
}

http::Response CasePages::show(Page& p) {
    const std::int64_t id = path_id(p);
    if (id == 0) {
        return site_.error(p, 404);
    }
    return render_case(p, id, 200);
}

http::Response CasePages::render_case(Page& p, std::int64_t id, int status,
                                      const std::vector<app::FieldError>& errors) {
    const Views& v = site_.views();
    const Lang lang = p.lang;
    const app::Principal& who = *p.principal;
    auto loaded = cases_.view(who, id);
    if (!loaded) {
        return failure(p, loaded.error());
    }
    const app::CaseView& cv = loaded.value();
    const store::CaseRecord& c = cv.record;
    auto label = [&](std::string_view prefix, const std::string& value) {
        return value.empty() ? std::string("—") : v.text(lang, std::string(prefix) + value);
    };
    nlohmann::json signals = nlohmann::json::array();
    std::string_view rest = c.signals;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string name(rest.substr(0, comma));
        if (name == "ip_host" || name == "idn" || name == "userinfo") {
            signals.push_back(v.text(lang, "case_signal_" + name));
        }
        if (comma == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(comma + 1);
    }
    nlohmann::json kase = {
        {"id", c.id},
        {"status", label("st_", c.status)},
        {"status_at", format_datetime(c.status_at, lang)},
        {"category", label("cat_", c.category)},
        {"display_url", cv.display_url},
        {"host", cv.masked ? std::string("—") : c.host},
        {"domain",
         cv.masked || c.registrable_domain.empty() ? std::string("—") : c.registrable_domain},
        {"signals", signals},
        {"has_signals", !signals.empty()},
        {"report_count", cv.total_reports},
        {"first_seen", format_datetime(c.first_seen, lang)},
        {"last_seen", format_datetime(c.last_seen, lang)},
        {"assigned", c.assigned_username.empty() ? std::string("—") : c.assigned_username},
        {"action_kind",
         c.action_kind.empty() ? std::string() : v.text(lang, "case_kind_" + c.action_kind)},
        {"action_reference", c.action_reference},
        {"merged_into", c.merged_into},
        {"merged", c.merged_into != 0},
        {"masked", cv.masked},
        {"restricted", c.restricted},
        {"can_confirm", app::transition_allowed("confirm", c.status)},
        {"can_reject", app::transition_allowed("reject", c.status)},
        {"can_act", app::transition_allowed("action_taken", c.status)},
        {"can_close", app::transition_allowed("close", c.status)},
        {"can_reopen", app::transition_allowed("reopen", c.status)},
    };
    // ?shown=ID: the one image whose plain preview this operator just revealed.
    const std::int64_t shown = parse_id(p.req.query_param("shown").value_or(""));
    nlohmann::json reports = nlohmann::json::array();
    for (const auto& r : cv.reports) {
        nlohmann::json urls = nlohmann::json::array();
        for (const auto& u : r.urls) {
            urls.push_back(u);
        }
        nlohmann::json atts = nlohmann::json::array();
        for (const auto& a : r.attachments) {
            atts.push_back({{"id", a.id},
                            {"position", a.position + 1},
                            {"mime", a.mime},
                            {"size", human_size(a.size)},
                            {"width", a.width},
                            {"height", a.height},
                            {"revealed", a.id == shown},
                            {"erased", a.erased_at != 0}});
        }
        reports.push_back({{"id", r.id},
                           {"code", r.code},
                           {"channel", r.channel},
                           {"created", format_datetime(r.created_at, lang)},
                           {"verified", r.verified},
                           {"sender", r.sender},
                           {"subject", r.subject},
                           {"text", r.text},
                           {"description", r.description},
                           {"contact", r.contact},
                           {"urls", urls},
                           {"attachments", atts},
                           {"has_attachments", !atts.empty()},
                           {"from_merged", r.via_case},
                           {"is_from_merged", r.via_case != c.id},
                           {"splittable", r.via_case == c.id && cv.reports.size() > 1},
                           {"unreadable", r.unreadable},
                           {"erased", r.erased_at != 0},
                           {"erased_on", format_datetime(r.erased_at, lang)},
                           {"contact_erased", r.contact_erased_at != 0 && r.erased_at == 0},
                           {"contact_erased_on", format_datetime(r.contact_erased_at, lang)}});
    }
    nlohmann::json events = nlohmann::json::array();
    for (const auto& e : cv.events) {
        auto d = nlohmann::json::parse(e.detail, nullptr, false);
        std::string text;
        if (d.is_object()) {
            for (const auto& [k, val] : d.items()) {
                if (!text.empty()) {
                    text += "; ";
                }
                text += k + ": " + (val.is_string() ? val.get<std::string>() : val.dump());
            }
        }
        events.push_back({{"at", format_datetime(e.at, lang)},
                          {"who", e.username.empty() ? std::string("—") : e.username},
                          {"kind", v.text(lang, "case_event_" + e.kind)},
                          {"detail", text}});
    }
    nlohmann::json notes = nlohmann::json::array();
    for (const auto& n : cv.notes) {
        notes.push_back(
            {{"at", format_datetime(n.at, lang)}, {"who", n.username}, {"body", n.body}});
    }
    nlohmann::json related = nlohmann::json::array();
    for (const auto& r : cv.related) {
        related.push_back({{"id", r.id},
                           {"display_url", r.display_url.empty() ? "—" : r.display_url},
                           {"category", label("cat_", r.category)},
                           {"status", label("st_", r.status)},
                           {"count", r.report_count},
                           {"relation", v.text(lang, "case_relation_" + r.relation)}});
    }
    nlohmann::json error_list = nlohmann::json::array();
    for (const auto& e : errors) {
        error_list.push_back({{"field", e.field}, {"message", v.text(lang, e.code)}});
    }
    nlohmann::json data = {
        {"title", v.text(lang, "case_title", {{"id", std::to_string(c.id)}})},
        {"case", kase},
        {"reports", reports},
        {"has_reports", !reports.empty()},
        {"more_reports",
         cv.total_reports > static_cast<std::int64_t>(reports.size()) && !cv.masked},
        {"events", events},
        {"notes", notes},
        {"related", related},
        {"has_related", !related.empty()},
        {"errors", error_list},
        {"has_errors", !error_list.empty()},
        {"can_analyst", who.at_least("analyst")},
        {"can_supervisor", who.at_least("supervisor")},
        {"exposure",
         {{"today", cv.exposure.counts.today},
          {"week", cv.exposure.counts.week},
          {"csam_today", cv.exposure.counts.csam_today},
          {"csam_week", cv.exposure.counts.csam_week},
          {"pause", cv.exposure.pause_suggested},
          {"threshold", cv.exposure.threshold}}},
    };
    if (auto done = p.req.query_param("done")) {
        for (auto key : kDoneKeys) {
            if (*done == key) {
                data["notice"] = v.text(lang, "case_done_" + std::string(key));
            }
        }
    }
    return site_.render(p, status, "case", std::move(data));
}

http::Response CasePages::api(Page& p) {
    auto c = cases_.summary(*p.principal, path_id(p));
    if (!c) {
        if (c.error() == errc::not_found) {
            return http::Response::json(404, R"({"error":"not_found"})");
        }
        return http::Response::json(503, R"({"error":"unavailable"})");
    }
    const auto& r = c.value();
    nlohmann::json j = {{"id", r.id},
                        {"status", r.status},
                        {"status_at", r.status_at},
                        {"category", r.category},
                        {"canonical_url", r.canonical_url},
                        {"host", r.host},
                        {"registrable_domain", r.registrable_domain},
                        {"signals", r.signals},
                        {"report_count", r.report_count},
                        {"first_seen", r.first_seen},
                        {"last_seen", r.last_seen},
                        {"open", r.open},
                        {"assigned_to", r.assigned_to},
                        {"first_triage_at", r.first_triage_at},
                        {"merged_into", r.merged_into},
                        {"action_kind", r.action_kind},
                        {"action_reference", r.action_reference}};
    return http::Response::json(200, json_text(j));
}

http::Response CasePages::after(Page& p, std::int64_t id, const app::Outcome& outcome,
                                std::string_view done, std::int64_t redirect_to) {
    if (!outcome) {
        return failure(p, outcome.error());
    }
    if (!outcome.value().empty()) {
        return render_case(p, id, 422, outcome.value());
    }
    return http::Response::redirect(
        fmt::format("/backoffice/cases/{}?done={}", redirect_to != 0 ? redirect_to : id, done));
}

http::Response CasePages::action(Page& p) {
    const std::int64_t id = path_id(p);
    app::CaseAction a{p.field("action"), p.field("reason"), p.field("kind"), p.field("reference")};
    auto outcome = cases_.act(*p.principal, id, a);
    return after(p, id, outcome, a.action);
}

http::Response CasePages::reveal(Page& p) {
    const std::int64_t id = path_id(p);
    auto r = cases_.reveal_case(*p.principal, id);
    if (!r) {
        return failure(p, r.error());
    }
    return http::Response::redirect(fmt::format("/backoffice/cases/{}?done=reveal", id));
}

http::Response CasePages::note(Page& p) {
    const std::int64_t id = path_id(p);
    return after(p, id, cases_.add_note(*p.principal, id, p.field("note")), "note");
}

http::Response CasePages::merge(Page& p) {
    const std::int64_t id = path_id(p);
    const std::int64_t target = parse_id(p.field("target"));
    return after(p, id, cases_.merge(*p.principal, id, target), "merge", target);
}

http::Response CasePages::unmerge(Page& p) {
    const std::int64_t id = path_id(p);
    return after(p, id, cases_.unmerge(*p.principal, id), "unmerge");
}

http::Response CasePages::link(Page& p) {
    const std::int64_t id = path_id(p);
    const std::int64_t other = parse_id(p.field("other"));
    if (other == 0) {
        return render_case(p, id, 422, {{"other", "case_target_invalid"}});
    }
    return after(p, id, cases_.link(*p.principal, id, other), "link");
}

http::Response CasePages::split(Page& p) {
    const std::int64_t id = path_id(p);
    std::int64_t fresh = 0;
    auto outcome = cases_.split(*p.principal, id, parse_id(p.field("report")), &fresh);
    return after(p, id, outcome, "split", fresh);
}

http::Response CasePages::evidence(Page& p, app::EvidenceKind kind) {
    auto e = cases_.evidence(*p.principal, path_id(p), kind);
    if (!e) {
        return failure(p, e.error());
    }
    http::Response res;
    res.status = 200;
    res.body = std::move(e.value().bytes);
    res.headers.set("Content-Type", e.value().mime);
    res.headers.set("Cache-Control", "no-store");
    res.headers.set("X-Content-Type-Options", "nosniff");
    // The original is never shown inline; previews are images of ours (re-encoded JPEG).
    res.headers.set("Content-Disposition",
                    std::string(kind == app::EvidenceKind::original ? "attachment" : "inline") +
                        "; filename=\"" + e.value().filename + "\"");
    return res;
}

http::Response CasePages::evidence_reveal(Page& p) {
    const std::int64_t id = path_id(p);
    auto r = cases_.reveal_attachment(*p.principal, id);
    if (!r) {
        return failure(p, r.error());
    }
    const std::int64_t back = parse_id(p.field("case"));
    if (back == 0) {
        return http::Response::redirect(fmt::format("/backoffice/evidence/{}/preview", id));
    }
    return http::Response::redirect(fmt::format(
        "/backoffice/cases/{}?done=evidence_reveal&shown={}#evidence-{}", back, id, id));
}

http::Response CasePages::wellbeing(Page& p) {
    const Views& v = site_.views();
    auto all = cases_.exposures(*p.principal);
    if (!all) {
        return failure(p, all.error());
    }
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& o : all.value()) {
        rows.push_back({{"username", o.username.empty() ? "—" : o.username},
                        {"today", o.exposure.today},
                        {"week", o.exposure.week},
                        {"csam_today", o.exposure.csam_today},
                        {"csam_week", o.exposure.csam_week}});
    }
    return site_.render(p, 200, "case_wellbeing",
                        {{"title", v.text(p.lang, "wellbeing_title")},
                         {"rows", rows},
                         {"has_rows", !rows.empty()}});
}

}  // namespace segnala::web
