// The public reporting pages' data, built in one place: form fields → app::ReportForm, field
// errors and typed values → the form's view data, receipts ↔ the short-lived receipt cookie,
// statuses and dates in the reader's language. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/intake.hpp"
#include "http/multipart.hpp"
#include "web/views.hpp"

namespace segnala::web {

/// The text fields of the reporting form, as typed (the files travel separately).
struct ReportFields {
    std::string category;
    std::string urls;  ///< the textarea, one URL per line
    std::string sender;
    std::string subject;
    std::string text;
    std::string description;
    std::string contact;
};

/// Maps the form to the use case's input: the textarea is split into lines (line i+1 is
/// urls[i], empty lines kept so that "urls/i" names the right line), and only file parts
/// named "attachments" that carry a name or bytes count as uploads.
app::ReportForm to_report_form(const ReportFields& f, std::vector<http::Part>& files);

/// View data of the form: categories, typed values, per-field errors (linked by id) and the
/// error summary. `files_dropped`: files were sent and must be chosen again.
nlohmann::json report_form_view(const Views& views, Lang lang, const ReportFields& f,
                                const std::vector<app::FieldError>& errors,
                                const std::vector<std::string>& file_names);

/// What the receipt page shows, carried from the POST to the GET in a cookie.
struct ReceiptSlip {
    std::string code;
    bool csam = false;
    std::vector<app::KnownUrl> known;  ///< never filled for CSAM
    bool more_known = false;           ///< some entries did not fit in the cookie
};

/// Cookie value (base64url JSON, at most about 3 KB: long addresses are shortened and
/// entries dropped past that). Categories other than CSAM only carry `known`.
std::string encode_slip(const app::Receipt& r, bool csam);
/// nullopt for anything that is not a well-formed slip.
std::optional<ReceiptSlip> decode_slip(std::string_view cookie_value);

nlohmann::json receipt_view(const Views& views, Lang lang, const ReceiptSlip& slip);

/// "29/11/2026" (it) or "29 Nov 2026" (en), in Italian civil time (CET/CEST).
std::string format_date(std::int64_t unix_seconds, Lang lang);
/// "29/11/2026 11:15" (it) or "29 Nov 2026 11:15" (en), in Italian civil time; "—" for a time
/// that never happened (0). Every time shown to an operator is written this way.
std::string format_datetime(std::int64_t unix_seconds, Lang lang);

/// Catalog keys of a status: "st_received", …
std::string status_key(core::Status s);

}  // namespace segnala::web
