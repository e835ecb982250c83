#include "media/image.hpp"

#include "media/codecs.hpp"

namespace segnala::media {

bool Image::valid() const noexcept {
    return width > 0 && height > 0 &&
           rgb.size() == static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3;
}

core::result<Image> decode_image(std::string_view bytes, ImageType type,
                                 const ImageLimits& limits) {
    if (bytes.size() > limits.max_bytes) {
        return core::errc::too_large;
    }
    if (bytes.empty()) {
        return core::errc::invalid_argument;
    }
    switch (type) {
        case ImageType::jpeg:
            return detail::decode_jpeg(bytes, limits);
        case ImageType::png:
            return detail::decode_png(bytes, limits);
        case ImageType::webp:
            return detail::decode_webp(bytes, limits);
    }
    return core::errc::unsupported_media_type;
}

namespace detail {

core::errc check_dimensions(std::uint64_t width, std::uint64_t height,
                            const ImageLimits& limits) noexcept {
    if (width == 0 || height == 0) {
        return core::errc::invalid_argument;
    }
    const auto max_side = static_cast<std::uint64_t>(limits.max_side > 0 ? limits.max_side : 0);
    if (width > max_side || height > max_side) {
        return core::errc::too_large;
    }
    // Both factors are at most 2^31, so the product cannot overflow 64 bits.
    if (width * height > limits.max_pixels) {
        return core::errc::too_large;
    }
    return core::errc::ok;
}

void rgba_to_rgb_on_white(const std::uint8_t* rgba, std::uint8_t* out, std::size_t count) noexcept {
    // Each pixel is read whole before it is written, and pixel i lands at 3i <= 4i, so the
    // conversion may run in place.
    for (std::size_t i = 0; i < count; ++i) {
        const unsigned r = rgba[4 * i];
        const unsigned g = rgba[4 * i + 1];
        const unsigned b = rgba[4 * i + 2];
        const unsigned a = rgba[4 * i + 3];
        const unsigned white = 255 * (255 - a);
        // (v * a + 255 * (255 - a)) / 255, rounded.
        out[3 * i] = static_cast<std::uint8_t>((r * a + white + 127) / 255);
        out[3 * i + 1] = static_cast<std::uint8_t>((g * a + white + 127) / 255);
        out[3 * i + 2] = static_cast<std::uint8_t>((b * a + white + 127) / 255);
    }
}

}  // namespace detail
}  // namespace segnala::media
