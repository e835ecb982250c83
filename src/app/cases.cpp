#include "app/cases.hpp"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/civil_time.hpp"
#include "crypto/seal.hpp"
#include "url/canonicalize.hpp"
#include "url/defang.hpp"

namespace segnala::app {

using core::errc;

namespace {

struct Transition {
    std::string_view action;
    std::array<std::string_view, 4> from;
    std::string_view to;
    bool open;
};

// The case workflow. Everything not listed is refused (errc::conflict).
constexpr Transition kTransitions[] = {
    {"confirm", {"received", "in_review"}, "confirmed", true},
    {"reject", {"received", "in_review", "confirmed"}, "not_actionable", false},
    {"action_taken", {"received", "in_review", "confirmed"}, "action_taken", false},
    {"close", {"received", "in_review", "confirmed", "action_taken"}, "closed", false},
    {"reopen", {"closed", "not_actionable", "action_taken"}, "in_review", true},
};

constexpr std::string_view kActionKinds[] = {"blocklisted", "notice_sent", "referred"};

const Transition* find_transition(std::string_view action) {
    for (const auto& t : kTransitions) {
        if (t.action == action) {
            return &t;
        }
    }
    return nullptr;
}

std::string trim(std::string_view s) {
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') {
        s.remove_prefix(1);
    }
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') {
        s.remove_suffix(1);
    }
    return std::string(s);
}

bool valid_utf8_text(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80         ? 1
                        : (c >> 5) == 6  ? 2
                        : (c >> 4) == 14 ? 3
                        : (c >> 3) == 30 ? 4
                                         : 0;
        if (n == 0 || i + n > s.size()) {
            return false;
        }
        if (n == 1 && c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
            return false;
        }
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
                return false;
            }
        }
        i += n;
    }
    return true;
}

std::string display_of(const std::string& canonical) {
    auto c = url::canonicalize(canonical);
    return c ? url::defang(c.value()) : defang_text(canonical);
}

std::string extension_of(std::string_view mime) {
    if (mime == "image/png")
        return "png";
    if (mime == "image/jpeg")
        return "jpg";
    if (mime == "image/webp")
        return "webp";
    if (mime == "image/gif")
        return "gif";
    return "bin";
}

}  // namespace

std::string defang_text(std::string_view typed) {
    std::string out;
    out.reserve(typed.size() + 16);
    std::size_t i = 0;
    auto starts_ci = [&](std::string_view prefix) {
        if (typed.size() < prefix.size())
            return false;
        for (std::size_t k = 0; k < prefix.size(); ++k) {
            if (std::tolower(static_cast<unsigned char>(typed[k])) != prefix[k])
                return false;
        }
        return true;
    };
    if (starts_ci("http")) {
        out += "hxxp";
        i = 4;
    } else if (starts_ci("ftp")) {
        out += "fxp";
        i = 3;
    }
    for (; i < typed.size(); ++i) {
        if (typed[i] == '.') {
            out += "[.]";
        } else {
            out += typed[i];
        }
    }
    return out;
}

bool transition_allowed(std::string_view action, std::string_view status) {
    const Transition* t = find_transition(action);
    return t != nullptr && std::find(t->from.begin(), t->from.end(), status) != t->from.end();
}

Cases::Cases(store::Store& store, const crypto::Sealer& sealer, const core::Clock& clock,
             CaseSettings settings)
    : store_(store),
      files_(store.database()),
      sealer_(sealer),
      clock_(clock),
      settings_(settings) {}

store::AuditEvent Cases::audit(const Principal& who, std::string action, std::string object,
                               std::string detail) const {
    return store::AuditEvent{clock_.now_micros(), "operator:" + std::to_string(who.operator_id),
                             std::move(action), std::move(object), std::move(detail)};
}

std::pair<std::int64_t, std::int64_t> Cases::day_and_week_start() const {
    // "Today" and "this week" as the operator lives them: Rome civil time, weeks from Monday.
    const std::int64_t now = clock_.now_unix();
    return {core::rome_day_start(now), core::rome_week_start(now)};
}

core::result<store::CaseRecord> Cases::visible(const Principal& who, std::int64_t case_id) {
    if (case_id <= 0) {
        return errc::not_found;
    }
    SEGNALA_TRY(c, files_.get(case_id));
    if (c.restricted && !who.may_see_csam()) {
        // CSAM cases exist only for operators with the csam permission.
        return errc::not_found;
    }
    return c;
}

