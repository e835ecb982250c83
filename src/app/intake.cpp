#include "app/intake.hpp"

#include <algorithm>
#include <cctype>
#include <future>

#include <spdlog/spdlog.h>

#include "app/contact.hpp"
#include "app/search_terms.hpp"
#include "crypto/codes.hpp"
#include "crypto/hash.hpp"
#include "crypto/seal.hpp"
#include "media/intake.hpp"
#include "store/store.hpp"
#include "url/canonicalize.hpp"
#include "url/defang.hpp"
#include "url/domain.hpp"

namespace segnala::app {

using core::errc;

namespace {

// Field error codes (message keys in src/web/i18n and the API's "code").
constexpr const char* kCategoryInvalid = "category_invalid";
constexpr const char* kUrlsRequired = "urls_required";
constexpr const char* kTooManyUrls = "too_many_urls";
constexpr const char* kUrlTooLong = "url_too_long";
constexpr const char* kUrlInvalid = "url_invalid";
constexpr const char* kSenderTooLong = "sender_too_long";
constexpr const char* kSubjectTooLong = "subject_too_long";
constexpr const char* kTextTooLong = "text_too_long";
constexpr const char* kDescriptionTooLong = "description_too_long";
constexpr const char* kTextEncoding = "text_encoding";
constexpr const char* kContactInvalid = "contact_invalid";
constexpr const char* kTooManyAttachments = "too_many_attachments";
constexpr const char* kAttachmentTooLarge = "attachment_too_large";
constexpr const char* kAttachmentType = "attachment_type";
constexpr const char* kAttachmentInvalid = "attachment_invalid";
constexpr const char* kAttachmentTooManyPixels = "attachment_too_many_pixels";
constexpr const char* kCsamNoAttachments = "csam_no_attachments";

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return std::string(s);
}

void check_text(std::vector<FieldError>& errors, const char* field, const std::string& value,
                std::size_t max_chars, const char* too_long) {
    if (!is_clean_text(value)) {
        errors.push_back({field, kTextEncoding});
    } else if (utf8_length(value) > max_chars) {
        errors.push_back({field, too_long});
    }
}

/// Canonicalizes one typed URL; nullopt when it is not a reportable web address.
std::optional<ValidUrl> validate_url(const std::string& typed) {
    if (!is_clean_text(typed) || typed.find_first_of("\r\n\t") != std::string::npos) {
        return std::nullopt;
    }
    auto c = url::canonicalize(typed);
    if (!c) {
        return std::nullopt;
    }
    const url::CanonicalUrl& cu = c.value();
    if (cu.scheme() != "http" && cu.scheme() != "https") {
        return std::nullopt;
    }
    ValidUrl v;
    v.original = typed;
    v.canonical = cu.url;
    v.url_hash = crypto::sha256_hex(cu.url);
    v.host = std::string(cu.host());
    v.had_userinfo = cu.had_userinfo;
    v.host_is_ip = cu.host_is_ip;
    v.host_is_idn = cu.host_is_idn;
    if (!cu.host_is_ip) {
        // A host with no registrable domain ("localhost", "hello", a bare suffix) is no site.
        auto d = url::registrable_domain(cu.host());
        if (!d) {
            return std::nullopt;
        }
        v.registrable_domain = std::move(d).value();
    }
    v.display = url::defang(cu);
    return v;
}

std::string signals_of(const ValidUrl& u) {
    std::string s;
    auto add = [&](const char* x) {
        if (!s.empty())
            s += ',';
        s += x;
    };
    if (u.host_is_ip)
        add("ip_host");
    if (u.host_is_idn)
        add("idn");
    if (u.had_userinfo)
        add("userinfo");
    return s;
}

}  // namespace

Intake::Intake(store::Store& store, const crypto::Sealer& sealer, const core::Clock& clock,
               IntakeLimits limits)
    : store_(store), sealer_(sealer), clock_(clock), limits_(limits) {}

