// libFuzzer target for image intake: sniff, decode within small limits and make both previews
// of any bytes, and check the invariants that callers rely on.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "media/image.hpp"
#include "media/intake.hpp"
#include "media/preview.hpp"
#include "media/sniff.hpp"

namespace {

void check(bool condition) {
    if (!condition) {
        std::abort();
    }
}

bool documented_error(const boost::system::error_code& e) {
    using segnala::core::errc;
    return e == errc::invalid_argument || e == errc::too_large || e == errc::unsupported_media_type;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace segnala::media;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const ImageLimits limits{.max_bytes = 1 << 20, .max_pixels = 4'000'000, .max_side = 4096};

    auto type = sniff_image(bytes);
    if (!type) {
        check(type.error() == segnala::core::errc::unsupported_media_type);
        return 0;
    }
    // Decode as every type, not only the sniffed one: the decoders must each survive the
    // others' formats too.
    for (ImageType as : {ImageType::png, ImageType::jpeg, ImageType::webp}) {
        auto image = decode_image(bytes, as, limits);
        if (!image) {
            check(documented_error(image.error()));
            continue;
        }
        const Image& decoded = image.value();
        check(decoded.valid());
        check(static_cast<std::uint64_t>(decoded.width) * decoded.height <= limits.max_pixels);
        if (as != type.value()) {
            continue;
        }
        auto preview = make_preview(
            decoded, PreviewOptions{.max_side = 64, .grayscale = true, .blur_radius = 3});
        check(preview.has_value());
        auto again = decode_image(preview.value(), ImageType::jpeg, limits);
        check(again.has_value() && again.value().width <= 64 && again.value().height <= 64);
    }
    auto processed = process_upload(bytes, limits);
    if (!processed) {
        check(documented_error(processed.error()));
    } else {
        check(processed.value().type == type.value());
        check(!processed.value().preview_jpeg.empty());
        check(!processed.value().blurred_preview_jpeg.empty());
    }
    return 0;
}
