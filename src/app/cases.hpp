// The case page's use cases: view a case (personal data unsealed and audited), act on it
// (confirm, reject, action taken, close, reopen), merge/undo, link, split, notes, evidence and
// reveals, and the exposure counter. The only place with these rules and their authorization.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "app/auth.hpp"
#include "app/intake.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/case_files.hpp"

namespace segnala::crypto {
class Sealer;
}

namespace segnala::app {

struct CaseSettings {
    /// Reveals (CSAM details and evidence images) per day past which the page suggests a pause.
    int exposure_pause_threshold = 20;
    /// How long a reveal keeps a CSAM case unmasked, or an image's plain preview available.
    std::chrono::seconds reveal_window{5 * 60};
};

struct ReportView {
    std::int64_t id = 0;
    std::string code;
    std::string category;
    std::string channel;
    bool verified = false;
    std::int64_t created_at = 0;
    std::string sender;
    std::string subject;
    std::string text;
    std::string description;
    std::string contact;
    std::vector<std::string> urls;  ///< as typed, defanged
    std::vector<store::AttachmentInfo> attachments;
    std::int64_t via_case = 0;           ///< != the case's id: it came with a merged case
    bool unreadable = false;             ///< a sealed field failed to open (logged, shown as such)
    std::int64_t erased_at = 0;          ///< retention erased the details on this date
    std::int64_t contact_erased_at = 0;  ///< retention erased the contact on this date
};

struct NoteView {
    std::int64_t at = 0;
    std::string username;
    std::string body;
};

struct RelatedView {
    std::int64_t id = 0;
    std::string display_url;  ///< defanged; empty when the case is restricted
    std::string category;
    std::string status;
    std::int64_t report_count = 0;
    std::string relation;
};

struct ExposureView {
    store::Exposure counts;
    int threshold = 0;
    bool pause_suggested = false;
};

struct CaseView {
    store::CaseRecord record;
    std::string display_url;          ///< defanged canonical URL; empty while masked
    bool masked = false;              ///< CSAM case not revealed by this operator lately
    std::vector<ReportView> reports;  ///< empty while masked
    std::int64_t total_reports = 0;
    std::vector<store::CaseEvent> events;
    std::vector<NoteView> notes;
    std::vector<RelatedView> related;
    ExposureView exposure;
};

/// The operator actions of the case page ("confirm", "reject", "action_taken", "close",
/// "reopen").
struct CaseAction {
    std::string action;
    std::string reason;     ///< required for reject and reopen
    std::string kind;       ///< action_taken: "blocklisted", "notice_sent", "referred"
    std::string reference;  ///< action_taken: required
};

/// Evidence bytes with their type, ready to send.
struct Evidence {
    std::string bytes;
    std::string mime;
    std::string filename;  ///< ours ("evidence-<code>-<n>.<ext>"), never the reporter's
};

enum class EvidenceKind { blurred, preview, original };

/// Defanged form of a URL as typed (not canonical): scheme http→hxxp, every '.' → "[.]".
std::string defang_text(std::string_view typed);
/// The allowed transitions: true when `action` may move a case from `status`.
bool transition_allowed(std::string_view action, std::string_view status);
/// Largest reason, reference and note, in bytes.
inline constexpr std::size_t kMaxReasonBytes = 1000;
inline constexpr std::size_t kMaxNoteBytes = 5000;

/// Results: `core::result<std::vector<FieldError>>` — an error (not_found for a case the
/// operator may not see or that does not exist, permission_denied for a role too low,
/// conflict for a transition the case's state refuses, unavailable from the store), or the
/// field errors of the input (empty: done; non-empty: nothing changed). All methods block.
using Outcome = core::result<std::vector<FieldError>>;

class Cases {
  public:
    Cases(store::Store& store, const crypto::Sealer& sealer, const core::Clock& clock,
          CaseSettings settings = {});

    /// The case page. Audits "case.view_personal_data" when reports are shown unsealed, else
    /// "case.view".
    core::result<CaseView> view(const Principal& who, std::int64_t case_id);
    /// The case without personal data (for scripts); not_found as for view().
    core::result<store::CaseRecord> summary(const Principal& who, std::int64_t case_id);

    Outcome act(const Principal& who, std::int64_t case_id, const CaseAction& a);
    /// Merges `source` into `target` (analyst+). Both must be visible to the operator.
    Outcome merge(const Principal& who, std::int64_t source, std::int64_t target);
    Outcome unmerge(const Principal& who, std::int64_t source);
    Outcome link(const Principal& who, std::int64_t a, std::int64_t b);
    /// Returns the new case's id through `new_case`.
    Outcome split(const Principal& who, std::int64_t case_id, std::int64_t report_id,
                  std::int64_t* new_case = nullptr);
    Outcome add_note(const Principal& who, std::int64_t case_id, const std::string& body);

    /// Unmasks a CSAM case for reveal_window (audited, counted as exposure).
    core::result<void> reveal_case(const Principal& who, std::int64_t case_id);
    /// Makes one image's plain preview available for reveal_window (audited, counted).
    core::result<void> reveal_attachment(const Principal& who, std::int64_t attachment_id);
    /// Evidence bytes. preview: permission_denied unless revealed lately; original: analyst+,
    /// audited as a download. Blurred and preview views are audited too.
    core::result<Evidence> evidence(const Principal& who, std::int64_t attachment_id,
                                    EvidenceKind kind);

    core::result<ExposureView> exposure(const Principal& who);
    /// Every operator's exposure this week (supervisor+, else permission_denied).
    core::result<std::vector<store::OperatorExposure>> exposures(const Principal& who);

  private:
    core::result<store::CaseRecord> visible(const Principal& who, std::int64_t case_id);
    store::AuditEvent audit(const Principal& who, std::string action, std::string object,
                            std::string detail = "{}") const;
    std::string open_field(const std::string& sealed, const std::string& ad, bool& bad) const;
    std::pair<std::int64_t, std::int64_t> day_and_week_start() const;

    store::Store& store_;
    store::CaseFiles files_;
    const crypto::Sealer& sealer_;
    const core::Clock& clock_;
    CaseSettings settings_;
};

}  // namespace segnala::app