std::string Cases::open_field(const std::string& sealed, const std::string& ad, bool& bad) const {
    if (sealed.empty()) {
        return {};
    }
    auto opened = sealer_.open(sealed, ad);
    if (!opened) {
        spdlog::error("cannot open a sealed field ({}): {}", ad, opened.error().message());
        bad = true;
        return {};
    }
    return std::move(opened).value();
}

core::result<store::CaseRecord> Cases::summary(const Principal& who, std::int64_t case_id) {
    return visible(who, case_id);
}

core::result<CaseView> Cases::view(const Principal& who, std::int64_t case_id) {
    SEGNALA_TRY(c, visible(who, case_id));
    CaseView v;
    const std::int64_t now = clock_.now_unix();
    if (c.restricted) {
        SEGNALA_TRY(last, files_.last_reveal(who.operator_id, "case:" + std::to_string(c.id)));
        v.masked = last == 0 || last + settings_.reveal_window.count() < now;
    }
    v.display_url = v.masked ? std::string() : display_of(c.canonical_url);
    SEGNALA_TRY(total, files_.count_reports(c.id));
    v.total_reports = total;
    if (!v.masked) {
        SEGNALA_TRY(reports, files_.reports(c.id));
        for (auto& r : reports) {
            ReportView rv;
            rv.id = r.id;
            rv.code = r.code;
            rv.category = r.category;
            rv.channel = r.channel;
            rv.verified = r.verified;
            rv.created_at = r.created_at;
            rv.sender = r.sender;
            const std::string ad = "report:" + r.code + ":";
            rv.subject = open_field(r.subject_sealed, ad + "subject", rv.unreadable);
            rv.text = open_field(r.text_sealed, ad + "text", rv.unreadable);
            rv.description = open_field(r.description_sealed, ad + "description", rv.unreadable);
            rv.contact = open_field(r.contact_sealed, ad + "contact", rv.unreadable);
            for (const auto& u : r.urls) {
                const std::string typed = open_field(
                    u.original_sealed, ad + "url:" + std::to_string(u.position), rv.unreadable);
                rv.urls.push_back(defang_text(typed));
            }
            rv.attachments = std::move(r.attachments);
            rv.via_case = r.via_case;
            rv.erased_at = r.erased_at;
            rv.contact_erased_at = r.contact_erased_at;
            v.reports.push_back(std::move(rv));
        }
    }
    SEGNALA_TRY(events, files_.events(c.id));
    v.events = std::move(events);
    SEGNALA_TRY(notes, files_.notes(c.id));
    for (const auto& n : notes) {
        bool bad = false;
        NoteView nv{n.at, n.username,
                    open_field(n.body_sealed,
                               "case_note:" + std::to_string(c.id) + ":" +
                                   std::to_string(n.operator_id) + ":" + std::to_string(n.at),
                               bad)};
        v.notes.push_back(std::move(nv));
    }
    SEGNALA_TRY(related, files_.related(c, who.may_see_csam()));
    for (const auto& r : related) {
        v.related.push_back({r.id, r.restricted ? std::string() : display_of(r.canonical_url),
                             r.category, r.status, r.report_count, r.relation});
    }
    SEGNALA_TRY(exposure, this->exposure(who));
    v.exposure = exposure;
    const bool personal = !v.reports.empty();
    nlohmann::json detail = {{"reports", v.reports.size()}, {"masked", v.masked}};
    SEGNALA_TRYV(store_.append_audit(audit(who, personal ? "case.view_personal_data" : "case.view",
                                           "case:" + std::to_string(c.id), detail.dump())));
    v.record = std::move(c);
    return v;
}

