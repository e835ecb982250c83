#include "app/oversight.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/civil_time.hpp"
#include "core/report.hpp"

namespace segnala::app {

using core::errc;

namespace {

using namespace std::chrono;
using core::rome_datetime;
using core::rome_day;
using core::rome_midnight;

/// 00:00 in Rome on `ymd`.
std::int64_t midnight_of(year_month_day ymd) {
    return core::rome_midnight_of(static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                                  static_cast<unsigned>(ymd.day()));
}

bool valid_actor_token(std::string_view s) {
    if (s == "cli" || s == "system") {
        return true;
    }
    for (std::string_view kind : {"operator:", "apikey:"}) {
        if (s.starts_with(kind) && s.size() > kind.size() && s.size() <= kind.size() + 19 &&
            std::all_of(s.begin() + static_cast<std::ptrdiff_t>(kind.size()), s.end(),
                        [](char c) { return c >= '0' && c <= '9'; })) {
            return true;
        }
    }
    return false;
}

bool valid_action(std::string_view s) {
    return s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                      c == '-';
           });
}

nlohmann::json filter_json(const AuditFilter& f) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : {std::pair{"actor", &f.actor},
                               {"action", &f.action},
                               {"object", &f.object},
                               {"from", &f.from},
                               {"to", &f.to}}) {
        if (!v->empty()) {
            j[k] = *v;
        }
    }
    if (f.before > 0) {
        j["before"] = f.before;
    }
    return j;
}

}  // namespace

std::string csv_cell(std::string_view s) {
    std::string cell;
    if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                       s[0] == '\r')) {
        cell += '\'';
    }
    cell += s;
    if (cell.find_first_of(",\"\r\n") == std::string::npos) {
        return cell;
    }
    std::string quoted = "\"";
    for (char c : cell) {
        if (c == '"') {
            quoted += '"';
        }
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

std::string csv_line(const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i > 0) {
            line += ',';
        }
        line += csv_cell(cells[i]);
    }
    line += "\r\n";
    return line;
}

std::optional<DashboardTable> parse_dashboard_table(std::string_view name) {
    for (auto t : {DashboardTable::daily, DashboardTable::status, DashboardTable::triage,
                   DashboardTable::domains}) {
        if (name == to_string(t)) {
            return t;
        }
    }
    return std::nullopt;
}

std::string_view to_string(DashboardTable t) {
    switch (t) {
        case DashboardTable::daily:
            return "daily";
        case DashboardTable::status:
            return "status";
        case DashboardTable::triage:
            return "triage";
        case DashboardTable::domains:
            return "domains";
    }
    return "daily";
}

Oversight::Oversight(store::Store& store, const core::Clock& clock)
    : store_(store), clock_(clock) {}

core::result<void> Oversight::record(const Principal& who, std::string action, std::string object,
                                     std::string detail) {
    return store_.append_audit(
        store::AuditEvent{clock_.now_micros(), "operator:" + std::to_string(who.operator_id),
                          std::move(action), std::move(object), std::move(detail)});
}

core::result<std::vector<FieldError>> Oversight::resolve(const AuditFilter& f, const Principal& who,
                                                         store::AuditQuery& q) {
    std::vector<FieldError> errors;
    for (const auto& [field, value, max] : {std::tuple{"actor", &f.actor, 64},
                                            {"action", &f.action, 64},
                                            {"object", &f.object, 128}}) {
        if (value->size() > static_cast<std::size_t>(max)) {
            errors.push_back({field, "audit_too_long"});
        }
    }
    if (!errors.empty()) {
        return errors;
    }
    if (!f.actor.empty()) {
        if (valid_actor_token(f.actor)) {
            q.actor = f.actor;
        } else if (is_valid_username(f.actor)) {
            auto op = store_.find_operator(f.actor);
            if (!op && op.error() != errc::not_found) {
                return op.error();
            }
            if (op) {
                q.actor = "operator:" + std::to_string(op.value().id);
            } else {
                errors.push_back({"actor", "audit_unknown_actor"});
            }
        } else {
            errors.push_back({"actor", "audit_unknown_actor"});
        }
    }
    if (!valid_action(f.action)) {
        errors.push_back({"action", "audit_bad_action"});
    } else {
        q.action_prefix = f.action;
    }
    q.object = f.object;
    std::optional<std::int64_t> from, to;
    if (!f.from.empty() && !(from = rome_midnight(f.from))) {
        errors.push_back({"from", "audit_bad_date"});
    }
    if (!f.to.empty()) {
        // Inclusive: up to the start of the next day in Rome.
        if (auto t = rome_midnight(f.to)) {
            const year_month_day next{sys_days{floor<days>(sys_seconds{seconds{*t + 43200}})} +
                                      days{1}};
            to = midnight_of(next);
        } else {
            errors.push_back({"to", "audit_bad_date"});
        }
    }
    if (from && to && *from >= *to) {
        errors.push_back({"to", "audit_bad_range"});
    }
    q.from_us = from.value_or(0) * 1'000'000;
    q.to_us = to.value_or(0) * 1'000'000;
    q.before_seq = std::max<std::int64_t>(f.before, 0);
    q.hide_restricted = !who.may_see_csam();
    return errors;
}

