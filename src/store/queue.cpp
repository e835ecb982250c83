// The triage queue: keyset-paginated listing, search, overdue counts and bulk actions.
#include "store/queue.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "store/audit_log.hpp"
#include "store/database.hpp"

namespace segnala::store {
namespace {

using core::errc;

constexpr const char* kColumns =
    "SELECT c.id, c.category, c.status, c.status_at, c.canonical_url, c.host, "
    "c.registrable_domain, c.report_count, c.first_seen, c.last_seen, c.signals, c.priority, "
    "c.restricted, c.assigned_to, COALESCE(o.username, ''), c.first_triage_at ";
constexpr const char* kFrom = "FROM cases c LEFT JOIN operators o ON o.id = c.assigned_to";

// Full-text search has two plans, chosen by how many reports match (counted up to
// Queue::common_matches_): a selective query drives from the index (its cases, then sorted); a
// common one walks the queue in rank order and checks each case (every case the report has a URL
// in). Either way a page costs about the same whatever the word; SQLite, which has no
// statistics here, is told the join order.
constexpr const char* kMatchCountSqlite =
    "SELECT COUNT(*) FROM (SELECT 1 FROM report_search WHERE report_search MATCH $1 LIMIT {})";
constexpr const char* kMatchCountPostgres =
    "SELECT COUNT(*) FROM (SELECT 1 FROM report_search WHERE tsv @@ to_tsquery('simple', $1) "
    "LIMIT {}) m";
constexpr const char* kFromMatchesSqlite =
    "FROM (SELECT DISTINCT ru.case_id AS id FROM report_search JOIN report_urls ru "
    "ON ru.report_id = report_search.rowid WHERE report_search MATCH {}) m "
    "CROSS JOIN cases c ON c.id = m.id LEFT JOIN operators o ON o.id = c.assigned_to";
constexpr const char* kInMatchesPostgres =
    "c.id IN (SELECT ru.case_id FROM report_search s JOIN report_urls ru "
    "ON ru.report_id = s.report_id WHERE s.tsv @@ to_tsquery('simple', {}))";
constexpr const char* kExistsSqlite =
    "EXISTS (SELECT 1 FROM report_urls ru JOIN report_search "
    "ON report_search.rowid = ru.report_id WHERE ru.case_id = c.id AND report_search MATCH {})";
constexpr const char* kExistsPostgres =
    "EXISTS (SELECT 1 FROM report_urls ru JOIN report_search s ON s.report_id = ru.report_id "
    "WHERE ru.case_id = c.id AND s.tsv @@ to_tsquery('simple', {}))";
// SQLite has no statistics here, so it is told which index reads the filtered queue in rank
// order (migrations 3 and 4); PostgreSQL's planner has them.
std::string from_indexed_by(const char* index) {
    return std::string("FROM cases c INDEXED BY ") + index +
           " LEFT JOIN operators o ON o.id = c.assigned_to";
}

constexpr const char* kCaseForAction =
    "SELECT status, assigned_to, first_triage_at, restricted, open FROM cases "
    "WHERE id = $1 AND merged_into = 0";

constexpr const char* kTake =
    "UPDATE cases SET assigned_to = $2, assigned_at = $3, status = $4, "
    "status_at = CASE WHEN status = $4 THEN status_at ELSE $3 END, "
    "triaged_by = CASE WHEN first_triage_at = 0 THEN $2 ELSE triaged_by END, "
    "first_triage_at = CASE WHEN first_triage_at = 0 THEN $3 ELSE first_triage_at END "
    "WHERE id = $1";

constexpr const char* kAssign = "UPDATE cases SET assigned_to = $2, assigned_at = $3 WHERE id = $1";

constexpr const char* kClose =
    "UPDATE cases SET status = 'not_actionable', status_at = $2, open = 0, "
    "triaged_by = CASE WHEN first_triage_at = 0 THEN $3 ELSE triaged_by END, "
    "first_triage_at = CASE WHEN first_triage_at = 0 THEN $2 ELSE first_triage_at END "
    "WHERE id = $1";

constexpr const char* kInsertEvent =
    "INSERT INTO case_events (case_id, at, operator_id, kind, detail) VALUES ($1, $2, $3, $4, $5)";

constexpr const char* kOverdue =
    "SELECT c.category, c.assigned_to, COALESCE(o.username, ''), COUNT(*), MIN(c.first_seen) "
    "FROM cases c LEFT JOIN operators o ON o.id = c.assigned_to "
    "WHERE c.open = 1 AND c.merged_into = 0 AND c.first_triage_at = 0 AND c.category = $1 "
    "AND c.first_seen < $2 AND c.restricted <= $3 "
    "GROUP BY c.category, c.assigned_to, o.username ORDER BY COUNT(*) DESC";

bool is_reason(std::string_view r) {
    return !r.empty() && r.size() <= 32 && std::all_of(r.begin(), r.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || c == '_';
    });
}

/// WHERE conditions and their parameters, numbered as they are added.
class Where {
  public:
    std::string param(Value v) {
        params_.push_back(std::move(v));
        return "$" + std::to_string(params_.size());
    }
    void add(std::string cond) { conds_.push_back(std::move(cond)); }
    std::string sql() const {
        std::string out;
        for (const auto& c : conds_) {
            out += out.empty() ? " WHERE " : " AND ";
            out += c;
        }
        return out;
    }
    const std::vector<Value>& params() const { return params_; }

