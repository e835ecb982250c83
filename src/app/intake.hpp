// Intake of reports (segnalazioni): one path for the web form, the partner API and mail.
// Validates raw input into field errors or a Submission, stores it durably (sealing the
// personal parts), joins reports with the same canonical URL into one case, and answers
// public status lookups. The only place with these rules.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/report.hpp"

namespace segnala::store {
class Store;
}
namespace segnala::crypto {
class Sealer;
}

namespace segnala::app {

/// Limits of one report (README: "Limits").
struct IntakeLimits {
    std::size_t max_urls = 20;
    std::size_t max_url_bytes = 2048;
    std::size_t max_description_chars = 5000;
    std::size_t max_sender_bytes = 320;
    std::size_t max_subject_chars = 500;
    std::size_t max_text_chars = 20000;
    std::size_t max_contact_bytes = 254;
    std::size_t max_attachments = 5;
    std::size_t max_attachment_bytes = 5 * 1024 * 1024;
};

/// An uploaded file as received (content only; the name is never trusted).
struct Upload {
    std::string bytes;
    std::string filename;
};

/// Raw input, as typed in the form or sent to the API. Nothing here is trusted.
struct ReportForm {
    std::string category;           ///< "phishing", "spam", "csam", "fraud", "malware", "other"
    std::vector<std::string> urls;  ///< empty lines are ignored
    std::string sender;             ///< message sender: e-mail address or phone number
    std::string subject;
    std::string text;  ///< message text
    std::string description;
    std::string contact;  ///< reporter's e-mail or phone, optional
    std::vector<Upload> attachments;
};

/// One problem with one field. `field` is a JSON-pointer-like path without the leading
/// slash: "category", "urls", "urls/3", "contact", "attachments/1". `code` names the
/// message in the catalogs ("url_invalid", "too_many_urls", …; see intake.cpp).
struct FieldError {
    std::string field;
    std::string code;
};

/// A URL that passed validation.
struct ValidUrl {
    std::string original;   ///< as typed (trimmed)
    std::string canonical;  ///< Safe Browsing canonical form
    std::string url_hash;   ///< hex SHA-256 of `canonical` (the case key)
    std::string host;
    std::string registrable_domain;  ///< "" for IP hosts
    std::string display;             ///< defanged, for showing to people
    bool had_userinfo = false;
    bool host_is_ip = false;
    bool host_is_idn = false;
};

/// An image that passed validation (type by content, decoded within the pixel limit).
struct ValidImage {
    std::string bytes;
    std::string sha256_hex;
    std::string mime;
    int width = 0;
    int height = 0;
    std::string preview_jpeg;
    std::string blurred_jpeg;
};

/// Validated input, ready to store.
struct Submission {
    core::Category category = core::Category::other;
    std::vector<ValidUrl> urls;
    std::string sender;
    std::string subject;
    std::string text;
    std::string description;
    std::string contact;  ///< normalized: E.164 for phones, lower-case domain for e-mail
    std::vector<ValidImage> images;
};

/// Who and how: set by the web or API layer, never by the reporter.
struct SubmitContext {
    core::Channel channel = core::Channel::web;
    bool verified = false;   ///< passed the proof-of-work (web) or came with a partner key
    std::string client_key;  ///< keyed, daily-rotating hash of the client IP, for limits only;
                             ///< never stored with the report
    std::int64_t api_key_id = 0;
    std::string lang = "it";
};

/// What the receipt says about a URL that was already known before this report.
struct KnownUrl {
    std::string display;  ///< defanged
    std::int64_t previous_reports = 0;
    std::int64_t first_seen = 0;  ///< unix seconds
    bool blocked = false;         ///< confirmed and acted on
    std::int64_t blocked_at = 0;
};

struct Receipt {
    std::string code;  ///< grouped report code, e.g. "K7QM-4XPR-9DHT-W2FBE"
    core::Status status = core::Status::received;
    std::int64_t case_id = 0;            ///< the case of the first URL
    std::vector<std::int64_t> case_ids;  ///< one per URL, in order
    std::vector<KnownUrl> known;         ///< always empty for the CSAM category
    std::int64_t created_at = 0;
};

/// Public status of a report: nothing else about it.
struct PublicStatus {
    core::Status status = core::Status::received;
    std::int64_t since = 0;  ///< unix seconds
};

/// Result of a batch submission (API): either replayed from an earlier request with the same
/// idempotency key, or freshly stored.
struct BatchResult {
    std::vector<Receipt> receipts;
    bool replayed = false;
    std::string replayed_response;  ///< the exact response body sent the first time
    std::string response;           ///< the body to answer with: `render`'s, or the replayed one
};

class Intake {
  public:
    Intake(store::Store& store, const crypto::Sealer& sealer, const core::Clock& clock,
           IntakeLimits limits = {});

    /// Pure validation (may decode images: call off the I/O threads). Returns the field errors,
    /// or fills `out` when there are none.
    std::vector<FieldError> validate(const ReportForm& form, Submission& out) const;

    /// Stores one report durably and returns its receipt. Blocks until COMMIT.
    core::result<Receipt> submit(const Submission& s, const SubmitContext& ctx);

    /// Stores several reports in one transaction. With an idempotency key (scoped to
    /// ctx.api_key_id), a retry returns the first response: `render` turns the receipts into
    /// the response body, which is stored with them. errc::conflict when the same key was
    /// used with a different request (`request_hash` differs).
    core::result<BatchResult> submit_batch(
        const std::vector<Submission>& batch, const SubmitContext& ctx,
        const std::string& idempotency_key, const std::string& request_hash,
        const std::function<std::string(const std::vector<Receipt>&)>& render);

    using Render = std::function<std::string(const std::vector<Receipt>&)>;
    using BatchDone = std::function<void(core::result<BatchResult>)>;

    /// submit_batch without waiting for the database: `done` gets its result. When
    /// async_writes(), this returns at once and `done` runs later on the database's writer
    /// thread (it must be quick and must not block); otherwise this blocks like submit_batch and
    /// calls `done` before returning.
    void submit_batch_async(std::vector<Submission> batch, SubmitContext ctx,
                            std::string idempotency_key, std::string request_hash, Render render,
                            BatchDone done);
    /// Whether submit_batch_async returns without waiting (see Store::async_writes).
    bool async_writes() const;

    /// Public status for a code as typed. Unknown and malformed codes both give
    /// errc::not_found, so the answer reveals nothing.
    core::result<PublicStatus> status(std::string_view typed_code);

    const IntakeLimits& limits() const { return limits_; }

  private:
    struct PendingBatch;
    void store_batch(std::shared_ptr<PendingBatch> p);

    store::Store& store_;
    const crypto::Sealer& sealer_;
    const core::Clock& clock_;
    IntakeLimits limits_;
};

}  // namespace segnala::app
