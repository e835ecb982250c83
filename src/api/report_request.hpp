// The JSON body of POST /api/v1/reports turned into raw report forms: a pure function over
// untrusted bytes (fuzzed by fuzz/report_json_fuzz.cpp). Business validation is app::Intake's.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "app/intake.hpp"
#include "core/error.hpp"

namespace segnala::api {

struct ParseLimits {
    std::size_t max_reports = 1000;
    /// Nesting depth of arrays and objects; a valid request needs 3 ([{"urls": [...]}]).
    std::size_t max_depth = 16;
    /// Unknown field names longer than this are reported without their name.
    std::size_t max_reported_name = 128;
};

/// One structural problem: `pointer` is an RFC 6901 JSON pointer into the request body
/// ("" for the whole body, "/2/urls/3" in an array), `code` a stable machine name.
struct ApiFieldError {
    std::string pointer;
    std::string code;
};

struct ParsedRequest {
    bool is_array = false;                 ///< the body was an array (answer with an array)
    std::vector<app::ReportForm> reports;  ///< one per element, in order (also when erroneous)
    /// Per report: whether it had structural errors (then Intake::validate is not run on it).
    std::vector<bool> report_has_errors;
    /// Structural errors: unknown or duplicate fields, wrong JSON types, report count.
    std::vector<ApiFieldError> errors;
};

/// Fields of one report object.
inline constexpr const char* kReportFields[] = {"category", "urls",    "description", "contact",
                                                "sender",   "subject", "text"};

/// Parses a request body. Errors: errc::invalid_argument when the body is not JSON (syntax,
/// bad UTF-8, nesting deeper than the limit). Everything else is reported in `errors`.
/// Pure and thread-safe.
[[nodiscard]] core::result<ParsedRequest> parse_report_request(std::string_view body,
                                                               const ParseLimits& limits = {});

/// Escapes one reference token for a JSON pointer ("~" → "~0", "/" → "~1").
[[nodiscard]] std::string pointer_token(std::string_view name);

}  // namespace segnala::api