core::result<AuditListing> Oversight::audit(const Principal& who, const AuditFilter& filter,
                                            int limit) {
    if (!who.at_least("supervisor")) {
        return errc::permission_denied;
    }
    SEGNALA_TRY(out, read_audit(who, filter, limit));
    if (out.errors.empty()) {
        SEGNALA_TRYV(record(who, "audit.browse", "audit", filter_json(filter).dump()));
    }
    return out;
}

core::result<AuditListing> Oversight::read_audit(const Principal& who, const AuditFilter& filter,
                                                 int limit) {
    AuditListing out;
    store::AuditQuery q;
    q.limit = limit;
    SEGNALA_TRY(errors, resolve(filter, who, q));
    if (!errors.empty()) {
        out.errors = std::move(errors);
        return out;
    }
    SEGNALA_TRY(page, store::query_audit(store_.database(), q));
    SEGNALA_TRY(ops, store_.list_operators());
    std::map<std::string, std::string> names;
    for (const auto& op : ops) {
        names["operator:" + std::to_string(op.id)] = op.username;
    }
    for (auto& e : page.entries) {
        auto it = names.find(e.actor);
        out.rows.push_back({std::move(e), it == names.end() ? std::string() : it->second});
    }
    out.next_before = page.next_before;
    return out;
}

core::result<std::string> Oversight::audit_csv(const Principal& who, const AuditFilter& filter) {
    if (!who.at_least("supervisor")) {
        return errc::permission_denied;
    }
    SEGNALA_TRY(listing, read_audit(who, filter, kAuditCsvRows));
    if (!listing.errors.empty()) {
        return errc::invalid_argument;
    }
    std::string csv =
        csv_line({"seq", "time", "actor", "username", "action", "object", "detail", "hash"});
    for (const auto& r : listing.rows) {
        csv += csv_line({std::to_string(r.entry.seq), rome_datetime(r.entry.at / 1'000'000),
                         r.entry.actor, r.actor_name, r.entry.action, r.entry.object,
                         r.entry.detail, r.entry.hash});
    }
    auto detail = filter_json(filter);
    detail["rows"] = listing.rows.size();
    SEGNALA_TRYV(record(who, "audit.export", "audit", detail.dump()));
    return csv;
}

core::result<store::AuditVerification> Oversight::verify(const Principal& who) {
    if (!who.at_least("supervisor")) {
        return errc::permission_denied;
    }
    SEGNALA_TRY(v, store_.verify_audit());
    nlohmann::json detail = {{"ok", v.ok}, {"entries", v.entries}};
    if (!v.ok) {
        detail["first_bad_seq"] = v.first_bad_seq;
    }
    SEGNALA_TRYV(record(who, "audit.verify", "audit", detail.dump()));
    return v;
}

