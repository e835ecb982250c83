#include "store/audit_query.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <string_view>

#include "store/database.hpp"

namespace segnala::store {
namespace {

using core::errc;

constexpr int kMaxLimit = 10000;
// Pages read while skipping restricted entries before handing back a short page (the cursor
// still moves on, so the caller can continue).
constexpr int kMaxRounds = 8;
constexpr int kChunk = 64;

constexpr const char* kSelectAudit =
    "SELECT seq, at, actor, action, object, detail, prev_hash, hash FROM audit_log WHERE seq < $1";
constexpr const char* kRestrictedCases =
    "SELECT id FROM cases WHERE (restricted = 1 OR category = 'csam') AND id IN ";
constexpr const char* kRestrictedReports =
    "SELECT r.id FROM reports r JOIN cases c ON c.id = r.case_id "
    "WHERE (r.category = 'csam' OR c.restricted = 1 OR c.category = 'csam') AND r.id IN ";
constexpr const char* kRestrictedAttachments =
    "SELECT a.id FROM attachments a JOIN reports r ON r.id = a.report_id "
    "JOIN cases c ON c.id = r.case_id "
    "WHERE (r.category = 'csam' OR c.restricted = 1 OR c.category = 'csam') AND a.id IN ";

bool valid_action_prefix(std::string_view s) {
    return s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                      c == '-';
           });
}

/// The id of "<kind>:<digits>", or 0.
std::int64_t object_id(std::string_view object, std::string_view kind) {
    if (!object.starts_with(kind) || object.size() <= kind.size() || object[kind.size()] != ':') {
        return 0;
    }
    const auto digits = object.substr(kind.size() + 1);
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc() || end != digits.data() + digits.size() || id <= 0) {
        return 0;
    }
    return id;
}

/// The ids among `ids` that `sql_prefix` (ending in "IN ") selects.
core::result<std::set<std::int64_t>> select_ids(Tx& tx, const char* sql_prefix,
                                                const std::set<std::int64_t>& ids) {
    std::set<std::int64_t> out;
    if (ids.empty()) {
        return out;
    }
    std::string sql = sql_prefix;
    sql += '(';
    std::vector<Value> params;
    for (auto id : ids) {
        params.emplace_back(id);
        sql += (params.size() > 1 ? ", $" : "$") + std::to_string(params.size());
    }
    sql += ')';
    SEGNALA_TRY(rows, tx.query(sql, std::span<const Value>(params)));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        out.insert(rows.int64(i, 0));
    }
    return out;
}

struct Restricted {
    std::set<std::int64_t> cases, reports, attachments;
    bool contains(const std::string& object) const {
        if (auto id = object_id(object, "case")) {
            return cases.contains(id);
        }
        if (auto id = object_id(object, "report")) {
            return reports.contains(id);
        }
        if (auto id = object_id(object, "attachment")) {
            return attachments.contains(id);
        }
        return false;
    }
};

core::result<Restricted> restricted_among(Tx& tx, const std::vector<AuditEntry>& entries) {
    std::set<std::int64_t> cases, reports, attachments;
    for (const auto& e : entries) {
        if (auto id = object_id(e.object, "case")) {
            cases.insert(id);
        } else if (auto id = object_id(e.object, "report")) {
            reports.insert(id);
        } else if (auto id = object_id(e.object, "attachment")) {
            attachments.insert(id);
        }
    }
    Restricted r;
    SEGNALA_TRY(c, select_ids(tx, kRestrictedCases, cases));
    SEGNALA_TRY(rp, select_ids(tx, kRestrictedReports, reports));
    SEGNALA_TRY(a, select_ids(tx, kRestrictedAttachments, attachments));
    r.cases = std::move(c);
    r.reports = std::move(rp);
    r.attachments = std::move(a);
    return r;
}

core::result<std::vector<AuditEntry>> fetch(Tx& tx, const AuditQuery& q, std::int64_t before,
                                            int limit) {
    std::string sql = kSelectAudit;
    std::vector<Value> params{Value(before)};
    auto bind = [&](Value v) {
        params.push_back(std::move(v));
        return "$" + std::to_string(params.size());
    };
    if (!q.actor.empty()) {
        sql += " AND actor = " + bind(q.actor);
    }
    if (!q.object.empty()) {
        sql += " AND object = " + bind(q.object);
    }
    if (!q.action_prefix.empty()) {
        // substr() counts characters on both backends; the prefix is ASCII (checked above).
        // The length is our own number, written inline: PostgreSQL has no substr(text, int,
        // bigint) for a bound parameter.
        sql += " AND substr(action, 1, " + std::to_string(q.action_prefix.size()) +
               ") = " + bind(q.action_prefix);
    }
    if (q.from_us > 0) {
        sql += " AND at >= " + bind(q.from_us);
    }
    if (q.to_us > 0) {
        sql += " AND at < " + bind(q.to_us);
    }
    sql += " ORDER BY seq DESC LIMIT " + bind(limit);
    SEGNALA_TRY(rows, tx.query(sql, std::span<const Value>(params)));
    std::vector<AuditEntry> out;
    out.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        AuditEntry e;
        e.seq = rows.int64(i, 0);
        e.at = rows.int64(i, 1);
        e.actor = rows.text(i, 2);
        e.action = rows.text(i, 3);
        e.object = rows.text(i, 4);
        e.detail = rows.text(i, 5);
        e.prev_hash = rows.text(i, 6);
        e.hash = rows.text(i, 7);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace

core::result<AuditPage> query_audit(Database& db, const AuditQuery& q) {
    if (q.limit < 1 || q.limit > kMaxLimit || q.from_us < 0 || q.to_us < 0 || q.before_seq < 0 ||
        !valid_action_prefix(q.action_prefix)) {
        return errc::invalid_argument;
    }
    return db.read_as<AuditPage>([&](Tx& tx) -> core::result<AuditPage> {
        AuditPage page;
        std::int64_t before = q.before_seq > 0 ? q.before_seq : INT64_MAX;
        for (int round = 0; round < kMaxRounds; ++round) {
            // Read ahead in chunks so that hidden entries cost few round trips; one more row
            // than the chunk tells whether older entries exist.
            const int chunk = std::max(q.limit - static_cast<int>(page.entries.size()), kChunk);
            SEGNALA_TRY(batch, fetch(tx, q, before, chunk + 1));
            const bool more = batch.size() > static_cast<std::size_t>(chunk);
            if (more) {
                batch.pop_back();
            }
            Restricted hidden;
            if (q.hide_restricted) {
                SEGNALA_TRY(r, restricted_among(tx, batch));
                hidden = std::move(r);
            }
            for (std::size_t i = 0; i < batch.size(); ++i) {
                before = batch[i].seq;
                if (hidden.contains(batch[i].object)) {
                    continue;
                }
                page.entries.push_back(std::move(batch[i]));
                if (page.entries.size() == static_cast<std::size_t>(q.limit)) {
                    page.next_before = (i + 1 < batch.size() || more) ? before : 0;
                    return page;
                }
            }
            page.next_before = more ? before : 0;
            if (!more) {
                return page;
            }
        }
        return page;
    });
}

core::result<bool> is_restricted_object(Database& db, const std::string& object) {
    return db.read_as<bool>([&](Tx& tx) -> core::result<bool> {
        AuditEntry probe;
        probe.object = object;
        SEGNALA_TRY(r, restricted_among(tx, {probe}));
        return r.contains(object);
    });
}

}  // namespace segnala::store
