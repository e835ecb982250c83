#include "api/problem.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace segnala::api {

using core::errc;

namespace {

struct CodeText {
    std::string_view code;
    std::string_view text;
};

// Structural codes are the parser's (report_request.cpp); the others are app::Intake's.
constexpr CodeText kCodeTexts[] = {
    {"unknown_field",
     "Unknown field: remove it (accepted fields: category, urls, description, "
     "contact, sender, subject, text)."},
    {"duplicate_field", "This field appears more than once in the same object."},
    {"type_string", "Must be a string."},
    {"type_array", "Must be an array of strings."},
    {"type_object", "Must be a report object, or an array of report objects."},
    {"batch_empty", "The array holds no report: send 1 to 1000."},
    {"batch_too_large", "Too many reports in one request: send at most 1000."},
    {"category_invalid", "Required: one of phishing, spam, csam, fraud, malware, other."},
    {"urls_required", "At least one URL is required."},
    {"too_many_urls", "Too many URLs: at most 20 per report."},
    {"url_invalid", "Not a reportable http(s) web address."},
    {"url_too_long", "URL too long: at most 2048 bytes."},
    {"sender_too_long", "Sender too long: at most 320 bytes."},
    {"subject_too_long", "Subject too long: at most 500 characters."},
    {"text_too_long", "Message text too long: at most 20000 characters."},
    {"description_too_long", "Description too long: at most 5000 characters."},
    {"text_encoding", "Must be UTF-8 text without control characters."},
    {"contact_invalid", "Contact must be a valid e-mail address or phone number."},
};

}  // namespace

std::string describe_field_error(std::string_view code) {
    for (const auto& c : kCodeTexts) {
        if (c.code == code) {
            return std::string(c.text);
        }
    }
    return "Invalid value.";
}

int http_status(errc e) {
    switch (e) {
        case errc::ok:
            return 200;
        case errc::not_found:
            return 404;
        case errc::conflict:
            return 409;
        case errc::invalid_argument:
            return 422;
        case errc::permission_denied:
            return 403;
        case errc::unauthenticated:
            return 401;
        case errc::unavailable:
            return 503;
        case errc::internal:
            return 500;
        case errc::rate_limited:
            return 429;
        case errc::too_large:
            return 413;
        case errc::unsupported_media_type:
            return 415;
        case errc::expired:
            return 410;
        case errc::version_mismatch:
            return 503;
    }
    return 500;
}

http::Response problem_response(const Problem& p) {
    nlohmann::json body = {
        {"type", "/api/v1/problems/" + p.type},
        {"title", p.title},
        {"status", p.status},
        {"detail", p.detail},
    };
    if (!p.errors.empty()) {
        auto& list = body["errors"] = nlohmann::json::array();
        for (std::size_t i = 0; i < p.errors.size() && i < kMaxListedErrors; ++i) {
            list.push_back({{"pointer", p.errors[i].pointer},
                            {"detail", describe_field_error(p.errors[i].code)},
                            {"code", p.errors[i].code}});
        }
        if (p.errors.size() > kMaxListedErrors) {
            body["detail"] = fmt::format("{} ({} errors; the first {} are listed)", p.detail,
                                         p.errors.size(), kMaxListedErrors);
        }
    }
    auto r = http::Response::json(
        p.status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
        kProblemContentType);
    r.headers.set("Cache-Control", "no-store");
    return r;
}

http::Response problem_response(int status, std::string type, std::string title, std::string detail,
                                std::vector<ProblemError> errors) {
    return problem_response(
        Problem{status, std::move(type), std::move(title), std::move(detail), std::move(errors)});
}

}  // namespace segnala::api