Outcome Cases::act(const Principal& who, std::int64_t case_id, const CaseAction& a) {
    std::vector<FieldError> errors;
    const Transition* t = find_transition(a.action);
    if (t == nullptr) {
        errors.push_back({"action", "case_action_unknown"});
        return errors;
    }
    if (!who.at_least(a.action == "reopen" ? "supervisor" : "analyst")) {
        return errc::permission_denied;
    }
    const std::string reason = trim(a.reason);
    const std::string reference = trim(a.reference);
    if ((a.action == "reject" || a.action == "reopen") && reason.empty()) {
        errors.push_back({"reason", "case_reason_required"});
    }
    if (reason.size() > kMaxReasonBytes || !valid_utf8_text(reason)) {
        errors.push_back({"reason", "case_text_invalid"});
    }
    if (a.action == "action_taken") {
        if (std::find(std::begin(kActionKinds), std::end(kActionKinds), a.kind) ==
            std::end(kActionKinds)) {
            errors.push_back({"kind", "case_kind_invalid"});
        }
        if (reference.empty()) {
            errors.push_back({"reference", "case_reference_required"});
        } else if (reference.size() > 200 || !valid_utf8_text(reference) ||
                   reference.find('\n') != std::string::npos) {
            errors.push_back({"reference", "case_text_invalid"});
        }
    }
    if (!errors.empty()) {
        return errors;
    }
    SEGNALA_TRY(c, visible(who, case_id));
    store::StatusChange ch;
    ch.from.assign(t->from.begin(), t->from.end());
    ch.from.erase(std::remove(ch.from.begin(), ch.from.end(), std::string()), ch.from.end());
    ch.to = std::string(t->to);
    ch.open = t->open;
    ch.operator_id = who.operator_id;
    ch.at = clock_.now_unix();
    ch.counts_as_triage = a.action != "reopen";
    nlohmann::json detail = {{"from", c.status}, {"to", ch.to}, {"action", a.action}};
    nlohmann::json audit_detail = detail;
    if (!reason.empty()) {
        detail["reason"] = reason;
    }
    if (a.action == "action_taken") {
        ch.action_kind = a.kind;
        ch.action_reference = reference;
        detail["kind"] = a.kind;
        detail["reference"] = reference;
        audit_detail["kind"] = a.kind;
    }
    ch.event_detail = detail.dump();
    SEGNALA_TRY(changed,
                files_.change_status(c.id, ch,
                                     audit(who, "case." + a.action, "case:" + std::to_string(c.id),
                                           audit_detail.dump())));
    (void)changed;
    return errors;
}

Outcome Cases::merge(const Principal& who, std::int64_t source, std::int64_t target) {
    if (!who.at_least("analyst")) {
        return errc::permission_denied;
    }
    if (target <= 0) {
        return std::vector<FieldError>{{"target", "case_target_invalid"}};
    }
    SEGNALA_TRY(s, visible(who, source));
    auto t = visible(who, target);
    if (!t) {
        if (t.error() == errc::not_found) {
            return std::vector<FieldError>{{"target", "case_target_invalid"}};
        }
        return t.error();
    }
    nlohmann::json detail = {{"source", s.id}, {"target", t.value().id}};
    SEGNALA_TRYV(
        files_.merge(s.id, t.value().id, who.operator_id, clock_.now_unix(),
                     audit(who, "case.merge", "case:" + std::to_string(s.id), detail.dump())));
    return std::vector<FieldError>{};
}

Outcome Cases::unmerge(const Principal& who, std::int64_t source) {
    if (!who.at_least("analyst")) {
        return errc::permission_denied;
    }
    SEGNALA_TRY(s, visible(who, source));
    nlohmann::json detail = {{"source", s.id}, {"target", s.merged_into}};
    SEGNALA_TRYV(
        files_.unmerge(s.id, who.operator_id, clock_.now_unix(),
                       audit(who, "case.unmerge", "case:" + std::to_string(s.id), detail.dump())));
    return std::vector<FieldError>{};
}

Outcome Cases::link(const Principal& who, std::int64_t a, std::int64_t b) {
    if (!who.at_least("analyst")) {
        return errc::permission_denied;
    }
    SEGNALA_TRY(ca, visible(who, a));
    auto cb = visible(who, b);
    if (!cb || cb.value().id == ca.id) {
        if (cb && cb.value().id == ca.id) {
            return std::vector<FieldError>{{"other", "case_target_invalid"}};
        }
        if (cb.error() == errc::not_found) {
            return std::vector<FieldError>{{"other", "case_target_invalid"}};
        }
        return cb.error();
    }
    nlohmann::json detail = {{"a", ca.id}, {"b", cb.value().id}};
    SEGNALA_TRYV(
        files_.link(ca.id, cb.value().id, who.operator_id, clock_.now_unix(),
                    audit(who, "case.link", "case:" + std::to_string(ca.id), detail.dump())));
    return std::vector<FieldError>{};
}

Outcome Cases::split(const Principal& who, std::int64_t case_id, std::int64_t report_id,
                     std::int64_t* new_case) {
    if (!who.at_least("analyst")) {
        return errc::permission_denied;
    }
    SEGNALA_TRY(c, visible(who, case_id));
    auto fresh = files_.split(c.id, report_id, who.operator_id, clock_.now_unix(),
                              audit(who, "case.split", "case:" + std::to_string(c.id)));
    if (!fresh) {
        if (fresh.error() == errc::not_found) {
            return std::vector<FieldError>{{"report", "case_report_invalid"}};
        }
        return fresh.error();
    }
    if (new_case != nullptr) {
        *new_case = fresh.value();
    }
    return std::vector<FieldError>{};
}

