#include "media/intake.hpp"

#include <algorithm>

namespace segnala::media {

core::result<ProcessedImage> process_upload(std::string_view bytes, const ImageLimits& limits) {
    if (bytes.size() > limits.max_bytes) {
        return core::errc::too_large;
    }
    SEGNALA_TRY(type, sniff_image(bytes));
    SEGNALA_TRY(image, decode_image(bytes, type, limits));
    ProcessedImage out;
    out.type = type;
    out.width = image.width;
    out.height = image.height;
    const Image small =
        fit_within(image, std::max(kPlainPreview.max_side, kBlurredPreview.max_side));
    image = Image{};  // release the full-size pixels before encoding
    SEGNALA_TRY(plain, make_preview(small, kPlainPreview));
    SEGNALA_TRY(blurred, make_preview(small, kBlurredPreview));
    out.preview_jpeg = std::move(plain);
    out.blurred_preview_jpeg = std::move(blurred);
    return out;
}

}  // namespace segnala::media
