// Previews of image evidence: re-encoded JPEGs built from decoded pixels (never the uploaded
// bytes), optionally grey and blurred for the back office's default view.
#pragma once

#include <string>

#include "core/error.hpp"
#include "media/image.hpp"

namespace segnala::media {

struct PreviewOptions {
    int max_side = 800;      ///< the longer side is scaled down to this (never up); 1..10000
    bool grayscale = false;  ///< R == G == B (encoded as a one-channel JPEG)
    int blur_radius = 0;     ///< box radius in preview pixels, three passes (~gaussian); 0..200
    int jpeg_quality = 80;   ///< 1..100
};

/// Scales `image` down with an area (box) filter so that neither side exceeds `max_side`,
/// keeping the aspect ratio (each side at least 1). Returns a copy when it already fits.
/// Precondition: image.valid() and max_side >= 1.
Image fit_within(const Image& image, int max_side);

/// Makes every pixel grey (Rec. 601 luma) in place.
void to_grayscale(Image& image) noexcept;

/// Separable box blur of `radius` pixels, repeated three times (close to a gaussian of sigma
/// about radius), edges clamped; in place, cost independent of the radius.
void box_blur(Image& image, int radius);

/// A JPEG of `image` after fit_within(), to_grayscale() and box_blur() as `options` ask.
/// No metadata from the original survives: only pixels are encoded.
/// Errors: errc::invalid_argument for an invalid image or options out of range.
/// Blocking (CPU-bound). Thread-safe.
[[nodiscard]] core::result<std::string> make_preview(const Image& image,
                                                     const PreviewOptions& options);

}  // namespace segnala::media
