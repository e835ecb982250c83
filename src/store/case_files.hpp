// The case file of the back office: one case with its reports, history, notes, related and
// linked cases, evidence and reveals; status changes, merge/undo, link and split. Each change
// writes its case_events row and its audit entry in the same transaction.
// All methods block (run them on the worker pool) and are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "store/store.hpp"

namespace segnala::store {

class Database;

struct CaseRecord {
    std::int64_t id = 0;
    std::string url_hash;
    std::string canonical_url;
    std::string host;
    std::string registrable_domain;
    std::string category;
    std::string status;
    std::int64_t status_at = 0;
    std::int64_t report_count = 0;
    std::int64_t first_seen = 0;
    std::int64_t last_seen = 0;
    std::string signals;
    bool open = true;
    bool restricted = false;  ///< CSAM: category csam or cases.restricted
    std::int64_t assigned_to = 0;
    std::string assigned_username;
    std::int64_t first_triage_at = 0;
    std::int64_t triaged_by = 0;
    std::int64_t merged_into = 0;
    std::string action_kind;
    std::string action_reference;
};

struct CaseReportUrl {
    std::int64_t position = 0;
    std::int64_t case_id = 0;
    std::string original_sealed;
};

struct AttachmentInfo {
    std::int64_t id = 0;
    std::int64_t report_id = 0;
    std::int64_t position = 0;
    std::string sha256;
    std::string mime;
    std::int64_t size = 0;
    std::int64_t width = 0;
    std::int64_t height = 0;
    std::int64_t erased_at = 0;  ///< when retention erased the image (hash, type, size stay)
};

/// A report of a case, personal fields still sealed (the app opens them).
struct CaseReport {
    std::int64_t id = 0;
    std::string code;
    std::int64_t case_id = 0;  ///< reports.case_id (the case of its first URL)
    std::string category;
    std::string channel;
    bool verified = false;
    std::string lang;
    std::int64_t created_at = 0;
    std::string sender;
    std::string subject_sealed;
    std::string text_sealed;
    std::string description_sealed;
    std::string contact_sealed;
    std::int64_t erased_at = 0;  ///< retention erased the details (Store::erase_expired_…)
    std::int64_t contact_erased_at = 0;  ///< retention erased the contact
    std::vector<CaseReportUrl> urls;
    std::vector<AttachmentInfo> attachments;
    /// The case this report belongs to on this page: the case itself, or a case merged into it.
    std::int64_t via_case = 0;
};

struct CaseEvent {
    std::int64_t id = 0;
    std::int64_t at = 0;
    std::int64_t operator_id = 0;
    std::string username;
    std::string kind;
    std::string detail;  ///< JSON, no personal data
};

struct CaseNote {
    std::int64_t id = 0;
    std::int64_t at = 0;
    std::int64_t operator_id = 0;
    std::string username;
    std::string body_sealed;
};

struct RelatedCase {
    std::int64_t id = 0;
    std::string canonical_url;
    std::string category;
    std::string status;
    std::int64_t report_count = 0;
    bool restricted = false;
    std::string relation;  ///< "linked", "merged", "host", "domain"
};

/// An attachment with what decides who may see it.
struct AttachmentRecord {
    AttachmentInfo info;
    std::string report_code;  ///< binds the sealed blobs (associated data)
    std::int64_t case_id = 0;
    bool restricted = false;  ///< the report or one of its cases is CSAM
};

/// A status change. The change is refused with errc::conflict when the current status is not
/// in `from` or the case is merged into another.
struct StatusChange {
    std::vector<std::string> from;
    std::string to;
    bool open = false;
    std::string action_kind;  ///< kept when empty
    std::string action_reference;
    std::int64_t operator_id = 0;
    std::int64_t at = 0;           ///< unix seconds
    std::string event_detail;      ///< JSON for case_events
    bool counts_as_triage = true;  ///< sets first_triage_at/triaged_by when unset
};

struct Exposure {
    std::int64_t today = 0;
    std::int64_t week = 0;
    std::int64_t csam_today = 0;
    std::int64_t csam_week = 0;
};

struct OperatorExposure {
    std::int64_t operator_id = 0;
    std::string username;
    Exposure exposure;
};

/// Reports shown on one case page at most (the page says when there are more).
inline constexpr int kMaxCaseReports = 200;

class CaseFiles {
  public:
    explicit CaseFiles(Database& db);

    /// errc::not_found when there is no such case.
    core::result<CaseRecord> get(std::int64_t case_id);
    /// Reports joined to the case by any of their URLs, and those of the cases merged into it,
    /// oldest first, at most kMaxCaseReports.
    core::result<std::vector<CaseReport>> reports(std::int64_t case_id);
    core::result<std::int64_t> count_reports(std::int64_t case_id);
    core::result<std::vector<CaseEvent>> events(std::int64_t case_id);
    core::result<std::vector<CaseNote>> notes(std::int64_t case_id);
    /// Linked cases (both directions), cases merged into this one, and up to 20 cases of the
    /// same host and of the same registrable domain. Restricted cases only when asked.
    core::result<std::vector<RelatedCase>> related(const CaseRecord& c, bool include_restricted);

    core::result<CaseRecord> change_status(std::int64_t case_id, const StatusChange& change,
                                           const AuditEvent& audit);
    /// Merges `source` into `target`. errc::conflict when either is merged already, source has
    /// cases merged into it, or they are the same; errc::not_found when one is missing.
    core::result<void> merge(std::int64_t source, std::int64_t target, std::int64_t operator_id,
                             std::int64_t at, const AuditEvent& audit);
    /// Undoes a merge. errc::conflict when `source` is not merged.
    core::result<void> unmerge(std::int64_t source, std::int64_t operator_id, std::int64_t at,
                               const AuditEvent& audit);
    /// Links two cases (idempotent). errc::conflict for a case with itself.
    core::result<void> link(std::int64_t a, std::int64_t b, std::int64_t operator_id,
                            std::int64_t at, const AuditEvent& audit);
    /// Moves report `report_id` out of `case_id` into a new case with the same canonical URL
    /// (url_hash "<hash>:split:<report id>"). errc::not_found when the report has no URL in the
    /// case, errc::conflict when it is the case's only report. Returns the new case id.
    core::result<std::int64_t> split(std::int64_t case_id, std::int64_t report_id,
                                     std::int64_t operator_id, std::int64_t at,
                                     const AuditEvent& audit);
    core::result<void> add_note(std::int64_t case_id, std::int64_t operator_id, std::int64_t at,
                                const std::string& body_sealed, const AuditEvent& audit);

    /// errc::not_found when there is no such attachment.
    core::result<AttachmentRecord> attachment(std::int64_t id);
    /// One sealed blob of an attachment: "original", "preview" or "blurred".
    core::result<std::string> attachment_blob(std::int64_t id, std::string_view which);

    /// Records that an operator revealed `object` ("case:7", "attachment:9").
    core::result<void> record_reveal(std::int64_t operator_id, std::int64_t at,
                                     const std::string& object, bool csam, const AuditEvent& audit);
    /// The time of the operator's latest reveal of `object` (0 when never).
    core::result<std::int64_t> last_reveal(std::int64_t operator_id, const std::string& object);
    core::result<Exposure> exposure(std::int64_t operator_id, std::int64_t day_start,
                                    std::int64_t week_start);
    /// Every operator with a reveal since week_start.
    core::result<std::vector<OperatorExposure>> exposures(std::int64_t day_start,
                                                          std::int64_t week_start);

  private:
    Database& db_;
};

}  // namespace segnala::store