std::vector<FieldError> Intake::validate(const ReportForm& form, Submission& out) const {
    std::vector<FieldError> errors;
    const auto category = core::parse_category(trim(form.category));
    if (!category) {
        errors.push_back({"category", kCategoryInvalid});
    }
    out.category = category.value_or(core::Category::other);

    std::size_t present = 0;
    for (const auto& u : form.urls) {
        present += trim(u).empty() ? 0 : 1;
    }
    if (present == 0) {
        errors.push_back({"urls", kUrlsRequired});
    } else if (present > limits_.max_urls) {
        errors.push_back({"urls", kTooManyUrls});
    } else {
        std::vector<std::string> seen;
        for (std::size_t i = 0; i < form.urls.size(); ++i) {
            const std::string typed = trim(form.urls[i]);
            if (typed.empty())
                continue;
            const std::string field = "urls/" + std::to_string(i);
            if (typed.size() > limits_.max_url_bytes) {
                errors.push_back({field, kUrlTooLong});
                continue;
            }
            auto v = validate_url(typed);
            if (!v) {
                errors.push_back({field, kUrlInvalid});
                continue;
            }
            // The same site twice in one report counts once.
            if (std::find(seen.begin(), seen.end(), v->canonical) == seen.end()) {
                seen.push_back(v->canonical);
                out.urls.push_back(std::move(*v));
            }
        }
    }

    out.sender = trim(form.sender);
    if (!is_clean_text(out.sender)) {
        errors.push_back({"sender", kTextEncoding});
    } else if (out.sender.size() > limits_.max_sender_bytes) {
        errors.push_back({"sender", kSenderTooLong});
    }
    out.subject = trim(form.subject);
    check_text(errors, "subject", out.subject, limits_.max_subject_chars, kSubjectTooLong);
    out.text = form.text;
    check_text(errors, "text", out.text, limits_.max_text_chars, kTextTooLong);
    out.description = trim(form.description);
    check_text(errors, "description", out.description, limits_.max_description_chars,
               kDescriptionTooLong);

    const std::string contact = trim(form.contact);
    if (!contact.empty()) {
        auto c =
            contact.size() <= limits_.max_contact_bytes ? normalize_contact(contact) : std::nullopt;
        if (!c) {
            errors.push_back({"contact", kContactInvalid});
        } else {
            out.contact = std::move(*c);
        }
    }

    if (!form.attachments.empty()) {
        if (out.category == core::Category::csam) {
            // Never accept (or even look at) files in the CSAM category.
            errors.push_back({"attachments", kCsamNoAttachments});
        } else if (form.attachments.size() > limits_.max_attachments) {
            errors.push_back({"attachments", kTooManyAttachments});
        } else {
            media::ImageLimits il;
            il.max_bytes = limits_.max_attachment_bytes;
            for (std::size_t i = 0; i < form.attachments.size(); ++i) {
                const auto& up = form.attachments[i];
                const std::string field = "attachments/" + std::to_string(i);
                if (up.bytes.size() > limits_.max_attachment_bytes) {
                    errors.push_back({field, kAttachmentTooLarge});
                    continue;
                }
                // Hash first, before anything else looks at the bytes.
                const std::string digest = crypto::sha256_hex(up.bytes);
                auto processed = media::process_upload(up.bytes, il);
                if (!processed) {
                    const auto e = processed.error();
                    errors.push_back({field, e == errc::unsupported_media_type ? kAttachmentType
                                             : e == errc::too_large ? kAttachmentTooManyPixels
                                                                    : kAttachmentInvalid});
                    continue;
                }
                ValidImage img;
                img.bytes = up.bytes;
                img.sha256_hex = digest;
                img.mime = std::string(media::mime_of(processed.value().type));
                img.width = processed.value().width;
                img.height = processed.value().height;
                img.preview_jpeg = std::move(processed.value().preview_jpeg);
                img.blurred_jpeg = std::move(processed.value().blurred_preview_jpeg);
                out.images.push_back(std::move(img));
            }
        }
    }
    return errors;
}

