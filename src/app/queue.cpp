#include "app/queue.hpp"

#include <algorithm>
#include <charconv>

#include "core/civil_time.hpp"
#include "core/report.hpp"
#include "store/priority.hpp"
#include "url/canonicalize.hpp"
#include "url/defang.hpp"

namespace segnala::app {
namespace {

using core::errc;

std::optional<std::int64_t> parse_int(std::string_view s) {
    std::int64_t v = 0;
    if (s.empty() || s.size() > 19) {
        return std::nullopt;
    }
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) {
        return std::nullopt;
    }
    return v;
}

bool is_domain(std::string_view d) {
    return !d.empty() && d.size() <= 253 && d.front() != '.' && d.back() != '.' &&
           std::all_of(d.begin(), d.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
           });
}

std::string lower_trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string display_of(const std::string& canonical) {
    auto c = url::canonicalize(canonical);
    if (c) {
        return url::defang(c.value());
    }
    // Not expected (stored URLs are canonical); never show a live-looking URL anyway.
    std::string out;
    for (char ch : canonical) {
        out += ch == '.' ? std::string("[.]") : std::string(1, ch);
    }
    return "hxxp-unparsed:" + out;
}

}  // namespace

std::int64_t TriageTargets::seconds_for(std::string_view category) const {
    auto it = hours.find(std::string(category));
    return (it == hours.end() ? 72 : it->second) * 3600;
}

Queue::Queue(store::Queue& queue, store::Store& store, const SearchTerms& terms,
             const core::Clock& clock, TriageTargets targets)
    : queue_(queue), store_(store), terms_(terms), clock_(clock), targets_(std::move(targets)) {}

std::vector<FieldError> Queue::parse(const QueueForm& form, const Principal& who,
                                     store::QueueFilter& out) const {
    std::vector<FieldError> errors;
    out = {};
    out.include_restricted = who.may_see_csam();
    if (!form.category.empty()) {
        auto c = core::parse_category(form.category);
        // Without the csam permission the category does not exist, not even as a filter.
        if (!c || (*c == core::Category::csam && !out.include_restricted)) {
            errors.push_back({"category", "queue_bad_category"});
        } else {
            out.category = form.category;
        }
    }
    if (!form.status.empty()) {
        if (!core::parse_status(form.status)) {
            errors.push_back({"status", "queue_bad_status"});
        } else {
            out.status = form.status;
        }
    }
    if (const std::string d = lower_trim(form.domain); !d.empty()) {
        if (!is_domain(d)) {
            errors.push_back({"domain", "queue_bad_domain"});
        } else {
            out.registrable_domain = d;
        }
    }
    // Days as the operator lives them: Rome civil time, the "to" day included.
    std::optional<std::int64_t> from;
    std::optional<std::int64_t> to;
    if (!form.from.empty()) {
        from = core::rome_midnight(form.from);
        if (!from) {
            errors.push_back({"from", "queue_bad_date"});
        } else {
            out.seen_from = *from;
        }
    }
    if (!form.to.empty()) {
        to = core::rome_midnight(form.to);
        if (!to) {
            errors.push_back({"to", "queue_bad_date"});
        } else {
            // The next midnight: days are 23 to 25 hours long.
            out.seen_until = core::rome_day_start(*to + 30 * 3600);
        }
    }
    if (from && to && *from > *to) {
        errors.push_back({"to", "queue_bad_range"});
    }
    if (form.mine == "1") {
        out.assigned_to = who.operator_id;
    }
    if (form.q.size() > 1000) {
        errors.push_back({"q", "queue_query_too_long"});
    } else {
        out.text = terms_.parse_query(form.q);
    }
    if (!form.after.empty()) {
        auto c = decode_cursor(form.after);
        if (!c) {
            errors.push_back({"after", "queue_bad_cursor"});
        } else {
            out.after = c.value();
        }
    }
    out.limit = 50;
    return errors;
}

