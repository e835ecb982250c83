// Content sniffing for uploaded images: the bytes decide the type, never the file name or the
// declared Content-Type.
#pragma once

#include <string_view>

#include "core/error.hpp"

namespace segnala::media {

/// The image formats that Segnala accepts as evidence.
enum class ImageType { png, jpeg, webp };

/// Number of leading bytes that sniff_image() looks at (libmagic never sees more).
inline constexpr std::size_t kSniffBytes = 4096;

/// Identifies an image by its content: libmagic (MIME type) and the format's own signature must
/// agree. Errors: errc::unsupported_media_type for anything else, including empty input, GIF,
/// SVG, PDF, archives and text; errc::internal if the magic database cannot be loaded.
/// Thread-safe: each thread lazily opens its own libmagic handle (they are not thread-safe).
/// Cheap: reads at most kSniffBytes bytes; does not decode.
[[nodiscard]] core::result<ImageType> sniff_image(std::string_view bytes);

/// "image/png", "image/jpeg" or "image/webp".
std::string_view mime_of(ImageType type) noexcept;

/// "png", "jpeg" or "webp" (for logs and file names).
std::string_view name_of(ImageType type) noexcept;

}  // namespace segnala::media