  private:
    std::vector<std::string> conds_;
    std::vector<Value> params_;
};

core::result<std::string> text_expression(const std::vector<std::vector<std::string>>& groups,
                                          Dialect d) {
    std::string out;
    for (const auto& g : groups) {
        if (g.empty()) {
            return errc::invalid_argument;
        }
        std::string alt;
        for (const auto& t : g) {
            if (!is_search_token(t)) {
                return errc::invalid_argument;
            }
            if (!alt.empty()) {
                alt += d == Dialect::sqlite ? " OR " : " | ";
            }
            // Quoted for FTS5 so that no token is ever read as an operator.
            alt += d == Dialect::sqlite ? "\"" + t + "\"" : t;
        }
        if (!out.empty()) {
            out += d == Dialect::sqlite ? " AND " : " & ";
        }
        out += "(" + alt + ")";
    }
    return out;
}

/// How a query reads the cases: FROM clause, plus the text condition when it is one.
struct Plan {
    std::string from = kFrom;
    std::string text_param;  ///< "$n" of the text expression when the query has one
};

/// The filter's conditions other than restricted and the cursor, and the plan that reads
/// them. `common`: the text query matches many reports (see kCommonMatches).
core::result<Plan> add_filters(Where& w, const QueueFilter& f, Dialect d, bool common) {
    Plan plan;
    const bool sqlite = d == Dialect::sqlite;
    if (!f.text.empty()) {
        SEGNALA_TRY(expr, text_expression(f.text, d));
        const std::string param = w.param(expr);
        if (common) {
            w.add(fmt::format(fmt::runtime(sqlite ? kExistsSqlite : kExistsPostgres), param));
        } else if (sqlite) {
            plan.from = fmt::format(fmt::runtime(kFromMatchesSqlite), param);
        } else {
            w.add(fmt::format(fmt::runtime(kInMatchesPostgres), param));
        }
    }
    if (sqlite && (f.text.empty() || common)) {
        if (!f.registrable_domain.empty()) {
            plan.from = from_indexed_by("cases_queue_domain");
        } else if (!f.status.empty()) {
            plan.from = from_indexed_by("cases_queue_status");
        } else if (!f.category.empty()) {
            plan.from = from_indexed_by("cases_queue_category");
        } else if (f.assigned_to > 0) {
            plan.from = from_indexed_by("cases_queue_assigned");
        }
    }
    if (f.status.empty()) {
        w.add("c.open = 1");
    } else {
        w.add("c.status = " + w.param(f.status));
    }
    w.add("c.merged_into = 0");
    if (!f.category.empty()) {
        w.add("c.category = " + w.param(f.category));
    }
    if (!f.registrable_domain.empty()) {
        w.add("c.registrable_domain = " + w.param(f.registrable_domain));
    }
    if (f.seen_from > 0) {
        w.add("c.last_seen >= " + w.param(f.seen_from));
    }
    if (f.seen_until > 0) {
        w.add("c.first_seen < " + w.param(f.seen_until));
    }
    if (f.assigned_to > 0) {
        w.add("c.assigned_to = " + w.param(f.assigned_to));
    }
    return plan;
}

/// Whether the text query matches at least `common_matches` reports.
core::result<bool> is_common(Tx& tx, const QueueFilter& f, int common_matches) {
    if (f.text.empty()) {
        return false;
    }
    SEGNALA_TRY(expr, text_expression(f.text, tx.dialect()));
    const char* sql = tx.dialect() == Dialect::sqlite ? kMatchCountSqlite : kMatchCountPostgres;
    SEGNALA_TRY(rows, tx.query(fmt::format(fmt::runtime(sql), common_matches), {expr}));
    return rows.int64(0, 0) >= common_matches;
}

QueueRow to_row(const Rows& r, std::size_t i) {
    QueueRow q;
    q.id = r.int64(i, 0);
    q.category = r.text(i, 1);
    q.status = r.text(i, 2);
    q.status_at = r.int64(i, 3);
    q.canonical_url = r.text(i, 4);
    q.host = r.text(i, 5);
    q.registrable_domain = r.text(i, 6);
    q.report_count = r.int64(i, 7);
    q.first_seen = r.int64(i, 8);
    q.last_seen = r.int64(i, 9);
    q.signals = r.text(i, 10);
    q.priority = r.int64(i, 11);
    q.restricted = r.int64(i, 12) != 0;
    q.assigned_to = r.int64(i, 13);
    q.assigned_username = r.text(i, 14);
    q.first_triage_at = r.int64(i, 15);
    return q;
}

const char* action_name(BulkAction a) {
    switch (a) {
        case BulkAction::take:
            return "case.take";
        case BulkAction::assign:
            return "case.assign";
        case BulkAction::close_not_actionable:
            return "case.close";
    }
    return "case.unknown";
}

}  // namespace

