#include "media/preview.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "media/codecs.hpp"

namespace segnala::media {
namespace {

constexpr int kMaxPreviewSide = 10000;
constexpr int kMaxBlurRadius = 200;
constexpr int kBlurPasses = 3;

// Horizontal box pass over interleaved rows: each channel's running sum over a window of
// 2 * radius + 1 samples, edges clamped. `line` is scratch for one row.
void blur_rows(std::uint8_t* data, std::size_t w, std::size_t h, std::size_t channels, int radius,
               std::vector<std::uint8_t>& line) {
    const auto r = static_cast<std::ptrdiff_t>(radius);
    const auto n = static_cast<std::ptrdiff_t>(w);
    const std::uint32_t window = 2 * static_cast<std::uint32_t>(radius) + 1;
    line.resize(w * channels);
    for (std::size_t y = 0; y < h; ++y) {
        std::uint8_t* row = data + y * w * channels;
        std::copy(row, row + w * channels, line.begin());
        for (std::size_t c = 0; c < channels; ++c) {
            const auto at = [&](std::ptrdiff_t x) {
                return line[std::size_t(std::clamp<std::ptrdiff_t>(x, 0, n - 1)) * channels + c];
            };
            std::uint32_t sum = 0;
            for (std::ptrdiff_t x = -r; x <= r; ++x) {
                sum += at(x);
            }
            for (std::ptrdiff_t x = 0; x < n; ++x) {
                row[std::size_t(x) * channels + c] =
                    static_cast<std::uint8_t>((sum + window / 2) / window);
                sum += at(x + r + 1);
                sum -= at(x - r);
            }
        }
    }
}

// Vertical box pass, row by row (cache-friendly): one running sum per sample of a row.
// `copy` is scratch for the whole image.
void blur_columns(std::uint8_t* data, std::size_t w, std::size_t h, std::size_t channels,
                  int radius, std::vector<std::uint8_t>& copy) {
    const std::size_t stride = w * channels;
    const auto r = static_cast<std::ptrdiff_t>(radius);
    const auto n = static_cast<std::ptrdiff_t>(h);
    const std::uint32_t window = 2 * static_cast<std::uint32_t>(radius) + 1;
    copy.assign(data, data + stride * h);
    const auto row = [&](std::ptrdiff_t y) {
        return copy.data() + std::size_t(std::clamp<std::ptrdiff_t>(y, 0, n - 1)) * stride;
    };
    std::vector<std::uint32_t> sums(stride, 0);
    for (std::ptrdiff_t y = -r; y <= r; ++y) {
        const std::uint8_t* src = row(y);
        for (std::size_t i = 0; i < stride; ++i) {
            sums[i] += src[i];
        }
    }
    for (std::ptrdiff_t y = 0; y < n; ++y) {
        std::uint8_t* dst = data + std::size_t(y) * stride;
        const std::uint8_t* enter = row(y + r + 1);
        const std::uint8_t* leave = row(y - r);
        for (std::size_t i = 0; i < stride; ++i) {
            dst[i] = static_cast<std::uint8_t>((sums[i] + window / 2) / window);
            sums[i] += enter[i];
            sums[i] -= leave[i];
        }
    }
}

// Three box passes each way: close to a gaussian, at a cost independent of the radius.
void blur_planes(std::uint8_t* data, std::size_t w, std::size_t h, std::size_t channels,
                 int radius) {
    std::vector<std::uint8_t> scratch;
    for (int pass = 0; pass < kBlurPasses; ++pass) {
        blur_rows(data, w, h, channels, radius, scratch);
        blur_columns(data, w, h, channels, radius, scratch);
    }
}

}  // namespace

Image fit_within(const Image& image, int max_side) {
    const int longer = std::max(image.width, image.height);
    if (longer <= max_side) {
        return image;
    }
    // Rounded, at least one pixel: a 20000 x 1 strip stays a strip.
    const auto scaled = [&](int side) {
        const auto v = (static_cast<std::int64_t>(side) * max_side + longer / 2) / longer;
        return static_cast<int>(std::max<std::int64_t>(v, 1));
    };
    Image out;
    out.width = scaled(image.width);
    out.height = scaled(image.height);
    out.rgb.resize(static_cast<std::size_t>(out.width) * out.height * 3);

    const std::size_t sw = image.width;
    const std::size_t sh = image.height;
    const std::size_t dw = out.width;
    const std::size_t dh = out.height;
    // Column sums of the source rows that fall into one output row (each sum <= 20000 * 255).
    std::vector<std::uint32_t> columns(sw * 3);
    for (std::size_t oy = 0; oy < dh; ++oy) {
        const std::size_t y0 = oy * sh / dh;
        const std::size_t y1 = std::max((oy + 1) * sh / dh, y0 + 1);
        std::fill(columns.begin(), columns.end(), 0);
        for (std::size_t y = y0; y < y1; ++y) {
            const std::uint8_t* row = image.rgb.data() + y * sw * 3;
            for (std::size_t i = 0; i < sw * 3; ++i) {
                columns[i] += row[i];
            }
        }
        std::uint8_t* dst = out.rgb.data() + oy * dw * 3;
        for (std::size_t ox = 0; ox < dw; ++ox) {
            const std::size_t x0 = ox * sw / dw;
            const std::size_t x1 = std::max((ox + 1) * sw / dw, x0 + 1);
            const std::uint64_t area = (x1 - x0) * (y1 - y0);
            for (std::size_t c = 0; c < 3; ++c) {
                std::uint64_t sum = 0;
                for (std::size_t x = x0; x < x1; ++x) {
                    sum += columns[x * 3 + c];
                }
                dst[ox * 3 + c] = static_cast<std::uint8_t>((sum + area / 2) / area);
            }
        }
    }
    return out;
}

void to_grayscale(Image& image) noexcept {
    for (std::size_t i = 0; i + 2 < image.rgb.size(); i += 3) {
        const unsigned y =
            (299u * image.rgb[i] + 587u * image.rgb[i + 1] + 114u * image.rgb[i + 2] + 500u) /
            1000u;
        image.rgb[i] = image.rgb[i + 1] = image.rgb[i + 2] = static_cast<std::uint8_t>(y);
    }
}

void box_blur(Image& image, int radius) {
    if (radius <= 0 || !image.valid()) {
        return;
    }
    blur_planes(image.rgb.data(), image.width, image.height, 3, radius);
}

core::result<std::string> make_preview(const Image& image, const PreviewOptions& options) {
    if (!image.valid() || options.max_side < 1 || options.max_side > kMaxPreviewSide ||
        options.blur_radius < 0 || options.blur_radius > kMaxBlurRadius ||
        options.jpeg_quality < 1 || options.jpeg_quality > 100) {
        return core::errc::invalid_argument;
    }
    Image preview = fit_within(image, options.max_side);
    if (!options.grayscale) {
        box_blur(preview, options.blur_radius);
        return detail::encode_jpeg(preview.rgb.data(), preview.width, preview.height, 3,
                                   options.jpeg_quality);
    }
    // Grey previews are blurred and encoded as one channel: a third of the work, and R == G == B
    // holds exactly after decoding.
    to_grayscale(preview);
    std::vector<std::uint8_t> grey(static_cast<std::size_t>(preview.width) * preview.height);
    for (std::size_t i = 0; i < grey.size(); ++i) {
        grey[i] = preview.rgb[i * 3];
    }
    if (options.blur_radius > 0) {
        blur_planes(grey.data(), preview.width, preview.height, 1, options.blur_radius);
    }
    return detail::encode_jpeg(grey.data(), preview.width, preview.height, 1, options.jpeg_quality);
}

}  // namespace segnala::media
