#include "store/case_files.hpp"

#include <algorithm>
#include <map>

#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/priority.hpp"

namespace segnala::store {
namespace {

using core::errc;

constexpr const char* kCaseSelect =
    "SELECT c.id, c.url_hash, c.canonical_url, c.host, c.registrable_domain, c.category, "
    "c.status, c.status_at, c.report_count, c.first_seen, c.last_seen, c.signals, c.open, "
    "CASE WHEN c.restricted = 1 OR c.category = 'csam' THEN 1 ELSE 0 END, c.assigned_to, "
    "COALESCE(o.username, ''), c.first_triage_at, c.triaged_by, c.merged_into, c.action_kind, "
    "c.action_reference FROM cases c LEFT JOIN operators o ON o.id = c.assigned_to "
    "WHERE c.id = $1";

// IN (the case, the cases merged into it) rather than an OR, so that both backends use the
// report_urls_case index instead of scanning report_urls.
constexpr const char* kCaseReports =
    "SELECT r.id, r.code, r.case_id, r.category, r.channel, r.verified, r.lang, r.created_at, "
    "r.sender, r.subject_sealed, r.text_sealed, r.description_sealed, r.contact_sealed, "
    "r.erased_at, r.contact_erased_at FROM reports r WHERE r.id IN (SELECT u.report_id FROM "
    "report_urls u WHERE u.case_id IN "
    "(SELECT CAST($1 AS BIGINT) UNION ALL SELECT m.id FROM cases m WHERE m.merged_into = $1)) "
    "ORDER BY r.created_at, r.id LIMIT $2";

constexpr const char* kCountCaseReports =
    "SELECT COUNT(*) FROM reports r WHERE r.id IN (SELECT u.report_id FROM report_urls u "
    "WHERE u.case_id IN (SELECT CAST($1 AS BIGINT) UNION ALL SELECT m.id FROM cases m "
    "WHERE m.merged_into = $1))";

constexpr const char* kEvents =
    "SELECT e.id, e.at, e.operator_id, COALESCE(o.username, ''), e.kind, e.detail "
    "FROM case_events e LEFT JOIN operators o ON o.id = e.operator_id WHERE e.case_id = $1 "
    "ORDER BY e.at, e.id";

constexpr const char* kNotes =
    "SELECT n.id, n.at, n.operator_id, COALESCE(o.username, ''), n.body_sealed "
    "FROM case_notes n LEFT JOIN operators o ON o.id = n.operator_id WHERE n.case_id = $1 "
    "ORDER BY n.at, n.id";

constexpr const char* kRelatedColumns =
    "SELECT c.id, c.canonical_url, c.category, c.status, c.report_count, "
    "CASE WHEN c.restricted = 1 OR c.category = 'csam' THEN 1 ELSE 0 END FROM ";

constexpr const char* kInsertEvent =
    "INSERT INTO case_events (case_id, at, operator_id, kind, detail) VALUES ($1, $2, $3, $4, $5)";

constexpr const char* kUpdateStatus =
    "UPDATE cases SET status = $2, status_at = $3, open = $4, action_kind = $5, "
    "action_reference = $6, first_triage_at = $7, triaged_by = $8 WHERE id = $1";

constexpr const char* kSetMerged = "UPDATE cases SET merged_into = $2, open = $3 WHERE id = $1";
constexpr const char* kCountMergedInto = "SELECT COUNT(*) FROM cases WHERE merged_into = $1";

constexpr const char* kFindLink = "SELECT 1 FROM case_links WHERE case_a = $1 AND case_b = $2";
constexpr const char* kInsertLink =
    "INSERT INTO case_links (case_a, case_b, operator_id, at) VALUES ($1, $2, $3, $4)";

constexpr const char* kReportInCase =
    "SELECT COUNT(*) FROM report_urls WHERE report_id = $1 AND case_id = $2";
constexpr const char* kDistinctReportsInCase =
    "SELECT COUNT(DISTINCT report_id) FROM report_urls WHERE case_id = $1";
constexpr const char* kReportBasics = "SELECT created_at, category FROM reports WHERE id = $1";
constexpr const char* kInsertSplitCase =
    "INSERT INTO cases (url_hash, canonical_url, host, registrable_domain, category, status, "
    "status_at, report_count, first_seen, last_seen, signals, priority, open, restricted) "
    "VALUES ($1, $2, $3, $4, $5, 'received', $6, 1, $7, $7, $8, $9, 1, $10) RETURNING id";
constexpr const char* kMoveReportUrls =
    "UPDATE report_urls SET case_id = $3 WHERE report_id = $1 AND case_id = $2";
constexpr const char* kMoveReport =
    "UPDATE reports SET case_id = $3 WHERE id = $1 AND case_id = $2";
constexpr const char* kDecrementCount =
    "UPDATE cases SET report_count = report_count - 1 WHERE id = $1 AND report_count > 1";

constexpr const char* kInsertNote =
    "INSERT INTO case_notes (case_id, operator_id, at, body_sealed) VALUES ($1, $2, $3, $4)";

constexpr const char* kAttachment =
    "SELECT a.id, a.report_id, a.position, a.sha256, a.mime, a.size, a.width, a.height, r.code, "
    "r.case_id, CASE WHEN r.category = 'csam' OR EXISTS (SELECT 1 FROM report_urls u JOIN cases c "
    "ON c.id = u.case_id WHERE u.report_id = a.report_id AND (c.restricted = 1 OR c.category = "
    "'csam')) THEN 1 ELSE 0 END, a.erased_at FROM attachments a JOIN reports r ON "
    "r.id = a.report_id WHERE a.id = $1";

constexpr const char* kInsertReveal =
    "INSERT INTO reveals (operator_id, at, object, csam) VALUES ($1, $2, $3, $4)";
constexpr const char* kLastReveal =
    "SELECT COALESCE(MAX(at), 0) FROM reveals WHERE operator_id = $1 AND object = $2";
constexpr const char* kExposure =
    "SELECT COUNT(*), CAST(COALESCE(SUM(csam), 0) AS BIGINT) FROM reveals "
    "WHERE operator_id = $1 AND at >= $2";
constexpr const char* kExposures =
    "SELECT v.operator_id, COALESCE(o.username, ''), "
    "CAST(SUM(CASE WHEN v.at >= $1 THEN 1 ELSE 0 END) AS BIGINT), COUNT(*), "
    "CAST(SUM(CASE WHEN v.at >= $1 THEN v.csam ELSE 0 END) AS BIGINT), "
    "CAST(SUM(v.csam) AS BIGINT) FROM reveals v LEFT JOIN operators o ON o.id = v.operator_id "
    "WHERE v.at >= $2 GROUP BY v.operator_id, o.username ORDER BY v.operator_id";

core::result<CaseRecord> load_case(Tx& tx, std::int64_t id) {
    SEGNALA_TRY(rows, tx.query(kCaseSelect, {id}));
    if (rows.empty()) {
        return errc::not_found;
    }
    CaseRecord c;
    c.id = rows.int64(0, 0);
    c.url_hash = rows.text(0, 1);
    c.canonical_url = rows.text(0, 2);
    c.host = rows.text(0, 3);
    c.registrable_domain = rows.text(0, 4);
    c.category = rows.text(0, 5);
    c.status = rows.text(0, 6);
    c.status_at = rows.int64(0, 7);
    c.report_count = rows.int64(0, 8);
    c.first_seen = rows.int64(0, 9);
    c.last_seen = rows.int64(0, 10);
    c.signals = rows.text(0, 11);
    c.open = rows.int64(0, 12) != 0;
    c.restricted = rows.int64(0, 13) != 0;
    c.assigned_to = rows.int64(0, 14);
    c.assigned_username = rows.text(0, 15);
    c.first_triage_at = rows.int64(0, 16);
    c.triaged_by = rows.int64(0, 17);
    c.merged_into = rows.int64(0, 18);
    c.action_kind = rows.text(0, 19);
    c.action_reference = rows.text(0, 20);
    return c;
}

core::result<void> add_event(Tx& tx, std::int64_t case_id, std::int64_t at, std::int64_t op,
                             const std::string& kind, const std::string& detail) {
    SEGNALA_TRYV(tx.exec(kInsertEvent, {case_id, at, op, kind, detail.empty() ? "{}" : detail}));
    return core::success();
}

core::result<void> audit_in(Tx& tx, const AuditEvent& audit) {
    SEGNALA_TRY(entry, append_audit_in(tx, audit));
    (void)entry;
    return core::success();
}

bool is_open_status(std::string_view s) {
    return s == "received" || s == "in_review" || s == "confirmed";
}

std::string ids_list(const std::vector<CaseReport>& reports) {
    std::string out;
    for (const auto& r : reports) {
        if (!out.empty()) {
            out += ',';
        }
        out += std::to_string(r.id);
    }
    return out;
}

}  // namespace

CaseFiles::CaseFiles(Database& db) : db_(db) {}

core::result<CaseRecord> CaseFiles::get(std::int64_t case_id) {
    return db_.read_as<CaseRecord>([&](Tx& tx) { return load_case(tx, case_id); });
}

core::result<std::vector<CaseReport>> CaseFiles::reports(std::int64_t case_id) {
    using Out = std::vector<CaseReport>;
    return db_.read_as<Out>([&](Tx& tx) -> core::result<Out> {
        SEGNALA_TRY(rows, tx.query(kCaseReports, {case_id, kMaxCaseReports}));
        Out out;
        std::map<std::int64_t, std::size_t> index;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            CaseReport r;
            r.id = rows.int64(i, 0);
            r.code = rows.text(i, 1);
            r.case_id = rows.int64(i, 2);
            r.category = rows.text(i, 3);
            r.channel = rows.text(i, 4);
            r.verified = rows.int64(i, 5) != 0;
            r.lang = rows.text(i, 6);
            r.created_at = rows.int64(i, 7);
            r.sender = rows.text(i, 8);
            r.subject_sealed = rows.blob(i, 9).bytes;
            r.text_sealed = rows.blob(i, 10).bytes;
            r.description_sealed = rows.blob(i, 11).bytes;
            r.contact_sealed = rows.blob(i, 12).bytes;
            r.erased_at = rows.int64(i, 13);
            r.contact_erased_at = rows.int64(i, 14);
            index[r.id] = out.size();
            out.push_back(std::move(r));
        }
        if (out.empty()) {
            return out;
        }
        // The ids come from the database as integers: a list of them is safe to inline.
        const std::string ids = ids_list(out);
        SEGNALA_TRY(urls, tx.query("SELECT report_id, position, case_id, original_sealed FROM "
                                   "report_urls WHERE report_id IN (" +
                                   ids + ") ORDER BY report_id, position"));
        for (std::size_t i = 0; i < urls.size(); ++i) {
            auto& r = out[index.at(urls.int64(i, 0))];
            r.urls.push_back({urls.int64(i, 1), urls.int64(i, 2), urls.blob(i, 3).bytes});
            if (urls.int64(i, 2) == case_id || r.via_case == 0) {
                r.via_case = urls.int64(i, 2);
            }
        }
        SEGNALA_TRY(atts, tx.query("SELECT id, report_id, position, sha256, mime, size, width, "
                                   "height, erased_at FROM attachments WHERE report_id IN (" +
                                   ids + ") ORDER BY report_id, position"));
        for (std::size_t i = 0; i < atts.size(); ++i) {
            AttachmentInfo a{atts.int64(i, 0), atts.int64(i, 1), atts.int64(i, 2),
                             atts.text(i, 3),  atts.text(i, 4),  atts.int64(i, 5),
                             atts.int64(i, 6), atts.int64(i, 7), atts.int64(i, 8)};
            out[index.at(a.report_id)].attachments.push_back(std::move(a));
        }
        for (auto& r : out) {
            // A report with several URLs may sit in this case by a later one.
            for (const auto& u : r.urls) {
                if (u.case_id == case_id) {
                    r.via_case = case_id;
                }
            }
        }
        return out;
    });
}

