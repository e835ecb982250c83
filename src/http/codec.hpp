// Pure decoders of untrusted request input: percent-decoding, request-target splitting,
// query strings and application/x-www-form-urlencoded bodies. No I/O; each is fuzzed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace segnala::http {

using Fields = std::vector<std::pair<std::string, std::string>>;

/// Decodes %XX escapes (and '+' as space when `plus_as_space`).
/// Errors: invalid_argument for a malformed escape, an encoded or raw NUL.
[[nodiscard]] core::result<std::string> percent_decode(std::string_view in, bool plus_as_space);

/// A request-target split into its parts; `path` is decoded exactly once.
struct RequestTarget {
    std::string path;       ///< decoded, "/a b" for "/a%20b"; "*" for the asterisk form
    std::string raw_path;   ///< as received
    std::string raw_query;  ///< after the first '?', not decoded
};

/// Accepts origin-form ("/path?query") and, for OPTIONS only, "*". Errors (invalid_argument):
/// empty or non-origin-form target, a fragment, control or space characters, a bad escape,
/// an encoded NUL, or a "." / ".." segment after decoding (e.g. "/%2e%2e/etc").
[[nodiscard]] core::result<RequestTarget> parse_request_target(std::string_view target,
                                                               std::string_view method);

/// Parses "a=1&b=x+y" ('+' is a space). Empty pieces are skipped; a piece without '=' has an
/// empty value. Errors: invalid_argument for bad escapes, too_large past `max_fields`.
[[nodiscard]] core::result<Fields> parse_form_urlencoded(std::string_view body,
                                                         std::size_t max_fields);

/// Query strings use the form rules; at most this many parameters.
inline constexpr std::size_t kMaxQueryFields = 128;

}  // namespace segnala::http
