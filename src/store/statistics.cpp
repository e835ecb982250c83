#include "store/statistics.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "store/database.hpp"

namespace segnala::store {
namespace {

using core::errc;

// The hour bucket is integer division on both backends (BIGINT / BIGINT truncates).
constexpr const char* kReportsPerHourAll =
    "SELECT category, created_at / 3600 AS hour, COUNT(*) FROM reports "
    "WHERE created_at >= $1 AND created_at < $2 GROUP BY category, created_at / 3600 "
    "ORDER BY hour, category";
constexpr const char* kReportsPerHourNoCsam =
    "SELECT r.category, r.created_at / 3600 AS hour, COUNT(*) FROM reports r "
    "JOIN cases c ON c.id = r.case_id "
    "WHERE r.created_at >= $1 AND r.created_at < $2 AND r.category <> 'csam' "
    "AND c.restricted = 0 AND c.category <> 'csam' "
    "GROUP BY r.category, r.created_at / 3600 ORDER BY hour, r.category";

// Open = an open status and not merged (merging closes a case: open = 0). Counting by status
// reads only the (status, restricted, …) index; the few merged cases are then taken off.
// `restricted` marks CSAM cases (intake keeps it with the category).
constexpr const char* kByOpenStatus =
    "SELECT status, COUNT(*) FROM cases WHERE status IN ('received', 'in_review', 'confirmed') "
    "AND ($1 = 1 OR restricted = 0) GROUP BY status";
// Grouping by an expression keeps SQLite on the merged_into index (few rows) instead of walking
// a status index to save the GROUP BY sort.
constexpr const char* kMergedByOpenStatus =
    "SELECT status || '' AS s, COUNT(*) FROM cases WHERE merged_into > 0 "
    "AND ($1 = 1 OR restricted = 0) GROUP BY s";

// One pass over the window (the first_seen index); counts and medians are computed here, so the
// window is read once rather than once per category (percentile_cont has no SQLite
// counterpart anyway).
constexpr const char* kTriageWindow =
    "SELECT category, first_triage_at, first_triage_at - first_seen FROM cases "
    "WHERE first_seen >= $1 AND merged_into = 0 "
    "AND ($2 = 1 OR (restricted = 0 AND category <> 'csam'))";

// Counted from (registrable_domain, open, restricted) alone, so that the queue's index
// cases_queue_domain (migration 4) answers it without reading the table; the report totals are
// summed for the top ones only. `+open` keeps SQLite from preferring the (open, …) index, which
// would read every open case's row; on PostgreSQL it is the same comparison.
constexpr const char* kTopDomains =
    "SELECT registrable_domain, COUNT(*) AS n FROM cases "
    "WHERE registrable_domain > '' AND +open = 1 AND ($1 = 1 OR restricted = 0) "
    "GROUP BY registrable_domain ORDER BY n DESC, registrable_domain LIMIT $2";
constexpr const char* kDomainReports =
    "SELECT CAST(SUM(report_count) AS BIGINT) FROM cases "
    "WHERE registrable_domain = $1 AND open = 1 AND ($2 = 1 OR restricted = 0)";

}  // namespace

core::result<std::vector<HourCount>> reports_per_hour(Database& db, std::int64_t from,
                                                      std::int64_t to, bool include_csam) {
    return db.read_as<std::vector<HourCount>>([&](Tx& tx) -> core::result<std::vector<HourCount>> {
        SEGNALA_TRY(
            rows, tx.query(include_csam ? kReportsPerHourAll : kReportsPerHourNoCsam, {from, to}));
        std::vector<HourCount> out;
        out.reserve(rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            out.push_back({rows.text(i, 0), rows.int64(i, 1), rows.int64(i, 2)});
        }
        return out;
    });
}

core::result<std::vector<StatusCount>> open_cases_by_status(Database& db, bool include_csam) {
    const int csam = include_csam ? 1 : 0;
    return db.read_as<std::vector<StatusCount>>(
        [&](Tx& tx) -> core::result<std::vector<StatusCount>> {
            SEGNALA_TRY(rows, tx.query(kByOpenStatus, {csam}));
            SEGNALA_TRY(merged, tx.query(kMergedByOpenStatus, {csam}));
            std::vector<StatusCount> out;
            for (std::size_t i = 0; i < rows.size(); ++i) {
                StatusCount sc{rows.text(i, 0), rows.int64(i, 1)};
                for (std::size_t j = 0; j < merged.size(); ++j) {
                    if (merged.text(j, 0) == sc.status) {
                        sc.cases -= merged.int64(j, 1);
                    }
                }
                if (sc.cases > 0) {
                    out.push_back(std::move(sc));
                }
            }
            return out;
        });
}

core::result<std::vector<TriageTime>> triage_times(Database& db, std::int64_t since,
                                                   bool include_csam) {
    return db.read_as<std::vector<TriageTime>>(
        [&](Tx& tx) -> core::result<std::vector<TriageTime>> {
            SEGNALA_TRY(rows, tx.query(kTriageWindow, {since, include_csam ? 1 : 0}));
            std::map<std::string, std::pair<std::vector<std::int64_t>, std::int64_t>> by_category;
            for (std::size_t i = 0; i < rows.size(); ++i) {
                auto& [waits, untriaged] = by_category[rows.text(i, 0)];
                if (rows.int64(i, 1) > 0) {
                    waits.push_back(rows.int64(i, 2));
                } else {
                    ++untriaged;
                }
            }
            std::vector<TriageTime> out;
            for (auto& [category, entry] : by_category) {
                auto& [waits, untriaged] = entry;
                TriageTime t{category, static_cast<std::int64_t>(waits.size()), 0, untriaged};
                if (!waits.empty()) {
                    const auto mid = waits.begin() + static_cast<std::ptrdiff_t>(waits.size() / 2);
                    std::nth_element(waits.begin(), mid, waits.end());
                    t.median_seconds = *mid;
                    if (waits.size() % 2 == 0) {
                        // The mean of the two middle values: the lower one is the largest below.
                        const auto lower = *std::max_element(waits.begin(), mid);
                        t.median_seconds = (lower + *mid) / 2;
                    }
                }
                out.push_back(std::move(t));
            }
            return out;
        });
}

core::result<std::vector<DomainCount>> top_domains(Database& db, int limit, bool include_csam) {
    if (limit < 1) {
        return errc::invalid_argument;
    }
    return db.read_as<std::vector<DomainCount>>(
        [&](Tx& tx) -> core::result<std::vector<DomainCount>> {
            const int csam = include_csam ? 1 : 0;
            SEGNALA_TRY(rows, tx.query(kTopDomains, {csam, limit}));
            std::vector<DomainCount> out;
            for (std::size_t i = 0; i < rows.size(); ++i) {
                DomainCount d{rows.text(i, 0), rows.int64(i, 1), 0};
                SEGNALA_TRY(reports, tx.query(kDomainReports, {d.domain, csam}));
                d.reports = reports.empty() ? 0 : reports.int64(0, 0);
                out.push_back(std::move(d));
            }
            return out;
        });
}

}  // namespace segnala::store