core::result<std::int64_t> CaseFiles::count_reports(std::int64_t case_id) {
    return db_.read_as<std::int64_t>([&](Tx& tx) -> core::result<std::int64_t> {
        SEGNALA_TRY(rows, tx.query(kCountCaseReports, {case_id}));
        return rows.int64(0, 0);
    });
}

core::result<std::vector<CaseEvent>> CaseFiles::events(std::int64_t case_id) {
    using Out = std::vector<CaseEvent>;
    return db_.read_as<Out>([&](Tx& tx) -> core::result<Out> {
        SEGNALA_TRY(rows, tx.query(kEvents, {case_id}));
        Out out;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            out.push_back({rows.int64(i, 0), rows.int64(i, 1), rows.int64(i, 2), rows.text(i, 3),
                           rows.text(i, 4), rows.text(i, 5)});
        }
        return out;
    });
}

core::result<std::vector<CaseNote>> CaseFiles::notes(std::int64_t case_id) {
    using Out = std::vector<CaseNote>;
    return db_.read_as<Out>([&](Tx& tx) -> core::result<Out> {
        SEGNALA_TRY(rows, tx.query(kNotes, {case_id}));
        Out out;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            out.push_back({rows.int64(i, 0), rows.int64(i, 1), rows.int64(i, 2), rows.text(i, 3),
                           rows.blob(i, 4).bytes});
        }
        return out;
    });
}

