// Internal to media/: the libjpeg, libpng and libwebp glue behind decode_image() and
// make_preview(). Not a public header: callers use image.hpp and preview.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "media/image.hpp"

namespace segnala::media::detail {

/// errc::too_large when the dimensions break `limits`, errc::invalid_argument when one is zero,
/// else errc::ok. Returns a plain enum so that it is safe between setjmp and longjmp.
core::errc check_dimensions(std::uint64_t width, std::uint64_t height,
                            const ImageLimits& limits) noexcept;

/// Composites `count` RGBA pixels onto white into RGB; `out` may equal `rgba` (in place).
void rgba_to_rgb_on_white(const std::uint8_t* rgba, std::uint8_t* out, std::size_t count) noexcept;

/// The EXIF orientation (1 to 8) in an APP1 payload that starts with "Exif\0\0", read with
/// libexif; 1 (as stored) when the payload has none or cannot be read.
int exif_orientation(const std::uint8_t* data, std::size_t size) noexcept;

/// Turns pixels stored with EXIF orientation `orientation` the way a viewer shows them (2-4:
/// mirrored or turned half-way in place; 5-8: a quarter turn, width and height swapped, in a
/// second buffer). Any other value leaves the image as it is.
void apply_orientation(Image& image, int orientation);

// Decoders: `bytes` is non-empty and within limits.max_bytes (checked by decode_image()).
[[nodiscard]] core::result<Image> decode_jpeg(std::string_view bytes, const ImageLimits& limits);
[[nodiscard]] core::result<Image> decode_png(std::string_view bytes, const ImageLimits& limits);
[[nodiscard]] core::result<Image> decode_webp(std::string_view bytes, const ImageLimits& limits);

/// Baseline JPEG of `pixels` (width * height * channels bytes, channels 1 = grey or 3 = RGB).
/// Errors: errc::internal if libjpeg fails (it should not on valid input).
[[nodiscard]] core::result<std::string> encode_jpeg(const std::uint8_t* pixels, int width,
                                                    int height, int channels, int quality);

}  // namespace segnala::media::detail