core::result<Dashboard> Oversight::figures(const Principal& who,
                                           std::optional<DashboardTable> only) {
    const auto wanted = [&](DashboardTable t) { return !only || *only == t; };
    Dashboard d;
    d.generated_at = clock_.now_unix();
    d.includes_csam = who.may_see_csam();
    for (auto c : core::kCategories) {
        if (c != core::Category::csam || d.includes_csam) {
            d.categories.emplace_back(core::to_string(c));
        }
    }
    // The window: the last kDashboardDays days in Rome, today included.
    const auto today = *rome_midnight(rome_day(d.generated_at));
    const year_month_day today_ymd{floor<days>(sys_seconds{seconds{today + 43200}})};
    const std::int64_t start = midnight_of(sys_days{today_ymd} - days{kDashboardDays - 1});
    const std::int64_t end = midnight_of(sys_days{today_ymd} + days{1});
    std::map<std::string, std::size_t> day_index;
    for (int i = 0; i < kDashboardDays; ++i) {
        DailyRow row;
        row.day = rome_day(midnight_of(sys_days{today_ymd} - days{kDashboardDays - 1 - i}) + 43200);
        row.reports.assign(d.categories.size(), 0);
        day_index[row.day] = d.days.size();
        d.days.push_back(std::move(row));
    }
    auto& db = store_.database();
    if (wanted(DashboardTable::daily)) {
        SEGNALA_TRYV(fill_days(d, day_index, start, end));
    }
    if (wanted(DashboardTable::status)) {
        SEGNALA_TRY(statuses, store::open_cases_by_status(db, d.includes_csam));
        for (auto s : {core::Status::received, core::Status::in_review, core::Status::confirmed}) {
            store::StatusCount sc{std::string(core::to_string(s)), 0};
            for (const auto& got : statuses) {
                if (got.status == sc.status) {
                    sc.cases = got.cases;
                }
            }
            d.open_by_status.push_back(std::move(sc));
        }
    }
    if (wanted(DashboardTable::triage)) {
        SEGNALA_TRY(triage, store::triage_times(db, start, d.includes_csam));
        d.triage = std::move(triage);
    }
    if (wanted(DashboardTable::domains)) {
        SEGNALA_TRY(domains, store::top_domains(db, kTopDomains, d.includes_csam));
        d.top_domains = std::move(domains);
    }
    return d;
}

core::result<void> Oversight::fill_days(Dashboard& d,
                                        const std::map<std::string, std::size_t>& day_index,
                                        std::int64_t start, std::int64_t end) {
    SEGNALA_TRY(hours, store::reports_per_hour(store_.database(), start, end, d.includes_csam));
    for (const auto& h : hours) {
        // Rome's offset is whole hours, so an hour never straddles two of its days.
        auto it = day_index.find(rome_day(h.hour * 3600));
        if (it == day_index.end()) {
            continue;
        }
        auto col = std::find(d.categories.begin(), d.categories.end(), h.category);
        if (col == d.categories.end()) {
            col = std::find(d.categories.begin(), d.categories.end(), "other");
        }
        auto& row = d.days[it->second];
        row.reports[static_cast<std::size_t>(col - d.categories.begin())] += h.reports;
        row.total += h.reports;
    }
    return core::success();
}

core::result<Dashboard> Oversight::dashboard(const Principal& who) {
    if (!who.at_least("supervisor")) {
        return errc::permission_denied;
    }
    SEGNALA_TRY(d, figures(who, std::nullopt));
    SEGNALA_TRYV(record(who, "dashboard.view", "dashboard",
                        nlohmann::json{{"csam", d.includes_csam}}.dump()));
    return d;
}

core::result<std::string> Oversight::dashboard_csv(const Principal& who, DashboardTable table) {
    if (!who.at_least("supervisor")) {
        return errc::permission_denied;
    }
    SEGNALA_TRY(d, figures(who, table));
    std::string csv;
    switch (table) {
        case DashboardTable::daily: {
            std::vector<std::string> head{"day"};
            head.insert(head.end(), d.categories.begin(), d.categories.end());
            head.emplace_back("total");
            csv += csv_line(head);
            for (const auto& row : d.days) {
                std::vector<std::string> cells{row.day};
                for (auto n : row.reports) {
                    cells.push_back(std::to_string(n));
                }
                cells.push_back(std::to_string(row.total));
                csv += csv_line(cells);
            }
            break;
        }
        case DashboardTable::status:
            csv += csv_line({"status", "open_cases"});
            for (const auto& s : d.open_by_status) {
                csv += csv_line({s.status, std::to_string(s.cases)});
            }
            break;
        case DashboardTable::triage:
            csv += csv_line({"category", "triaged_cases", "median_seconds", "untriaged_cases"});
            for (const auto& t : d.triage) {
                csv += csv_line({t.category, std::to_string(t.cases),
                                 std::to_string(t.median_seconds), std::to_string(t.untriaged)});
            }
            break;
        case DashboardTable::domains:
            csv += csv_line({"registrable_domain", "open_cases", "reports"});
            for (const auto& dc : d.top_domains) {
                csv += csv_line({dc.domain, std::to_string(dc.cases), std::to_string(dc.reports)});
            }
            break;
    }
    SEGNALA_TRYV(
        record(who, "dashboard.export", "dashboard",
               nlohmann::json{{"table", std::string(to_string(table))}, {"csam", d.includes_csam}}
                   .dump()));
    return csv;
}

}  // namespace segnala::app