core::result<std::vector<RelatedCase>> CaseFiles::related(const CaseRecord& c,
                                                          bool include_restricted) {
    using Out = std::vector<RelatedCase>;
    return db_.read_as<Out>([&](Tx& tx) -> core::result<Out> {
        Out out;
        std::vector<std::int64_t> seen{c.id};
        auto collect = [&](const Rows& rows, const char* relation) {
            for (std::size_t i = 0; i < rows.size(); ++i) {
                RelatedCase r{rows.int64(i, 0), rows.text(i, 1),  rows.text(i, 2),
                              rows.text(i, 3),  rows.int64(i, 4), rows.int64(i, 5) != 0,
                              relation};
                if (std::find(seen.begin(), seen.end(), r.id) != seen.end() ||
                    (r.restricted && !include_restricted)) {
                    continue;
                }
                seen.push_back(r.id);
                out.push_back(std::move(r));
            }
        };
        const std::string cols = kRelatedColumns;
        SEGNALA_TRY(linked, tx.query(cols + "case_links l JOIN cases c ON c.id = CASE WHEN "
                                            "l.case_a = $1 THEN l.case_b ELSE l.case_a END "
                                            "WHERE l.case_a = $1 OR l.case_b = $1 ORDER BY c.id",
                                     {c.id}));
        collect(linked, "linked");
        SEGNALA_TRY(merged,
                    tx.query(cols + "cases c WHERE c.merged_into = $1 ORDER BY c.id", {c.id}));
        collect(merged, "merged");
        SEGNALA_TRY(host, tx.query(cols + "cases c WHERE c.host = $1 AND c.id <> $2 AND "
                                          "c.merged_into = 0 ORDER BY c.last_seen DESC LIMIT 20",
                                   {c.host, c.id}));
        collect(host, "host");
        if (!c.registrable_domain.empty()) {
            SEGNALA_TRY(domain,
                        tx.query(cols + "cases c WHERE c.registrable_domain = $1 AND c.id <> $2 "
                                        "AND c.merged_into = 0 ORDER BY c.last_seen DESC LIMIT 20",
                                 {c.registrable_domain, c.id}));
            collect(domain, "domain");
        }
        return out;
    });
}