core::result<QueueView> Queue::page(const store::QueueFilter& filter) {
    if (!filter.text.empty()) {
        // A search sees every stored report: file what the background indexer has not yet.
        SEGNALA_TRY(filed, store_.index_all_search_backlog());
        (void)filed;
    }
    SEGNALA_TRY(page, queue_.list(filter));
    QueueView view;
    view.now = clock_.now_unix();
    for (auto& row : page.rows) {
        QueueItem item;
        item.display_url = display_of(row.canonical_url);
        for (const auto& part :
             store::priority_parts(row.category, row.report_count, row.signals)) {
            item.why.push_back({std::string(part.reason), part.seconds / 3600});
        }
        item.age_seconds = std::max<std::int64_t>(0, view.now - row.first_seen);
        item.target_seconds = targets_.seconds_for(row.category);
        if (row.first_triage_at > 0) {
            item.triaged_after = std::max<std::int64_t>(0, row.first_triage_at - row.first_seen);
        } else {
            item.overdue = item.age_seconds > item.target_seconds;
        }
        item.row = std::move(row);
        view.items.push_back(std::move(item));
    }
    if (page.next) {
        view.next = encode_cursor(*page.next);
    }
    return view;
}

core::result<OverdueView> Queue::overdue(const Principal& who) {
    if (!who.at_least("supervisor")) {
        return errc::permission_denied;
    }
    const std::int64_t now = clock_.now_unix();
    std::vector<store::OverdueDeadline> deadlines;
    for (auto c : core::kCategories) {
        if (c == core::Category::csam && !who.may_see_csam()) {
            continue;
        }
        const std::string name(core::to_string(c));
        deadlines.push_back({name, now - targets_.seconds_for(name)});
    }
    SEGNALA_TRY(counts, queue_.overdue(deadlines, who.may_see_csam()));
    OverdueView view;
    for (const auto& d : deadlines) {
        OverdueView::ByCategory bc{d.category, targets_.seconds_for(d.category) / 3600, 0, 0};
        for (const auto& c : counts) {
            if (c.category == d.category) {
                bc.cases += c.cases;
                if (bc.oldest_first_seen == 0 || c.oldest_first_seen < bc.oldest_first_seen) {
                    bc.oldest_first_seen = c.oldest_first_seen;
                }
            }
        }
        view.total += bc.cases;
        view.by_category.push_back(std::move(bc));
    }
    for (const auto& c : counts) {
        auto it = std::find_if(view.by_operator.begin(), view.by_operator.end(),
                               [&](const auto& o) { return o.operator_id == c.assigned_to; });
        if (it == view.by_operator.end()) {
            view.by_operator.push_back({c.assigned_to, c.assigned_username, c.cases});
        } else {
            it->cases += c.cases;
        }
    }
    std::sort(view.by_operator.begin(), view.by_operator.end(),
              [](const auto& a, const auto& b) { return a.cases > b.cases; });
    return view;
}

core::result<store::BulkOutcome> Queue::bulk(const Principal& who, const BulkForm& form) {
    store::BulkRequest r;
    if (form.action == "take") {
        r.action = store::BulkAction::take;
    } else if (form.action == "assign") {
        if (!who.at_least("supervisor")) {
            return errc::permission_denied;
        }
        r.action = store::BulkAction::assign;
    } else if (form.action == "close") {
        if (!who.at_least("analyst")) {
            return errc::permission_denied;
        }
        r.action = store::BulkAction::close_not_actionable;
        if (std::find(std::begin(kCloseReasons), std::end(kCloseReasons), form.reason) ==
            std::end(kCloseReasons)) {
            return errc::invalid_argument;
        }
        r.reason = form.reason;
    } else {
        return errc::invalid_argument;
    }
    if (form.case_ids.empty() || form.case_ids.size() > store::kMaxBulk) {
        return errc::invalid_argument;
    }
    for (const auto& s : form.case_ids) {
        auto id = parse_int(s);
        if (!id || *id <= 0) {
            return errc::invalid_argument;
        }
        r.case_ids.push_back(*id);
    }
    if (r.action == store::BulkAction::assign) {
        const std::string name = lower_trim(form.assignee);
        if (!name.empty()) {
            auto op = store_.find_operator(name);
            if (!op) {
                return op.error() == errc::not_found ? errc::not_found : op.error();
            }
            if (op.value().disabled) {
                return errc::not_found;
            }
            Principal assignee;
            assignee.permissions = op.value().permissions;
            r.assignee = op.value().id;
            r.assignee_csam = assignee.may_see_csam();
        }
    }
    r.actor_id = who.operator_id;
    r.at_micros = clock_.now_micros();
    r.include_restricted = who.may_see_csam();
    return queue_.apply(r);
}

}  // namespace segnala::app