namespace {

store::NewReport to_new_report(const Submission& s, const SubmitContext& ctx,
                               const crypto::Sealer& sealer, std::int64_t now) {
    store::NewReport r;
    r.code = crypto::new_report_code();
    r.category = std::string(core::to_string(s.category));
    r.channel = std::string(core::to_string(ctx.channel));
    r.verified = ctx.verified;
    r.lang = ctx.lang;
    r.created_at = now;
    // The client key is used for rate limits only and never stored with the report: whoever
    // holds the master key could recompute it for a given address and day.
    r.client_key.clear();
    r.api_key_id = ctx.api_key_id;
    r.sender = s.sender;
    // Associated data binds each sealed value to its report and field.
    auto seal = [&](const std::string& v, const char* field) {
        return v.empty() ? std::string() : sealer.seal(v, "report:" + r.code + ":" + field);
    };
    r.subject_sealed = seal(s.subject, "subject");
    r.text_sealed = seal(s.text, "text");
    r.description_sealed = seal(s.description, "description");
    r.contact_sealed = seal(s.contact, "contact");
    for (std::size_t i = 0; i < s.urls.size(); ++i) {
        const auto& u = s.urls[i];
        store::NewReportUrl nu;
        nu.canonical = u.canonical;
        nu.url_hash = u.url_hash;
        nu.host = u.host;
        nu.registrable_domain = u.registrable_domain;
        nu.signals = signals_of(u);
        nu.had_userinfo = u.had_userinfo;
        nu.original_sealed =
            sealer.seal(u.original, "report:" + r.code + ":url:" + std::to_string(i));
        r.urls.push_back(std::move(nu));
    }
    // The search index gets the URLs' words and the description's words as keyed hashes
    // only (search_terms.hpp); the key is derived per report, which costs one BLAKE2b.
    std::vector<std::string> canonicals;
    canonicals.reserve(s.urls.size());
    for (const auto& u : s.urls) {
        canonicals.push_back(u.canonical);
    }
    r.search_terms = SearchTerms(sealer.subkey("search")).report_terms(canonicals, s.description);
    for (std::size_t i = 0; i < s.images.size(); ++i) {
        const auto& img = s.images[i];
        const std::string ad = "report:" + r.code + ":attachment:" + std::to_string(i);
        store::NewAttachment a;
        a.sha256 = img.sha256_hex;
        a.mime = img.mime;
        a.size = static_cast<std::int64_t>(img.bytes.size());
        a.width = img.width;
        a.height = img.height;
        a.original_sealed = sealer.seal(img.bytes, ad + ":original");
        a.preview_sealed = sealer.seal(img.preview_jpeg, ad + ":preview");
        a.blurred_sealed = sealer.seal(img.blurred_jpeg, ad + ":blurred");
        r.attachments.push_back(std::move(a));
    }
    return r;
}

Receipt to_receipt(const std::string& code, std::int64_t created_at,
                   const store::StoredReport& stored, const Submission& s) {
    Receipt out;
    out.code = code;
    out.created_at = created_at;
    out.case_id = stored.cases.front().case_id;
    bool sensitive = s.category == core::Category::csam;
    for (const auto& c : stored.cases) {
        out.case_ids.push_back(c.case_id);
        sensitive = sensitive || c.category == "csam";
    }
    out.status = core::parse_status(stored.cases.front().status).value_or(core::Status::received);
    if (sensitive) {
        // What is known about CSAM sites is never revealed, not even indirectly.
        out.status = core::Status::received;
        return out;
    }
    for (std::size_t i = 0; i < stored.cases.size(); ++i) {
        const auto& c = stored.cases[i];
        if (c.report_count == 0)
            continue;
        KnownUrl k;
        k.display = s.urls[i].display;
        k.previous_reports = c.report_count;
        k.first_seen = c.first_seen;
        k.blocked = c.status == "action_taken";
        k.blocked_at = k.blocked ? c.status_at : 0;
        out.known.push_back(std::move(k));
    }
    return out;
}

}  // namespace

core::result<Receipt> Intake::submit(const Submission& s, const SubmitContext& ctx) {
    if (s.urls.empty()) {
        return errc::invalid_argument;
    }
    for (int attempt = 0;; ++attempt) {
        const store::NewReport r = to_new_report(s, ctx, sealer_, clock_.now_unix());
        auto stored = store_.add_report(r);
        if (stored) {
            return to_receipt(r.code, r.created_at, stored.value(), s);
        }
        // 80 random bits make a code collision all but impossible; retry anyway.
        if (stored.error() != errc::conflict || attempt == 2) {
            return stored.error();
        }
    }
}