core::result<CaseRecord> CaseFiles::change_status(std::int64_t case_id, const StatusChange& ch,
                                                  const AuditEvent& audit) {
    return db_.write_as<CaseRecord>([&](Tx& tx) -> core::result<CaseRecord> {
        SEGNALA_TRY(c, load_case(tx, case_id));
        if (c.merged_into != 0 ||
            std::find(ch.from.begin(), ch.from.end(), c.status) == ch.from.end()) {
            return errc::conflict;
        }
        const bool first = ch.counts_as_triage && c.first_triage_at == 0;
        SEGNALA_TRYV(
            tx.exec(kUpdateStatus,
                    {case_id, ch.to, ch.at, ch.open ? 1 : 0,
                     ch.action_kind.empty() ? c.action_kind : ch.action_kind,
                     ch.action_kind.empty() ? c.action_reference : ch.action_reference,
                     first ? ch.at : c.first_triage_at, first ? ch.operator_id : c.triaged_by}));
        SEGNALA_TRYV(add_event(tx, case_id, ch.at, ch.operator_id, "status", ch.event_detail));
        SEGNALA_TRYV(audit_in(tx, audit));
        return load_case(tx, case_id);
    });
}

core::result<void> CaseFiles::merge(std::int64_t source, std::int64_t target, std::int64_t op,
                                    std::int64_t at, const AuditEvent& audit) {
    return db_.write([&](Tx& tx) -> core::result<void> {
        SEGNALA_TRY(s, load_case(tx, source));
        SEGNALA_TRY(t, load_case(tx, target));
        if (s.id == t.id || s.merged_into != 0 || t.merged_into != 0) {
            return errc::conflict;
        }
        SEGNALA_TRY(children, tx.query(kCountMergedInto, {source}));
        if (children.int64(0, 0) > 0) {
            return errc::conflict;
        }
        SEGNALA_TRYV(tx.exec(kSetMerged, {source, target, 0}));
        SEGNALA_TRYV(add_event(tx, source, at, op, "merged_into",
                               "{\"case\":" + std::to_string(target) + "}"));
        SEGNALA_TRYV(add_event(tx, target, at, op, "merged_from",
                               "{\"case\":" + std::to_string(source) + "}"));
        return audit_in(tx, audit);
    });
}

