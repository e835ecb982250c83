#include "media/image.hpp"

#include <algorithm>
#include <utility>

#include <libexif/exif-data.h>

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

int exif_orientation(const std::uint8_t* data, std::size_t size) noexcept {
    if (data == nullptr || size < 6 || size > 0xFFFF) {
        return 1;
    }
    ExifData* exif = exif_data_new();
    if (exif == nullptr) {
        return 1;
    }
    // Read what is there; do not add the entries the specification calls mandatory.
    exif_data_unset_option(exif, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_load_data(exif, data, static_cast<unsigned int>(size));
    int orientation = 1;
    ExifEntry* e = exif_content_get_entry(exif->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
    if (e != nullptr && e->format == EXIF_FORMAT_SHORT && e->components == 1 &&
        e->data != nullptr && e->size >= 2) {
        const int v = exif_get_short(e->data, exif_data_get_byte_order(exif));
        orientation = v >= 1 && v <= 8 ? v : 1;
    }
    exif_data_unref(exif);
    return orientation;
}

void apply_orientation(Image& image, int orientation) {
    if (orientation < 2 || orientation > 8 || !image.valid()) {
        return;
    }
    const auto w = static_cast<std::size_t>(image.width);
    const auto h = static_cast<std::size_t>(image.height);
    auto px = [](std::vector<std::uint8_t>& v, std::size_t i) { return v.begin() + 3 * i; };
    auto swap_px = [&](std::size_t a, std::size_t b) {
        std::swap_ranges(px(image.rgb, a), px(image.rgb, a) + 3, px(image.rgb, b));
    };
    if (orientation == 2 || orientation == 3) {  // mirrored left-right (3: and upside down)
        for (std::size_t y = 0; y < h; ++y) {
            for (std::size_t x = 0; x < w / 2; ++x) {
                swap_px(y * w + x, y * w + (w - 1 - x));
            }
        }
    }
    if (orientation == 3 || orientation == 4) {  // upside down (4: mirrored top-bottom)
        for (std::size_t y = 0; y < h / 2; ++y) {
            std::swap_ranges(px(image.rgb, y * w), px(image.rgb, y * w + w),
                             px(image.rgb, (h - 1 - y) * w));
        }
    }
    if (orientation <= 4) {
        return;
    }
    // A quarter turn: the shown image is h wide and w high. Output pixel (x, y) comes from
    // the stored pixel (sx, sy).
    std::vector<std::uint8_t> out(image.rgb.size());
    for (std::size_t y = 0; y < w; ++y) {
        for (std::size_t x = 0; x < h; ++x) {
            std::size_t sx = 0;
            std::size_t sy = 0;
            switch (orientation) {
                case 5:  // transposed
                    sx = y, sy = x;
                    break;
                case 6:  // turned a quarter clockwise to be shown
                    sx = y, sy = h - 1 - x;
                    break;
                case 7:  // transversed
                    sx = w - 1 - y, sy = h - 1 - x;
                    break;
                default:  // 8: turned a quarter anticlockwise to be shown
                    sx = w - 1 - y, sy = x;
                    break;
            }
            std::copy_n(px(image.rgb, sy * w + sx), 3, px(out, y * h + x));
        }
    }
    image.rgb = std::move(out);
    std::swap(image.width, image.height);
}

}  // namespace detail
}  // namespace segnala::media
