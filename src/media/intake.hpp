// The one call for an uploaded evidence image: sniff, decode within limits, make previews.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "media/image.hpp"
#include "media/preview.hpp"
#include "media/sniff.hpp"

namespace segnala::media {

/// The plain preview ("reveal"): colour, unblurred.
inline constexpr PreviewOptions kPlainPreview{.max_side = 800, .jpeg_quality = 80};
/// The back office's default view of evidence: grey and strongly blurred (sigma ~ 2.5% of
/// the longer side), enough to judge the kind of picture but not its details.
inline constexpr PreviewOptions kBlurredPreview{
    .max_side = 800, .grayscale = true, .blur_radius = 20, .jpeg_quality = 70};

struct ProcessedImage {
    ImageType type = ImageType::png;
    int width = 0;                     ///< of the original image
    int height = 0;                    ///< of the original image
    std::string preview_jpeg;          ///< kPlainPreview
    std::string blurred_preview_jpeg;  ///< kBlurredPreview
};

/// sniff_image(), then decode_image() with `limits`, then both previews (the image is scaled
/// down once and both previews are made from that). Hashing is the caller's job, on the
/// original bytes.
/// Errors: errc::too_large (bytes, sides or pixels over `limits`), errc::unsupported_media_type
/// (not PNG, JPEG or still WebP), errc::invalid_argument (corrupt or truncated), errc::internal.
/// Blocking (CPU-bound: call on the blocking pool). Thread-safe: may run on many threads at once.
[[nodiscard]] core::result<ProcessedImage> process_upload(std::string_view bytes,
                                                          const ImageLimits& limits);

}  // namespace segnala::media
