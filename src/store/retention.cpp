// Retention: erasing what reporters gave once it has been kept as long as the policy says
// (migration 6). The contact goes first; the description, message subject and text, URLs as
// typed and screenshots later. What stays is what blocklists, statistics and matching need:
// category, canonical URLs, sender, dates, and each screenshot's SHA-256, type and size.
#include <fmt/format.h>

#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/store.hpp"

namespace segnala::store {
namespace {

using core::errc;

// A report is due when it was received before the cutoff ($1) and none of the cases its URLs
// are in — or the case such a case was merged into — is open or was closed since the cutoff.
// reports_retained (created_at WHERE erased_at = 0) keeps the scan to reports not yet erased.
constexpr const char* kStillNeeded =
    "NOT EXISTS (SELECT 1 FROM report_urls u JOIN cases c ON c.id = u.case_id "
    "LEFT JOIN cases t ON t.id = c.merged_into AND c.merged_into <> 0 "
    "WHERE u.report_id = r.id AND (COALESCE(t.open, c.open) <> 0 "
    "OR COALESCE(t.status_at, c.status_at) >= $1))";

std::string due_query(const char* what) {
    return std::string("SELECT r.id FROM reports r WHERE r.erased_at = 0 AND r.created_at < $1 ") +
           what + " AND " + kStillNeeded + " ORDER BY r.created_at, r.id LIMIT $2";
}

const std::string kDueDetails = due_query("");
const std::string kDueContacts = due_query("AND r.contact_sealed IS NOT NULL");

// Each UPDATE re-checks what it erases, so that two processes sharing a PostgreSQL database
// (READ COMMITTED: the second waits for the first's row lock, then sees its result) neither
// erase nor count a report twice.
constexpr const char* kEraseContact =
    "UPDATE reports SET contact_sealed = NULL, contact_erased_at = $2 "
    "WHERE id = $1 AND contact_sealed IS NOT NULL";
constexpr const char* kEraseDetails =
    "UPDATE reports SET subject_sealed = NULL, text_sealed = NULL, description_sealed = NULL, "
    "erased_at = $2 WHERE id = $1 AND erased_at = 0";
constexpr const char* kEraseTypedUrls =
    "UPDATE report_urls SET original_sealed = $2 WHERE report_id = $1";
constexpr const char* kEraseAttachments =
    "UPDATE attachments SET original_sealed = $2, preview_sealed = $2, blurred_sealed = $2, "
    "erased_at = $3 WHERE report_id = $1 AND erased_at = 0";
constexpr const char* kCanonicalUrls =
    "SELECT c.canonical_url FROM report_urls u JOIN cases c ON c.id = u.case_id "
    "WHERE u.report_id = $1 ORDER BY u.position";
constexpr const char* kDropSearchRowSqlite = "DELETE FROM report_search WHERE rowid = $1";
constexpr const char* kDropSearchRowPostgres = "DELETE FROM report_search WHERE report_id = $1";
constexpr const char* kDropBacklogRow = "DELETE FROM search_backlog WHERE report_id = $1";
constexpr const char* kQueueTerms = "INSERT INTO search_backlog (report_id, terms) VALUES ($1, $2)";

std::vector<std::int64_t> ids_of(const Rows& rows) {
    std::vector<std::int64_t> out;
    out.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        out.push_back(rows.int64(i, 0));
    }
    return out;
}

// The report's search row is rebuilt from its URLs alone: the old one also held keyed hashes
// of its description's words. The search indexer files the new terms like a new report's.
core::result<void> reindex_without_description(
    Tx& tx, std::int64_t id,
    const std::function<std::string(const std::vector<std::string>&)>& terms_for) {
    SEGNALA_TRY(urls, tx.query(kCanonicalUrls, {id}));
    std::vector<std::string> canonical;
    for (std::size_t i = 0; i < urls.size(); ++i) {
        canonical.push_back(urls.text(i, 0));
    }
    SEGNALA_TRYV(tx.exec(
        tx.dialect() == Dialect::sqlite ? kDropSearchRowSqlite : kDropSearchRowPostgres, {id}));
    SEGNALA_TRYV(tx.exec(kDropBacklogRow, {id}));
    const std::string terms = terms_for(canonical);
    if (!terms.empty()) {
        SEGNALA_TRYV(tx.exec(kQueueTerms, {id, terms}));
    }
    return core::success();
}

}  // namespace

core::result<ErasureCounts> Store::erase_expired_reports(
    const RetentionCutoffs& cutoffs,
    const std::function<std::string(const std::vector<std::string>&)>& terms_for,
    const AuditEvent& audit, int batch, const std::function<bool()>& keep_going) {
    if (batch <= 0 || cutoffs.now <= 0) {
        return errc::invalid_argument;
    }
    ErasureCounts total;
    for (;;) {
        bool more = false;
        SEGNALA_TRY(round, db_.write_as<ErasureCounts>([&](Tx& tx) -> core::result<ErasureCounts> {
            ErasureCounts n;
            // Details first: erasing them takes the contact too.
            SEGNALA_TRY(due, tx.query(kDueDetails, {cutoffs.details_before, batch}));
            const auto reports = ids_of(due);
            for (std::int64_t id : reports) {
                SEGNALA_TRY(erased, tx.exec(kEraseDetails, {id, cutoffs.now}));
                if (erased == 0) {
                    continue;  // another process got there first
                }
                ++n.reports;
                SEGNALA_TRY(contact, tx.exec(kEraseContact, {id, cutoffs.now}));
                n.contacts += contact;
                SEGNALA_TRYV(tx.exec(kEraseTypedUrls, {id, Blob{}}));
                SEGNALA_TRY(atts, tx.exec(kEraseAttachments, {id, Blob{}, cutoffs.now}));
                n.attachments += atts;
                SEGNALA_TRYV(reindex_without_description(tx, id, terms_for));
            }
            const int room = batch - static_cast<int>(reports.size());
            std::size_t contacts = 0;
            if (room > 0) {
                SEGNALA_TRY(due_contacts, tx.query(kDueContacts, {cutoffs.contact_before, room}));
                const auto ids = ids_of(due_contacts);
                contacts = ids.size();
                for (std::int64_t id : ids) {
                    SEGNALA_TRY(erased, tx.exec(kEraseContact, {id, cutoffs.now}));
                    n.contacts += erased;
                }
                more = contacts == static_cast<std::size_t>(room);
            } else {
                more = true;
            }
            if (n.reports + n.contacts + n.attachments > 0) {
                AuditEvent e = audit;
                e.detail = fmt::format(R"({{"contacts":{},"reports":{},"attachments":{}}})",
                                       n.contacts, n.reports, n.attachments);
                SEGNALA_TRY(entry, append_audit_in(tx, e));
                (void)entry;
            }
            return n;
        }));
        total.contacts += round.contacts;
        total.reports += round.reports;
        total.attachments += round.attachments;
        if (!more || (keep_going && !keep_going())) {
            return total;
        }
    }
}

}  // namespace segnala::store