core::result<void> CaseFiles::unmerge(std::int64_t source, std::int64_t op, std::int64_t at,
                                      const AuditEvent& audit) {
    return db_.write([&](Tx& tx) -> core::result<void> {
        SEGNALA_TRY(s, load_case(tx, source));
        if (s.merged_into == 0) {
            return errc::conflict;
        }
        SEGNALA_TRYV(tx.exec(kSetMerged, {source, 0, is_open_status(s.status) ? 1 : 0}));
        const std::string target = std::to_string(s.merged_into);
        SEGNALA_TRYV(add_event(tx, source, at, op, "unmerged", "{\"case\":" + target + "}"));
        SEGNALA_TRYV(add_event(tx, s.merged_into, at, op, "unmerged",
                               "{\"case\":" + std::to_string(source) + "}"));
        return audit_in(tx, audit);
    });
}

core::result<void> CaseFiles::link(std::int64_t a, std::int64_t b, std::int64_t op, std::int64_t at,
                                   const AuditEvent& audit) {
    return db_.write([&](Tx& tx) -> core::result<void> {
        if (a == b) {
            return errc::conflict;
        }
        SEGNALA_TRY(ca, load_case(tx, a));
        SEGNALA_TRY(cb, load_case(tx, b));
        const auto lo = std::min(ca.id, cb.id);
        const auto hi = std::max(ca.id, cb.id);
        SEGNALA_TRY(found, tx.query(kFindLink, {lo, hi}));
        if (!found.empty()) {
            return core::success();
        }
        SEGNALA_TRYV(tx.exec(kInsertLink, {lo, hi, op, at}));
        SEGNALA_TRYV(add_event(tx, a, at, op, "linked", "{\"case\":" + std::to_string(b) + "}"));
        SEGNALA_TRYV(add_event(tx, b, at, op, "linked", "{\"case\":" + std::to_string(a) + "}"));
        return audit_in(tx, audit);
    });
}

core::result<std::int64_t> CaseFiles::split(std::int64_t case_id, std::int64_t report_id,
                                            std::int64_t op, std::int64_t at,
                                            const AuditEvent& audit) {
    return db_.write_as<std::int64_t>([&](Tx& tx) -> core::result<std::int64_t> {
        SEGNALA_TRY(c, load_case(tx, case_id));
        SEGNALA_TRY(in_case, tx.query(kReportInCase, {report_id, case_id}));
        if (in_case.int64(0, 0) == 0) {
            return errc::not_found;
        }
        SEGNALA_TRY(distinct, tx.query(kDistinctReportsInCase, {case_id}));
        if (distinct.int64(0, 0) <= 1) {
            return errc::conflict;
        }
        SEGNALA_TRY(basics, tx.query(kReportBasics, {report_id}));
        const std::int64_t created = basics.int64(0, 0);
        const bool restricted = c.restricted || basics.text(0, 1) == "csam";
        const std::string category = restricted ? "csam" : basics.text(0, 1);
        SEGNALA_TRY(ins,
                    tx.query(kInsertSplitCase,
                             {c.url_hash + ":split:" + std::to_string(report_id), c.canonical_url,
                              c.host, c.registrable_domain, category, at, created, c.signals,
                              case_priority(category, 1, c.signals, created), restricted ? 1 : 0}));
        const std::int64_t fresh = ins.int64(0, 0);
        SEGNALA_TRYV(tx.exec(kMoveReportUrls, {report_id, case_id, fresh}));
        SEGNALA_TRYV(tx.exec(kMoveReport, {report_id, case_id, fresh}));
        SEGNALA_TRYV(tx.exec(kDecrementCount, {case_id}));
        // The search row of the report follows it (rowid is the report id on SQLite).
        SEGNALA_TRYV(tx.exec(tx.dialect() == Dialect::sqlite
                                 ? "UPDATE report_search SET case_id = $1 WHERE rowid = $2"
                                 : "UPDATE report_search SET case_id = $1 WHERE report_id = $2",
                             {fresh, report_id}));
        const std::string detail = "{\"report\":" + std::to_string(report_id) +
                                   ",\"from\":" + std::to_string(case_id) +
                                   ",\"to\":" + std::to_string(fresh) + "}";
        SEGNALA_TRYV(add_event(tx, case_id, at, op, "split_out", detail));
        SEGNALA_TRYV(add_event(tx, fresh, at, op, "split_from", detail));
        AuditEvent a = audit;
        if (a.detail.empty() || a.detail == "{}") {
            a.detail = detail;
        }
        SEGNALA_TRYV(audit_in(tx, a));
        return fresh;
    });
}

