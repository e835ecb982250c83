// Bounded decoding of untrusted PNG, JPEG and WebP bytes into 8-bit RGB pixels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "media/sniff.hpp"

namespace segnala::media {

/// Limits applied before any pixel memory is allocated.
struct ImageLimits {
    std::size_t max_bytes = 5 * 1024 * 1024;  ///< encoded size
    std::uint64_t max_pixels = 40'000'000;    ///< width * height
    int max_side = 20000;                     ///< width and height each
};

/// Decoded pixels: 8-bit RGB, row-major, no padding (rgb.size() == width * height * 3).
/// Transparency is composited onto white, so what an operator sees is what a viewer showed.
struct Image {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb;

    /// True when the dimensions are positive and rgb has exactly width * height * 3 bytes.
    bool valid() const noexcept;
};

/// Decodes `bytes` as `type` (normally the result of sniff_image()).
/// The dimensions are read from the header first and checked against `limits` before pixel
/// memory is allocated, which is what stops decompression bombs.
/// Handles JPEG grey/RGB/YCbCr/CMYK/YCCK (baseline and progressive, at most 64 scans),
/// PNG of every colour type and depth (palette, grey, 16-bit, alpha, interlaced) and still
/// WebP (lossy, lossless, alpha).
/// Errors: errc::too_large (bytes over max_bytes, a side over max_side, pixels over
/// max_pixels); errc::invalid_argument (corrupt, truncated, or not of `type`; decoder
/// warnings count as corruption); errc::unsupported_media_type (animated WebP).
/// Blocking (CPU-bound: call on the blocking pool). Thread-safe: no shared state.
[[nodiscard]] core::result<Image> decode_image(std::string_view bytes, ImageType type,
                                               const ImageLimits& limits);

}  // namespace segnala::media
