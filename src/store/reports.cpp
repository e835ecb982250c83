// Reports, cases and idempotency records (migration 2). Personal fields arrive sealed.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "store/database.hpp"
#include "store/priority.hpp"
#include "store/store.hpp"

namespace segnala::store {
namespace {

using core::errc;

// A new case gets its queue priority (store/priority.hpp), restricted and open flags here; a
// case that gains a report has them recomputed by kRankCase (its signals and count changed).
constexpr const char* kUpsertCase =
    "INSERT INTO cases (url_hash, canonical_url, host, registrable_domain, category, status, "
    "status_at, report_count, first_seen, last_seen, signals, priority, restricted, open) "
    "VALUES ($1, $2, $3, $4, $5, 'received', $6, 1, $6, $6, $7, $8, $9, 1) "
    "ON CONFLICT (url_hash) DO UPDATE SET report_count = cases.report_count + 1, "
    "last_seen = excluded.last_seen, "
    "category = CASE WHEN excluded.category = 'csam' THEN 'csam' ELSE cases.category END "
    "RETURNING id, report_count, first_seen, status, status_at, category, signals, last_seen, "
    "priority, restricted";

constexpr const char* kRankCase = "UPDATE cases SET priority = $2, restricted = $3 WHERE id = $1";

constexpr const char* kInsertBacklog =
    "INSERT INTO search_backlog (report_id, terms) VALUES ($1, $2)";

// The search indexer: the oldest backlog rows up to a report id, filed under the report's
// current first case (a split may have moved it since).
constexpr const char* kBacklogUpTo =
    "SELECT MAX(report_id), COUNT(*) FROM (SELECT report_id FROM search_backlog "
    "ORDER BY report_id LIMIT $1) b";
constexpr const char* kIndexBacklogSqlite =
    "INSERT INTO report_search (rowid, terms, case_id) SELECT b.report_id, b.terms, r.case_id "
    "FROM search_backlog b JOIN reports r ON r.id = b.report_id WHERE b.report_id <= $1 "
    "ORDER BY b.report_id";
constexpr const char* kDropBacklog = "DELETE FROM search_backlog WHERE report_id <= $1";
// PostgreSQL: other transactions may commit lower report ids between two statements (READ
// COMMITTED), so the rows deleted and the rows filed must be the same ones: one statement.
constexpr const char* kMoveBacklogPostgres =
    "WITH moved AS (DELETE FROM search_backlog WHERE report_id <= $1 "
    "RETURNING report_id, terms) "
    "INSERT INTO report_search (report_id, case_id, terms) SELECT m.report_id, r.case_id, "
    "m.terms FROM moved m JOIN reports r ON r.id = m.report_id "
    "ON CONFLICT (report_id) DO NOTHING";

constexpr const char* kInsertReport =
    "INSERT INTO reports (code, case_id, category, channel, verified, lang, created_at, "
    "client_key, api_key_id, sender, subject_sealed, text_sealed, description_sealed, "
    "contact_sealed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
    "RETURNING id";

constexpr const char* kInsertReportUrl =
    "INSERT INTO report_urls (report_id, position, case_id, original_sealed, had_userinfo) "
    "VALUES ($1, $2, $3, $4, $5)";

constexpr const char* kInsertAttachment =
    "INSERT INTO attachments (report_id, position, sha256, mime, size, width, height, "
    "original_sealed, preview_sealed, blurred_sealed, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

// A report's public status follows its case, and a merged case's reports follow the case
// they were merged into (merges are one level deep: case_files.cpp refuses chains).
constexpr const char* kReportStatus =
    "SELECT COALESCE(t.status, c.status), COALESCE(t.status_at, c.status_at) FROM reports r "
    "JOIN cases c ON c.id = r.case_id LEFT JOIN cases t ON t.id = c.merged_into "
    "AND c.merged_into <> 0 WHERE r.code = $1";

constexpr const char* kFindIdempotency =
    "SELECT response, request_hash FROM idempotency WHERE api_key_id = $1 AND idem_key = $2";

constexpr const char* kInsertIdempotency =
    "INSERT INTO idempotency (api_key_id, idem_key, request_hash, response, created_at) "
    "VALUES ($1, $2, $3, $4, $5)";

Value sealed(const std::string& s) {
    if (s.empty()) {
        return Value(nullptr);
    }
    return Value(Blob{s});
}

core::result<StoredReport> insert_report(Tx& tx, const NewReport& r) {
    if (r.urls.empty() || r.code.empty()) {
        return errc::invalid_argument;
    }
    StoredReport out;
    for (const auto& u : r.urls) {
        const bool csam = r.category == "csam";
        SEGNALA_TRY(
            rows, tx.query(kUpsertCase,
                           {u.url_hash, u.canonical, u.host, u.registrable_domain, r.category,
                            r.created_at, u.signals,
                            case_priority(r.category, 1, u.signals, r.created_at), csam ? 1 : 0}));
        if (rows.int64(0, 1) > 1) {
            // An existing case: its count (and maybe its category) changed, so its rank did.
            const std::string category = rows.text(0, 5);
            const std::int64_t priority =
                case_priority(category, rows.int64(0, 1), rows.text(0, 6), rows.int64(0, 7));
            const std::int64_t restricted = category == "csam" ? 1 : 0;
            if (priority != rows.int64(0, 8) || restricted != rows.int64(0, 9)) {
                SEGNALA_TRYV(tx.exec(kRankCase, {rows.int64(0, 0), priority, restricted}));
            }
        }
        CaseBefore before;
        before.case_id = rows.int64(0, 0);
        before.report_count = rows.int64(0, 1) - 1;
        before.first_seen = rows.int64(0, 2);
        before.status = rows.text(0, 3);
        before.status_at = rows.int64(0, 4);
        before.category = rows.text(0, 5);
        out.cases.push_back(std::move(before));
    }
    SEGNALA_TRY(ins, tx.query(kInsertReport,
                              {r.code, out.cases.front().case_id, r.category, r.channel,
                               r.verified ? 1 : 0, r.lang, r.created_at, r.client_key, r.api_key_id,
                               r.sender, sealed(r.subject_sealed), sealed(r.text_sealed),
                               sealed(r.description_sealed), sealed(r.contact_sealed)}));
    out.report_id = ins.int64(0, 0);
    for (std::size_t i = 0; i < r.urls.size(); ++i) {
        SEGNALA_TRYV(tx.exec(kInsertReportUrl,
                             {out.report_id, static_cast<std::int64_t>(i), out.cases[i].case_id,
                              Blob{r.urls[i].original_sealed}, r.urls[i].had_userinfo ? 1 : 0}));
    }
    if (!r.search_terms.empty()) {
        // Indexed later, many at once (Store::index_search_backlog).
        SEGNALA_TRYV(tx.exec(kInsertBacklog, {out.report_id, r.search_terms}));
    }
    for (std::size_t i = 0; i < r.attachments.size(); ++i) {
        const auto& a = r.attachments[i];
        SEGNALA_TRYV(tx.exec(kInsertAttachment,
                             {out.report_id, static_cast<std::int64_t>(i), a.sha256, a.mime, a.size,
                              a.width, a.height, Blob{a.original_sealed}, Blob{a.preview_sealed},
                              Blob{a.blurred_sealed}, r.created_at}));
    }
    return out;
}

}  // namespace

core::result<StoredReport> Store::add_report(const NewReport& r) {
    return db_.write_as<StoredReport>([&](Tx& tx) { return insert_report(tx, r); });
}

namespace {

core::result<BatchOutcome> insert_reports(
    Tx& tx, const std::vector<NewReport>& batch, const IdempotencyRecord* idem,
    const std::function<std::string(const std::vector<StoredReport>&)>& render, std::int64_t now) {
    BatchOutcome out;
    if (idem != nullptr) {
        SEGNALA_TRY(found, tx.query(kFindIdempotency, {idem->api_key_id, idem->key}));
        if (!found.empty()) {
            out.replayed = true;
            out.response = found.text(0, 0);
            out.stored_request_hash = found.text(0, 1);
            return out;
        }
    }
    for (const auto& r : batch) {
        SEGNALA_TRY(stored, insert_report(tx, r));
        out.stored.push_back(std::move(stored));
    }
    out.response = render(out.stored);
    if (idem != nullptr) {
        SEGNALA_TRYV(tx.exec(kInsertIdempotency,
                             {idem->api_key_id, idem->key, idem->request_hash, out.response, now}));
    }
    return out;
}

}  // namespace

core::result<BatchOutcome> Store::add_reports(
    const std::vector<NewReport>& batch, const IdempotencyRecord* idem,
    const std::function<std::string(const std::vector<StoredReport>&)>& render, std::int64_t now) {
    return db_.write_as<BatchOutcome>(
        [&](Tx& tx) { return insert_reports(tx, batch, idem, render, now); });
}

void Store::add_reports_async(std::vector<NewReport> batch, std::optional<IdempotencyRecord> idem,
                              std::function<std::string(const std::vector<StoredReport>&)> render,
                              std::int64_t now,
                              std::function<void(core::result<BatchOutcome>)> done) {
    // Owned by both closures: the write function fills `out`, the completion hands it over.
    struct State {
        std::vector<NewReport> batch;
        std::optional<IdempotencyRecord> idem;
        std::function<std::string(const std::vector<StoredReport>&)> render;
        std::optional<BatchOutcome> out;
    };
    auto st =
        std::make_shared<State>(State{std::move(batch), std::move(idem), std::move(render), {}});
    db_.write_async(
        [st, now](Tx& tx) -> core::result<void> {
            SEGNALA_TRY(out, insert_reports(tx, st->batch, st->idem ? &*st->idem : nullptr,
                                            st->render, now));
            st->out.emplace(std::move(out));
            return core::success();
        },
        [st, done = std::move(done)](core::result<void> r) {
            if (!r) {
                done(r.error());
            } else {
                done(std::move(*st->out));
            }
        });
}

bool Store::async_writes() const {
    return db_.async_writes();
}

core::result<std::int64_t> Store::index_search_backlog(int limit) {
    return db_.write_as<std::int64_t>([&](Tx& tx) -> core::result<std::int64_t> {
        SEGNALA_TRY(upto, tx.query(kBacklogUpTo, {std::max(1, limit)}));
        const std::int64_t count = upto.int64(0, 1);
        if (count == 0) {
            return 0;
        }
        const std::int64_t last = upto.int64(0, 0);
        if (tx.dialect() == Dialect::sqlite) {
            // The one writer: nothing commits between these two statements.
            SEGNALA_TRYV(tx.exec(kIndexBacklogSqlite, {last}));
            SEGNALA_TRYV(tx.exec(kDropBacklog, {last}));
        } else {
            SEGNALA_TRYV(tx.exec(kMoveBacklogPostgres, {last}));
        }
        return count;
    });
}

core::result<std::int64_t> Store::index_all_search_backlog() {
    // Usually empty (the indexer runs ten times a second): a read says so without a trip
    // through the writer's queue.
    SEGNALA_TRY(waiting, db_.read_as<std::int64_t>([](Tx& tx) -> core::result<std::int64_t> {
        SEGNALA_TRY(r, tx.query("SELECT COUNT(*) FROM (SELECT 1 FROM search_backlog LIMIT 1) b"));
        return r.int64(0, 0);
    }));
    if (waiting == 0) {
        return 0;
    }
    std::int64_t total = 0;
    for (;;) {
        SEGNALA_TRY(n, index_search_backlog(kSearchIndexBatch));
        total += n;
        if (n < kSearchIndexBatch) {
            return total;
        }
    }
}

core::result<ReportStatus> Store::report_status(const std::string& code) {
    return db_.read_as<ReportStatus>([&](Tx& tx) -> core::result<ReportStatus> {
        SEGNALA_TRY(rows, tx.query(kReportStatus, {code}));
        if (rows.empty()) {
            return errc::not_found;
        }
        return ReportStatus{rows.text(0, 0), rows.int64(0, 1)};
    });
}

core::result<std::int64_t> Store::count_reports() {
    return db_.read_as<std::int64_t>([&](Tx& tx) -> core::result<std::int64_t> {
        SEGNALA_TRY(rows, tx.query("SELECT COUNT(*) FROM reports"));
        return rows.int64(0, 0);
    });
}

}  // namespace segnala::store