bool is_search_token(std::string_view token) {
    return !token.empty() && token.size() <= 64 &&
           std::all_of(token.begin(), token.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

Queue::Queue(Database& db) : db_(db) {}

core::result<QueuePage> Queue::list(const QueueFilter& f) {
    const int limit = std::clamp(f.limit, 1, 200);
    // Restricted (CSAM) cases come first. Each segment is one index range scan in
    // (priority DESC, id DESC) order, so a page costs the same at any depth.
    std::vector<int> segments;
    const bool csam_only = f.category == "csam";
    if (f.include_restricted && (f.category.empty() || csam_only) &&
        (!f.after || f.after->restricted == 1)) {
        segments.push_back(1);
    }
    if (!csam_only) {
        segments.push_back(0);
    }
    return db_.read_as<QueuePage>([&](Tx& tx) -> core::result<QueuePage> {
        QueuePage page;
        SEGNALA_TRY(common, is_common(tx, f, common_matches_));
        for (int seg : segments) {
            const int want = limit + 1 - static_cast<int>(page.rows.size());
            if (want <= 0) {
                break;
            }
            Where w;
            SEGNALA_TRY(plan, add_filters(w, f, tx.dialect(), common));
            w.add("c.restricted = " + w.param(seg));
            if (f.after && f.after->restricted == seg) {
                w.add("(c.priority, c.id) < (" + w.param(f.after->priority) + ", " +
                      w.param(f.after->id) + ")");
            }
            const std::string sql = std::string(kColumns) + plan.from + w.sql() +
                                    " ORDER BY c.priority DESC, c.id DESC LIMIT " +
                                    std::to_string(want);
            SEGNALA_TRY(rows, tx.query(sql, std::span<const Value>(w.params())));
            for (std::size_t i = 0; i < rows.size(); ++i) {
                page.rows.push_back(to_row(rows, i));
            }
        }
        if (static_cast<int>(page.rows.size()) > limit) {
            page.rows.resize(static_cast<std::size_t>(limit));
            const auto& last = page.rows.back();
            page.next = QueueCursor{last.restricted ? 1 : 0, last.priority, last.id};
        }
        return page;
    });
}

core::result<std::int64_t> Queue::count(const QueueFilter& f) {
    return db_.read_as<std::int64_t>([&](Tx& tx) -> core::result<std::int64_t> {
        Where w;
        SEGNALA_TRY(common, is_common(tx, f, common_matches_));
        SEGNALA_TRY(plan, add_filters(w, f, tx.dialect(), common));
        if (!f.include_restricted) {
            w.add("c.restricted = 0");
        }
        SEGNALA_TRY(rows, tx.query("SELECT COUNT(*) " + plan.from + w.sql(),
                                   std::span<const Value>(w.params())));
        return rows.int64(0, 0);
    });
}

core::result<std::vector<OverdueCount>> Queue::overdue(
    const std::vector<OverdueDeadline>& deadlines, bool include_restricted) {
    return db_.read_as<std::vector<OverdueCount>>(
        [&](Tx& tx) -> core::result<std::vector<OverdueCount>> {
            std::vector<OverdueCount> out;
            for (const auto& d : deadlines) {
                SEGNALA_TRY(rows, tx.query(kOverdue, {d.category, d.first_seen_before,
                                                      include_restricted ? 1 : 0}));
                for (std::size_t i = 0; i < rows.size(); ++i) {
                    out.push_back({rows.text(i, 0), rows.int64(i, 1), rows.text(i, 2),
                                   rows.int64(i, 3), rows.int64(i, 4)});
                }
            }
            return out;
        });
}

core::result<BulkOutcome> Queue::apply(const BulkRequest& r) {
    if (r.case_ids.empty() || r.case_ids.size() > kMaxBulk || r.actor_id <= 0) {
        return errc::invalid_argument;
    }
    if (r.action == BulkAction::close_not_actionable && !is_reason(r.reason)) {
        return errc::invalid_argument;
    }
    std::vector<std::int64_t> ids = r.case_ids;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    const std::int64_t at = r.at_micros / 1'000'000;
    const std::string actor = "operator:" + std::to_string(r.actor_id);
    return db_.write_as<BulkOutcome>([&](Tx& tx) -> core::result<BulkOutcome> {
        BulkOutcome out;
        for (std::int64_t id : ids) {
            SEGNALA_TRY(cur, tx.query(kCaseForAction, {id}));
            if (cur.empty()) {
                ++out.skipped;
                continue;
            }
            const std::string status = cur.text(0, 0);
            const std::int64_t assigned = cur.int64(0, 1);
            const bool restricted = cur.int64(0, 3) != 0;
            const bool open = cur.int64(0, 4) != 0;
            if ((restricted && !r.include_restricted) || !open) {
                ++out.skipped;
                continue;
            }
            std::string detail;
            const char* kind = "status";
            switch (r.action) {
                case BulkAction::take: {
                    const std::string next = status == "received" ? "in_review" : status;
                    if (assigned == r.actor_id && next == status) {
                        ++out.skipped;
                        continue;
                    }
                    SEGNALA_TRYV(tx.exec(kTake, {id, r.actor_id, at, next}));
                    kind = "take";
                    detail = fmt::format(
                        R"({{"assigned_from":{},"assigned_to":{},"from":"{}","to":"{}"}})",
                        assigned, r.actor_id, status, next);
                    break;
                }
                case BulkAction::assign: {
                    if (assigned == r.assignee || (restricted && !r.assignee_csam)) {
                        ++out.skipped;
                        continue;
                    }
                    SEGNALA_TRYV(tx.exec(kAssign, {id, r.assignee, at}));
                    kind = "assign";
                    detail = fmt::format(R"({{"assigned_from":{},"assigned_to":{}}})", assigned,
                                         r.assignee);
                    break;
                }
                case BulkAction::close_not_actionable: {
                    SEGNALA_TRYV(tx.exec(kClose, {id, at, r.actor_id}));
                    detail = fmt::format(R"({{"from":"{}","to":"not_actionable","reason":"{}"}})",
                                         status, r.reason);
                    break;
                }
            }
            SEGNALA_TRYV(tx.exec(kInsertEvent, {id, at, r.actor_id, kind, detail}));
            AuditEvent e;
            e.at = r.at_micros;
            e.actor = actor;
            e.action = action_name(r.action);
            e.object = "case:" + std::to_string(id);
            e.detail = detail;
            SEGNALA_TRY(entry, append_audit_in(tx, e));
            (void)entry;
            out.changed.push_back(id);
        }
        return out;
    });
}

}  // namespace segnala::store
