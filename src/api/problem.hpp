// RFC 9457 problem details (application/problem+json) for every API error, the one
// errc → HTTP status table, and the English text of field error codes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

namespace segnala::api {

inline constexpr std::string_view kProblemContentType = "application/problem+json";

/// One entry of the `errors` extension member: {"pointer", "detail", "code"}.
struct ProblemError {
    std::string pointer;
    std::string code;
};

struct Problem {
    int status = 500;
    std::string type;    ///< slug, rendered as "/api/v1/problems/<slug>"
    std::string title;   ///< short and fixed per type
    std::string detail;  ///< this occurrence
    std::vector<ProblemError> errors;
};

/// Renders a problem (Cache-Control: no-store). At most kMaxListedErrors errors are listed;
/// the detail then says how many there were.
[[nodiscard]] http::Response problem_response(const Problem& p);
[[nodiscard]] http::Response problem_response(int status, std::string type, std::string title,
                                              std::string detail,
                                              std::vector<ProblemError> errors = {});
inline constexpr std::size_t kMaxListedErrors = 200;

/// The HTTP status of an error. Every enumerator of core::errc is mapped (unit-tested).
[[nodiscard]] int http_status(core::errc e);

/// English text for a field error code ("url_invalid" → "Not a valid URL.").
[[nodiscard]] std::string describe_field_error(std::string_view code);

}  // namespace segnala::api
