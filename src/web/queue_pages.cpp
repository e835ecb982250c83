#include "web/queue_pages.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/report.hpp"
#include "http/router.hpp"
#include "web/report_view.hpp"

namespace segnala::web {
namespace {

using core::errc;

std::string query_value(const Page& p, std::string_view name) {
    auto v = p.req.query_param(name);
    return v ? std::string(*v) : std::string();
}

app::QueueForm form_of(const Page& p) {
    return {query_value(p, "category"), query_value(p, "status"), query_value(p, "domain"),
            query_value(p, "from"),     query_value(p, "to"),     query_value(p, "mine"),
            query_value(p, "q"),        query_value(p, "after")};
}

/// "5 h" under two days, else "3 d" ("3 g" in Italian).
std::string duration(const Views& v, Lang lang, std::int64_t seconds) {
    const std::int64_t hours = seconds / 3600;
    if (hours < 48) {
        return v.text(lang, "queue_hours", {{"n", std::to_string(hours)}});
    }
    return v.text(lang, "queue_days", {{"n", std::to_string(hours / 24)}});
}

nlohmann::json item_view(const Views& v, Lang lang, const app::QueueItem& it) {
    const auto& r = it.row;
    nlohmann::json why = nlohmann::json::array();
    why.push_back(v.text(lang, "queue_why_recency", {{"date", format_date(r.last_seen, lang)}}));
    for (const auto& w : it.why) {
        why.push_back(v.text(lang, "queue_why_" + w.reason,
                             {{"hours", std::to_string(w.hours)},
                              {"count", std::to_string(r.report_count)},
                              {"category", v.text(lang, "cat_" + r.category)}}));
    }
    std::int64_t boost = 0;
    for (const auto& w : it.why) {
        boost += w.hours;
    }
    nlohmann::json out = {
        {"id", r.id},
        {"href", "/backoffice/cases/" + std::to_string(r.id)},
        {"category", v.text(lang, "cat_" + r.category)},
        {"status", v.text(lang, "st_" + r.status)},
        {"reports", r.report_count},
        {"domain", r.registrable_domain.empty() ? r.host : r.registrable_domain},
        {"url", it.display_url},
        {"first_seen", format_date(r.first_seen, lang)},
        {"age", duration(v, lang, it.age_seconds)},
        {"target", duration(v, lang, it.target_seconds)},
        {"overdue", it.overdue},
        {"triaged", it.triaged_after >= 0},
        {"triaged_after", it.triaged_after >= 0 ? duration(v, lang, it.triaged_after) : ""},
        {"assigned", r.assigned_username},
        {"restricted", r.restricted},
        {"boost", v.text(lang, "queue_why_summary", {{"hours", std::to_string(boost)}})},
        {"why", why}};
    return out;
}

nlohmann::json options(const Views& v, Lang lang, const std::string& prefix,
                       const std::vector<std::string>& names, const std::string& selected) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& n : names) {
        out.push_back(
            {{"value", n}, {"label", v.text(lang, prefix + n)}, {"selected", n == selected}});
    }
    return out;
}

}  // namespace

QueuePages::QueuePages(Site& site, app::Queue& queue) : site_(site), queue_(queue) {}

void QueuePages::add_routes(http::Router& r) {
    r.add("GET", "/backoffice", site_.handler([this](Page& p) { return queue(p); }, kLogin));
    r.add("POST", "/backoffice/queue/bulk",
          site_.handler([this](Page& p) { return bulk(p); }, kLogin));
    r.add("GET", "/backoffice/overdue",
          site_.handler([this](Page& p) { return overdue(p); }, kSupervisor));
}

