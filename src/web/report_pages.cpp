// The public reporting pages: the form, its submission, the receipt and the status lookup.
// View data is built in report_view.cpp; the rules live in app::Intake.
#include <cctype>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/altcha.hpp"
#include "http/codec.hpp"
#include "web/report_view.hpp"
#include "web/site.hpp"

namespace segnala::web {

using core::errc;

namespace {

constexpr long kReceiptSeconds = 15 * 60;

ReportFields fields_of(const Page& p) {
    return {p.field("category"), p.field("urls"),        p.field("sender"), p.field("subject"),
            p.field("text"),     p.field("description"), p.field("contact")};
}

std::vector<std::string> file_names(const std::vector<http::Part>& files) {
    std::vector<std::string> names;
    for (const auto& f : files) {
        if (f.name == "attachments" && !(f.filename.empty() && f.data.empty())) {
            names.push_back(f.filename);
        }
    }
    return names;
}

/// The typed code shown back in the field: only characters a code can hold.
std::string echo_code(std::string_view typed) {
    std::string out;
    for (char c : typed.substr(0, 64)) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ' ') {
            out += c;
        }
    }
    return out;
}

std::string minutes(std::int64_t seconds) {
    return std::to_string((seconds + 59) / 60);
}

}  // namespace

bool Site::altcha_verified(const Page& p) const {
    const std::string payload = p.field("altcha");
    if (altcha_ == nullptr || payload.empty()) {
        return false;
    }
    // A forged, expired or reused payload only means "unverified": the report is still
    // accepted, under the stricter limit.
    return static_cast<bool>(altcha_->verify(payload));
}

http::Handler Site::altcha_challenge_handler() const {
    return [this](http::Request&) {
        if (altcha_ == nullptr) {
            return http::Response::text(404, "not found\n");
        }
        auto res = http::Response::json(200, altcha_->challenge_json());
        res.headers.set("Cache-Control", "no-store");
        return res;
    };
}

http::Response Site::render_report_form(Page& p, int status, nlohmann::json data,
                                        std::int64_t retry_after) const {
    data["altcha"] = altcha_ != nullptr;
    data["privacy_note"] = privacy_note(p.lang);
    auto res = render(p, status, "report_form", std::move(data));
    if (retry_after > 0) {
        res.headers.set("Retry-After", std::to_string(retry_after));
    }
    res.headers.set("Cache-Control", "no-store");
    return res;
}

http::Response Site::report_form(Page& p) {
    if (intake_ == nullptr || limits_ == nullptr) {
        return error(p, 503);
    }
    ReportFields f;
    if (auto c = p.req.query_param("categoria")) {
        f.category = std::string(*c);
    }
    return render_report_form(p, 200, report_form_view(views_, p.lang, f, {}, {}), 0);
}

std::optional<http::Response> Site::report_limit(Page& p, const ReportFields& f,
                                                 const std::vector<std::string>& names,
                                                 bool verified, bool count) const {
    const std::string client = keys_.key(p.req.client_address);
    const auto limit = verified ? app::WebLimit::verified_report : app::WebLimit::unverified_report;
    auto room = count ? limits_->hit(limit, client) : limits_->peek(limit, client);
    if (!room) {
        spdlog::error("report rate limit failed: {}", room.error().message());
        return error(p, 503);
    }
    if (room.value().allowed) {
        return std::nullopt;
    }
    const std::int64_t retry_after = room.value().retry_after;
    nlohmann::json data = report_form_view(views_, p.lang, f, {}, names);
    data["limit_message"] =
        views_.text(p.lang, "report_too_many", {{"minutes", minutes(retry_after)}});
    data["limit_unverified"] = !verified;
    return render_report_form(p, 429, std::move(data), retry_after);
}

http::Response Site::report_submit(Page& p) {
    if (intake_ == nullptr || limits_ == nullptr) {
        return error(p, 503);
    }
    const ReportFields f = fields_of(p);
    const std::vector<std::string> names = file_names(p.files);
    const bool verified = altcha_verified(p);
    // Refuse early when the limit is already reached; count only reports that are stored.
    if (auto refused = report_limit(p, f, names, verified, false)) {
        return std::move(*refused);
    }
    app::Submission submission;
    const auto errors = intake_->validate(to_report_form(f, p.files), submission);
    if (!errors.empty()) {
        return render_report_form(p, 422, report_form_view(views_, p.lang, f, errors, names), 0);
    }
    if (auto refused = report_limit(p, f, names, verified, true)) {
        return std::move(*refused);
    }
    const app::SubmitContext ctx{core::Channel::web, verified, keys_.key(p.req.client_address), 0,
                                 std::string(lang_code(p.lang))};
    auto receipt = intake_->submit(submission, ctx);
    if (!receipt) {
        spdlog::error("report submission failed: {}", receipt.error().message());
        return error(p, 503);
    }
    const bool csam = submission.category == core::Category::csam;
    p.set_cookies.push_back(cookie(kReceiptCookie,
                                   receipts_.sign(encode_slip(receipt.value(), csam)),
                                   kReceiptSeconds, true, "Strict", p, "/segnala/ricevuta"));
    return http::Response::redirect("/segnala/ricevuta");
}

http::Response Site::report_receipt(Page& p) {
    std::optional<ReceiptSlip> slip;
    if (auto v = request_cookie(p.req, kReceiptCookie)) {
        // Unsigned, altered or made-up slips get the "receipt gone" page.
        if (auto opened = receipts_.open(*v)) {
            slip = decode_slip(*opened);
        }
    }
    http::Response res = slip ? render(p, 200, "receipt", receipt_view(views_, p.lang, *slip))
                              : render(p, 404, "receipt_gone",
                                       {{"title", views_.text(p.lang, "receipt_gone_title")}});
    res.headers.set("Cache-Control", "no-store");
    return res;
}

http::Response Site::status_page(Page& p) {
    if (intake_ == nullptr || limits_ == nullptr) {
        return error(p, 503);
    }
    nlohmann::json data = {{"title", views_.text(p.lang, "status_title")}};
    const auto typed = p.req.query_param("codice");
    if (!typed) {
        return render(p, 200, "status", std::move(data));
    }
    data["code"] = echo_code(*typed);
    auto room = limits_->hit(app::WebLimit::status_lookup, keys_.key(p.req.client_address));
    if (!room) {
        spdlog::error("status limit failed: {}", room.error().message());
        return error(p, 503);
    }
    if (!room.value().allowed) {
        data["limit_message"] = views_.text(p.lang, "status_too_many",
                                            {{"minutes", minutes(room.value().retry_after)}});
        auto res = render(p, 429, "status", std::move(data));
        res.headers.set("Retry-After", std::to_string(room.value().retry_after));
        return res;
    }
    auto st = intake_->status(*typed);
    if (!st && st.error() != errc::not_found) {
        spdlog::error("status lookup failed: {}", st.error().message());
        return error(p, 503);
    }
    int code = 200;
    if (st) {
        const std::string key = status_key(st.value().status);
        data["result"] = {
            {"label", views_.text(p.lang, key)},
            {"hint", views_.text(p.lang, key + "_hint")},
            {"since", views_.text(p.lang, "status_since",
                                  {{"date", format_date(st.value().since, p.lang)}})}};
    } else {
        // Unknown and malformed codes: the same status and the same words.
        data["not_found"] = true;
        code = 404;
    }
    auto res = render(p, code, "status", std::move(data));
    res.headers.set("Cache-Control", "no-store");
    return res;
}

}  // namespace segnala::web
