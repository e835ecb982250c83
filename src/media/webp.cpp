// libwebp glue: bounded decoding of still WebP (lossy, lossless, alpha) to RGB.
#include <webp/decode.h>

#include "media/codecs.hpp"

namespace segnala::media::detail {

core::result<Image> decode_webp(std::string_view bytes, const ImageLimits& limits) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    WebPBitstreamFeatures features;
    if (WebPGetFeatures(data, bytes.size(), &features) != VP8_STATUS_OK) {
        return core::errc::invalid_argument;
    }
    if (features.has_animation) {
        return core::errc::unsupported_media_type;
    }
    if (features.width < 0 || features.height < 0) {
        return core::errc::invalid_argument;
    }
    const auto width = static_cast<std::size_t>(features.width);
    const auto height = static_cast<std::size_t>(features.height);
    if (const core::errc rc = check_dimensions(width, height, limits); rc != core::errc::ok) {
        return rc;
    }
    Image image;
    image.width = features.width;
    image.height = features.height;
    const std::size_t pixels = width * height;
    if (features.has_alpha) {
        std::vector<std::uint8_t> rgba(pixels * 4);
        if (WebPDecodeRGBAInto(data, bytes.size(), rgba.data(), rgba.size(), features.width * 4) ==
            nullptr) {
            return core::errc::invalid_argument;
        }
        rgba_to_rgb_on_white(rgba.data(), rgba.data(), pixels);
        rgba.resize(pixels * 3);
        rgba.shrink_to_fit();
        image.rgb = std::move(rgba);
    } else {
        image.rgb.resize(pixels * 3);
        if (WebPDecodeRGBInto(data, bytes.size(), image.rgb.data(), image.rgb.size(),
                              features.width * 3) == nullptr) {
            return core::errc::invalid_argument;
        }
    }
    return image;
}

}  // namespace segnala::media::detail