http::Response QueuePages::queue(Page& p) {
    const Views& v = site_.views();
    const app::Principal& who = *p.principal;
    const app::QueueForm form = form_of(p);
    app::QueueFilter filter;
    const auto errors = queue_.parse(form, who, filter);

    std::vector<std::string> categories;
    for (auto c : core::kCategories) {
        if (c != core::Category::csam || who.may_see_csam()) {
            categories.emplace_back(core::to_string(c));
        }
    }
    std::vector<std::string> statuses;
    for (auto s : core::kStatuses) {
        statuses.emplace_back(core::to_string(s));
    }
    nlohmann::json data = {{"title", v.text(p.lang, "queue_title")},
                           {"categories", options(v, p.lang, "cat_", categories, form.category)},
                           {"statuses", options(v, p.lang, "st_", statuses, form.status)},
                           {"domain", form.domain},
                           {"from", form.from},
                           {"to", form.to},
                           {"mine", form.mine == "1"},
                           {"q", form.q},
                           {"may_close", who.at_least("analyst")},
                           {"may_assign", who.at_least("supervisor")},
                           {"reasons", nlohmann::json::array()},
                           {"items", nlohmann::json::array()}};
    for (const char* r : app::kCloseReasons) {
        data["reasons"].push_back(
            {{"value", r}, {"label", v.text(p.lang, std::string("queue_reason_") + r)}});
    }
    if (p.req.query_param("changed")) {
        data["notice"] = v.text(p.lang, "password_changed");
    }
    if (auto done = p.req.query_param("done")) {
        data["notice"] = v.text(p.lang, "queue_bulk_done",
                                {{"done", std::string(*done).substr(0, 4)},
                                 {"skipped", std::string(query_value(p, "skipped")).substr(0, 4)}});
    }
    if (!errors.empty()) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& e : errors) {
            list.push_back({{"field", e.field}, {"message", v.text(p.lang, e.code)}});
            data["invalid_" + e.field] = true;
        }
        data["errors"] = list;
        data["has_errors"] = true;
        return site_.render(p, 422, "queue", std::move(data));
    }
    auto page = queue_.page(filter);
    if (!page) {
        spdlog::error("queue page failed: {}", page.error().message());
        return site_.error(p, 503);
    }
    for (const auto& it : page.value().items) {
        data["items"].push_back(item_view(v, p.lang, it));
    }
    data["empty"] = page.value().items.empty();
    if (!page.value().next.empty()) {
        std::string href = "/backoffice?";
        for (const auto& [k, val] :
             {std::pair<const char*, const std::string&>{"category", form.category},
              {"status", form.status},
              {"domain", form.domain},
              {"from", form.from},
              {"to", form.to},
              {"mine", form.mine},
              {"q", form.q}}) {
            if (!val.empty()) {
                href += std::string(k) + "=" + url_encode(val) + "&";
            }
        }
        data["next_href"] = href + "after=" + page.value().next;
    }
    if (!form.after.empty()) {
        data["first_href"] = "/backoffice";
    }
    return site_.render(p, 200, "queue", std::move(data));
}

http::Response QueuePages::bulk(Page& p) {
    app::BulkForm form;
    form.action = p.field("action");
    form.assignee = p.field("assignee");
    form.reason = p.field("reason");
    for (const auto& [k, val] : p.form) {
        if (k == "case") {
            form.case_ids.push_back(val);
        }
    }
    auto r = queue_.bulk(*p.principal, form);
    if (!r) {
        if (r.error() == errc::permission_denied) {
            return site_.error(p, 403, "error_role");
        }
        if (r.error() == errc::invalid_argument) {
            return site_.error(p, 422,
                               form.case_ids.empty() ? "queue_bulk_none"
                               : form.action == "close" && form.reason.empty()
                                   ? "queue_bulk_need_reason"
                                   : "queue_bulk_invalid");
        }
        if (r.error() == errc::not_found) {
            return site_.error(p, 422, "queue_bulk_no_assignee");
        }
        spdlog::error("bulk action failed: {}", r.error().message());
        return site_.error(p, 503);
    }
    return http::Response::redirect("/backoffice?done=" + std::to_string(r.value().changed.size()) +
                                    "&skipped=" + std::to_string(r.value().skipped));
}

http::Response QueuePages::overdue(Page& p) {
    const Views& v = site_.views();
    auto r = queue_.overdue(*p.principal);
    if (!r) {
        if (r.error() == errc::permission_denied) {
            return site_.error(p, 403, "error_role");
        }
        spdlog::error("overdue page failed: {}", r.error().message());
        return site_.error(p, 503);
    }
    nlohmann::json cats = nlohmann::json::array();
    for (const auto& c : r.value().by_category) {
        cats.push_back({{"category", v.text(p.lang, "cat_" + c.category)},
                        {"target", duration(v, p.lang, c.target_hours * 3600)},
                        {"cases", c.cases},
                        {"oldest", c.cases > 0 ? format_date(c.oldest_first_seen, p.lang) : "—"},
                        {"href", "/backoffice?category=" + c.category}});
    }
    nlohmann::json ops = nlohmann::json::array();
    for (const auto& o : r.value().by_operator) {
        ops.push_back(
            {{"operator", o.operator_id == 0 ? v.text(p.lang, "queue_unassigned") : o.username},
             {"cases", o.cases}});
    }
    return site_.render(p, 200, "overdue",
                        {{"title", v.text(p.lang, "overdue_title")},
                         {"total", r.value().total},
                         {"by_category", cats},
                         {"by_operator", ops},
                         {"no_operators", ops.empty()}});
}

}  // namespace segnala::web