core::result<void> CaseFiles::add_note(std::int64_t case_id, std::int64_t op, std::int64_t at,
                                       const std::string& body_sealed, const AuditEvent& audit) {
    return db_.write([&](Tx& tx) -> core::result<void> {
        SEGNALA_TRY(c, load_case(tx, case_id));
        (void)c;
        SEGNALA_TRYV(tx.exec(kInsertNote, {case_id, op, at, Blob{body_sealed}}));
        SEGNALA_TRYV(add_event(tx, case_id, at, op, "note", "{}"));
        return audit_in(tx, audit);
    });
}

core::result<AttachmentRecord> CaseFiles::attachment(std::int64_t id) {
    return db_.read_as<AttachmentRecord>([&](Tx& tx) -> core::result<AttachmentRecord> {
        SEGNALA_TRY(rows, tx.query(kAttachment, {id}));
        if (rows.empty()) {
            return errc::not_found;
        }
        AttachmentRecord a;
        a.info = {rows.int64(0, 0), rows.int64(0, 1), rows.int64(0, 2),
                  rows.text(0, 3),  rows.text(0, 4),  rows.int64(0, 5),
                  rows.int64(0, 6), rows.int64(0, 7), rows.int64(0, 11)};
        a.report_code = rows.text(0, 8);
        a.case_id = rows.int64(0, 9);
        a.restricted = rows.int64(0, 10) != 0;
        return a;
    });
}

core::result<std::string> CaseFiles::attachment_blob(std::int64_t id, std::string_view which) {
    const char* sql = which == "original"  ? "SELECT original_sealed FROM attachments WHERE id = $1"
                      : which == "preview" ? "SELECT preview_sealed FROM attachments WHERE id = $1"
                      : which == "blurred" ? "SELECT blurred_sealed FROM attachments WHERE id = $1"
                                           : nullptr;
    if (sql == nullptr) {
        return errc::invalid_argument;
    }
    return db_.read_as<std::string>([&](Tx& tx) -> core::result<std::string> {
        SEGNALA_TRY(rows, tx.query(sql, {id}));
        if (rows.empty()) {
            return errc::not_found;
        }
        return rows.blob(0, 0).bytes;
    });
}

core::result<void> CaseFiles::record_reveal(std::int64_t op, std::int64_t at,
                                            const std::string& object, bool csam,
                                            const AuditEvent& audit) {
    return db_.write([&](Tx& tx) -> core::result<void> {
        SEGNALA_TRYV(tx.exec(kInsertReveal, {op, at, object, csam ? 1 : 0}));
        return audit_in(tx, audit);
    });
}

core::result<std::int64_t> CaseFiles::last_reveal(std::int64_t op, const std::string& object) {
    return db_.read_as<std::int64_t>([&](Tx& tx) -> core::result<std::int64_t> {
        SEGNALA_TRY(rows, tx.query(kLastReveal, {op, object}));
        return rows.int64(0, 0);
    });
}

core::result<Exposure> CaseFiles::exposure(std::int64_t op, std::int64_t day_start,
                                           std::int64_t week_start) {
    return db_.read_as<Exposure>([&](Tx& tx) -> core::result<Exposure> {
        SEGNALA_TRY(day, tx.query(kExposure, {op, day_start}));
        SEGNALA_TRY(week, tx.query(kExposure, {op, week_start}));
        return Exposure{day.int64(0, 0), week.int64(0, 0), day.int64(0, 1), week.int64(0, 1)};
    });
}

core::result<std::vector<OperatorExposure>> CaseFiles::exposures(std::int64_t day_start,
                                                                 std::int64_t week_start) {
    using Out = std::vector<OperatorExposure>;
    return db_.read_as<Out>([&](Tx& tx) -> core::result<Out> {
        SEGNALA_TRY(rows, tx.query(kExposures, {day_start, week_start}));
        Out out;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            out.push_back(
                {rows.int64(i, 0), rows.text(i, 1),
                 Exposure{rows.int64(i, 2), rows.int64(i, 3), rows.int64(i, 4), rows.int64(i, 5)}});
        }
        return out;
    });
}

}  // namespace segnala::store