Outcome Cases::add_note(const Principal& who, std::int64_t case_id, const std::string& body) {
    if (!who.at_least("analyst")) {
        return errc::permission_denied;
    }
    const std::string text = trim(body);
    if (text.empty()) {
        return std::vector<FieldError>{{"note", "case_note_required"}};
    }
    if (text.size() > kMaxNoteBytes || !valid_utf8_text(text)) {
        return std::vector<FieldError>{{"note", "case_text_invalid"}};
    }
    SEGNALA_TRY(c, visible(who, case_id));
    const std::int64_t at = clock_.now_unix();
    const std::string sealed =
        sealer_.seal(text, "case_note:" + std::to_string(c.id) + ":" +
                               std::to_string(who.operator_id) + ":" + std::to_string(at));
    SEGNALA_TRYV(files_.add_note(c.id, who.operator_id, at, sealed,
                                 audit(who, "case.note", "case:" + std::to_string(c.id))));
    return std::vector<FieldError>{};
}

core::result<void> Cases::reveal_case(const Principal& who, std::int64_t case_id) {
    SEGNALA_TRY(c, visible(who, case_id));
    const std::string object = "case:" + std::to_string(c.id);
    return files_.record_reveal(who.operator_id, clock_.now_unix(), object, c.restricted,
                                audit(who, "case.reveal", object));
}

core::result<void> Cases::reveal_attachment(const Principal& who, std::int64_t attachment_id) {
    SEGNALA_TRY(a, files_.attachment(attachment_id));
    if (a.restricted && !who.may_see_csam()) {
        return errc::not_found;
    }
    const std::string object = "attachment:" + std::to_string(a.info.id);
    nlohmann::json detail = {{"case", a.case_id}, {"sha256", a.info.sha256}};
    return files_.record_reveal(who.operator_id, clock_.now_unix(), object, a.restricted,
                                audit(who, "evidence.reveal", object, detail.dump()));
}

core::result<Evidence> Cases::evidence(const Principal& who, std::int64_t attachment_id,
                                       EvidenceKind kind) {
    SEGNALA_TRY(a, files_.attachment(attachment_id));
    if (a.restricted && !who.may_see_csam()) {
        return errc::not_found;
    }
    if (a.info.erased_at != 0) {
        return errc::not_found;  // erased under the retention policy: nothing left to show
    }
    const std::string object = "attachment:" + std::to_string(a.info.id);
    const char* which = "blurred";
    const char* action = "evidence.view_blurred";
    if (kind == EvidenceKind::preview) {
        SEGNALA_TRY(last, files_.last_reveal(who.operator_id, object));
        if (last == 0 || last + settings_.reveal_window.count() < clock_.now_unix()) {
            return errc::permission_denied;
        }
        which = "preview";
        action = "evidence.view_preview";
    } else if (kind == EvidenceKind::original) {
        if (!who.at_least("analyst")) {
            return errc::permission_denied;
        }
        which = "original";
        action = "evidence.download";
    }
    SEGNALA_TRY(sealed, files_.attachment_blob(a.info.id, which));
    const std::string ad =
        "report:" + a.report_code + ":attachment:" + std::to_string(a.info.position) + ":" + which;
    auto bytes = sealer_.open(sealed, ad);
    if (!bytes) {
        spdlog::error("cannot open evidence {} ({}): {}", a.info.id, which,
                      bytes.error().message());
        return errc::internal;
    }
    nlohmann::json detail = {{"case", a.case_id}, {"sha256", a.info.sha256}};
    SEGNALA_TRYV(store_.append_audit(audit(who, action, object, detail.dump())));
    Evidence e;
    e.bytes = std::move(bytes).value();
    e.mime = kind == EvidenceKind::original ? a.info.mime : "image/jpeg";
    e.filename = "evidence-" + a.report_code + "-" + std::to_string(a.info.position) + "." +
                 (kind == EvidenceKind::original ? extension_of(a.info.mime) : "jpg");
    return e;
}

core::result<ExposureView> Cases::exposure(const Principal& who) {
    const auto [day, week] = day_and_week_start();
    SEGNALA_TRY(counts, files_.exposure(who.operator_id, day, week));
    ExposureView v;
    v.counts = counts;
    v.threshold = settings_.exposure_pause_threshold;
    v.pause_suggested = v.threshold > 0 && counts.today >= v.threshold;
    return v;
}

core::result<std::vector<store::OperatorExposure>> Cases::exposures(const Principal& who) {
    if (!who.at_least("supervisor")) {
        return errc::permission_denied;
    }
    const auto [day, week] = day_and_week_start();
    return files_.exposures(day, week);
}

}  // namespace segnala::app