// One batch on its way through the writer, kept alive by the closures that need it.
struct Intake::PendingBatch {
    std::vector<Submission> batch;
    SubmitContext ctx;
    std::string idempotency_key;
    std::string request_hash;
    Render render;
    BatchDone done;
    int attempt = 0;
    std::int64_t now = 0;
    std::vector<std::string> codes;  // of this attempt, in order
    std::vector<Receipt> receipts;   // filed by the render step inside the transaction
};

core::result<BatchResult> Intake::submit_batch(const std::vector<Submission>& batch,
                                               const SubmitContext& ctx,
                                               const std::string& idempotency_key,
                                               const std::string& request_hash,
                                               const Render& render) {
    std::promise<core::result<BatchResult>> promise;
    auto result = promise.get_future();
    submit_batch_async(
        batch, ctx, idempotency_key, request_hash, render,
        [&promise](core::result<BatchResult> r) { promise.set_value(std::move(r)); });
    return result.get();
}

void Intake::submit_batch_async(std::vector<Submission> batch, SubmitContext ctx,
                                std::string idempotency_key, std::string request_hash,
                                Render render, BatchDone done) {
    if (batch.empty()) {
        done(errc::invalid_argument);
        return;
    }
    auto p = std::make_shared<PendingBatch>();
    p->batch = std::move(batch);
    p->ctx = std::move(ctx);
    p->idempotency_key = std::move(idempotency_key);
    p->request_hash = std::move(request_hash);
    p->render = std::move(render);
    p->done = std::move(done);
    store_batch(std::move(p));
}

bool Intake::async_writes() const {
    return store_.async_writes();
}

void Intake::store_batch(std::shared_ptr<PendingBatch> p) {
    p->now = clock_.now_unix();
    std::vector<store::NewReport> rows;
    rows.reserve(p->batch.size());
    p->codes.clear();
    for (const auto& s : p->batch) {
        rows.push_back(to_new_report(s, p->ctx, sealer_, p->now));
        p->codes.push_back(rows.back().code);
    }
    std::optional<store::IdempotencyRecord> idem;
    if (!p->idempotency_key.empty()) {
        idem = store::IdempotencyRecord{p->ctx.api_key_id, p->idempotency_key, p->request_hash};
    }
    // Runs inside the transaction: the response is stored with the reports for replays.
    auto render = [p](const std::vector<store::StoredReport>& stored) {
        p->receipts.clear();
        for (std::size_t i = 0; i < stored.size(); ++i) {
            p->receipts.push_back(to_receipt(p->codes[i], p->now, stored[i], p->batch[i]));
        }
        return p->render(p->receipts);
    };
    store_.add_reports_async(std::move(rows), std::move(idem), std::move(render), p->now,
                             [this, p](core::result<store::BatchOutcome> out) {
                                 if (out) {
                                     BatchResult result;
                                     result.response = out.value().response;
                                     if (out.value().replayed) {
                                         if (out.value().stored_request_hash != p->request_hash) {
                                             p->done(errc::conflict);
                                             return;
                                         }
                                         result.replayed = true;
                                         result.replayed_response = std::move(out.value().response);
                                     } else {
                                         result.receipts = std::move(p->receipts);
                                     }
                                     p->done(std::move(result));
                                     return;
                                 }
                                 // A code collision, or a concurrent request with the same
                                 // idempotency key that committed first: one more round either
                                 // stores fresh codes or replays.
                                 if (out.error() != errc::conflict || p->attempt == 2) {
                                     p->done(out.error());
                                     return;
                                 }
                                 ++p->attempt;
                                 store_batch(p);
                             });
}

core::result<PublicStatus> Intake::status(std::string_view typed_code) {
    auto code = crypto::normalize_report_code(typed_code);
    if (!code) {
        return errc::not_found;
    }
    SEGNALA_TRY(st, store_.report_status(code.value()));
    return PublicStatus{core::parse_status(st.status).value_or(core::Status::received), st.since};
}

}  // namespace segnala::app
