// Small wire-format helpers of the partner API: bearer tokens, Idempotency-Key, media
// types and timestamps. Pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace segnala::api {

/// The embedded OpenAPI 3.1 document (src/api/openapi.json, compiled in at build time).
[[nodiscard]] std::string_view openapi_document();

/// "2024-05-01T10:20:30Z" for unix seconds.
[[nodiscard]] std::string iso8601_utc(std::int64_t unix_seconds);

/// The secret of "Authorization: Bearer <secret>" (scheme case-insensitive), "" when the
/// header is absent or uses another scheme.
[[nodiscard]] std::string_view bearer_token(const http::Request& req);

/// "Idempotency-Key": 1–255 visible ASCII characters (spaces inside allowed).
[[nodiscard]] bool is_valid_idempotency_key(std::string_view key);

/// Whether a Content-Type names application/json (parameters such as charset ignored).
[[nodiscard]] bool is_json_media_type(std::optional<std::string_view> content_type);

}  // namespace segnala::api
