// Oversight for supervisors: browsing and exporting the audit log, verifying its chain, and
// the dashboard figures with their CSV exports. Every use is itself audited. CSAM figures
// and audit entries about CSAM cases only for supervisors holding the `csam` permission.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/auth.hpp"
#include "app/intake.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/audit_query.hpp"
#include "store/statistics.hpp"
#include "store/store.hpp"

namespace segnala::app {

// CSV (RFC 4180, CRLF line ends). A cell starting with = + - @ (or a tab or carriage
// return) gets a leading apostrophe, so that a spreadsheet never runs it as a formula.
[[nodiscard]] std::string csv_cell(std::string_view s);
[[nodiscard]] std::string csv_line(const std::vector<std::string>& cells);

/// The audit filters as a supervisor typed them.
struct AuditFilter {
    std::string actor;        ///< operator username, or an actor as stored ("cli", "operator:12")
    std::string action;       ///< prefix of the action, [a-z0-9._-]
    std::string object;       ///< exact object, e.g. "case:77"
    std::string from;         ///< "YYYY-MM-DD" in Rome, inclusive; "" = no bound
    std::string to;           ///< "YYYY-MM-DD" in Rome, inclusive; "" = no bound
    std::int64_t before = 0;  ///< keyset cursor: entries older than this seq; 0 = newest
};

struct AuditRow {
    store::AuditEntry entry;
    std::string actor_name;  ///< the operator's username when the actor is "operator:<id>"
};

struct AuditListing {
    std::vector<FieldError> errors;  ///< bad filters: nothing was read
    std::vector<AuditRow> rows;      ///< newest first
    std::int64_t next_before = 0;    ///< cursor of the next (older) page; 0 = none
};

/// Tables of the dashboard, each downloadable as CSV.
enum class DashboardTable { daily, status, triage, domains };
[[nodiscard]] std::optional<DashboardTable> parse_dashboard_table(std::string_view name);
[[nodiscard]] std::string_view to_string(DashboardTable t);

struct DailyRow {
    std::string day;                    ///< "YYYY-MM-DD" in Rome
    std::vector<std::int64_t> reports;  ///< per Dashboard::categories
    std::int64_t total = 0;
};

struct Dashboard {
    std::int64_t generated_at = 0;                   ///< unix seconds
    bool includes_csam = false;                      ///< the viewer holds the csam permission
    std::vector<std::string> categories;             ///< columns of `days`, csam only when included
    std::vector<DailyRow> days;                      ///< the last kDashboardDays days, oldest first
    std::vector<store::StatusCount> open_by_status;  ///< open statuses in their order, zeros kept
    std::vector<store::TriageTime> triage;           ///< cases first seen in the window
    std::vector<store::DomainCount> top_domains;     ///< at most kTopDomains
};

inline constexpr int kDashboardDays = 30;
inline constexpr int kTopDomains = 20;
inline constexpr int kAuditPageSize = 50;
/// Most rows in one audit CSV export (the filters narrow it further).
inline constexpr int kAuditCsvRows = 10000;

/// Thread-safe. Every method blocks on the database. Each returns errc::permission_denied
/// for a principal below supervisor (nothing is read or audited then), and appends one audit
/// entry (actor "operator:<id>") for every use: audit.browse, audit.export, audit.verify,
/// dashboard.view, dashboard.export.
class Oversight {
  public:
    Oversight(store::Store& store, const core::Clock& clock);

    /// One page of the audit log; filter errors come back as `errors` (fields actor, action,
    /// object, from, to; codes
    /// "audit_bad_date", "audit_bad_range", "audit_bad_action", "audit_unknown_actor",
    /// "audit_too_long"), with nothing read and nothing audited.
    core::result<AuditListing> audit(const Principal& who, const AuditFilter& filter,
                                     int limit = kAuditPageSize);
    /// The filtered log (newest first, at most kAuditCsvRows rows) as CSV:
    /// seq,time,actor,username,action,object,detail,hash. invalid_argument for bad filters.
    core::result<std::string> audit_csv(const Principal& who, const AuditFilter& filter);
    /// Walks the whole chain (store::Store::verify_audit) — linear in the log's length.
    core::result<store::AuditVerification> verify(const Principal& who);

    core::result<Dashboard> dashboard(const Principal& who);
    /// One table of the dashboard as CSV with a header line.
    core::result<std::string> dashboard_csv(const Principal& who, DashboardTable table);

  private:
    core::result<void> record(const Principal& who, std::string action, std::string object,
                              std::string detail);
    /// Turns the typed filter into a store query; errors as in audit().
    core::result<std::vector<FieldError>> resolve(const AuditFilter& f, const Principal& who,
                                                  store::AuditQuery& q);
    core::result<AuditListing> read_audit(const Principal& who, const AuditFilter& filter,
                                          int limit);
    /// The dashboard, or only the table `only` of it.
    core::result<Dashboard> figures(const Principal& who, std::optional<DashboardTable> only);
    core::result<void> fill_days(Dashboard& d, const std::map<std::string, std::size_t>& day_index,
                                 std::int64_t start, std::int64_t end);

    store::Store& store_;
    const core::Clock& clock_;
};

}  // namespace segnala::app
