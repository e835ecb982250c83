#include "media/preview.hpp"

#include <gtest/gtest.h>

#include "media/test_images.hpp"

namespace segnala::media {
namespace {

using testing::checkerboard;
using testing::edge_energy;
using testing::gradient;

Image decode_preview(const std::string& jpeg) {
    auto type = sniff_image(jpeg);
    EXPECT_TRUE(type && type.value() == ImageType::jpeg);
    return decode_image(jpeg, ImageType::jpeg, ImageLimits{}).value();
}

TEST(FitWithin, KeepsAspectRatioAndNeverUpscales) {
    struct Case {
        int w, h, max_side, want_w, want_h;
    };
    for (const Case& c : {Case{1600, 1004, 800, 800, 502}, Case{1004, 1600, 800, 502, 800},
                          Case{1000, 1000, 800, 800, 800}, Case{300, 200, 800, 300, 200},
                          Case{20000, 3, 100, 100, 1}, Case{3, 20000, 100, 1, 100},
                          Case{801, 1, 800, 800, 1}, Case{5, 7, 1, 1, 1}}) {
        SCOPED_TRACE(std::to_string(c.w) + "x" + std::to_string(c.h));
        const Image out = fit_within(gradient(c.w, c.h), c.max_side);
        EXPECT_EQ(out.width, c.want_w);
        EXPECT_EQ(out.height, c.want_h);
        EXPECT_TRUE(out.valid());
    }
}

TEST(FitWithin, AveragesTheArea) {
    const Image out = fit_within(checkerboard(64, 64, 1), 8);
    ASSERT_EQ(out.width, 8);
    for (std::uint8_t v : out.rgb) {
        EXPECT_NEAR(v, 128, 1);
    }
    const Image same = fit_within(gradient(10, 10), 10);
    EXPECT_EQ(same.rgb, gradient(10, 10).rgb);
}

TEST(Preview, RespectsMaxSideAndAspect) {
    const Image source = gradient(1600, 1004);
    for (int max_side : {800, 320, 64, 1}) {
        SCOPED_TRACE(max_side);
        const Image out =
            decode_preview(make_preview(source, PreviewOptions{.max_side = max_side}).value());
        EXPECT_EQ(std::max(out.width, out.height), max_side);
        EXPECT_NEAR(double(out.width) / out.height, 1600.0 / 1004, max_side >= 64 ? 0.05 : 2.0);
    }
    const Image small = decode_preview(make_preview(gradient(120, 90), PreviewOptions{}).value());
    EXPECT_EQ(small.width, 120);
    EXPECT_EQ(small.height, 90);
}

TEST(Preview, GrayscaleHasEqualChannels) {
    const Image out =
        decode_preview(make_preview(gradient(200, 100), PreviewOptions{.grayscale = true}).value());
    for (std::size_t i = 0; i < out.rgb.size(); i += 3) {
        ASSERT_EQ(out.rgb[i], out.rgb[i + 1]);
        ASSERT_EQ(out.rgb[i], out.rgb[i + 2]);
    }
    Image image = gradient(3, 1);
    image.rgb = {255, 0, 0, 0, 255, 0, 0, 0, 255};
    to_grayscale(image);
    EXPECT_EQ(image.rgb, (std::vector<std::uint8_t>{76, 76, 76, 150, 150, 150, 29, 29, 29}));
}

TEST(Blur, ReducesHighFrequencyEnergy) {
    Image image = checkerboard(96, 64, 2);
    const double before = edge_energy(image);
    box_blur(image, 2);
    const double after = edge_energy(image);
    EXPECT_LT(after, before * 0.05);
    // The mean (here mid-grey) is kept.
    double sum = 0;
    for (std::uint8_t v : image.rgb) {
        sum += v;
    }
    EXPECT_NEAR(sum / image.rgb.size(), 127.5, 2.0);
}

TEST(Blur, StrongerRadiusBlursMore) {
    const Image source = checkerboard(128, 128, 4);
    double previous = edge_energy(source);
    for (int radius : {1, 3, 8}) {
        Image image = source;
        box_blur(image, radius);
        const double energy = edge_energy(image);
        EXPECT_LT(energy, previous) << radius;
        previous = energy;
    }
    Image untouched = source;
    box_blur(untouched, 0);
    EXPECT_EQ(untouched.rgb, source.rgb);
}

TEST(Preview, BlurredPreviewHasLessEnergy) {
    const Image source = checkerboard(400, 300, 3);
    const Image sharp =
        decode_preview(make_preview(source, PreviewOptions{.jpeg_quality = 95}).value());
    const Image blurred = decode_preview(
        make_preview(source, PreviewOptions{.blur_radius = 6, .jpeg_quality = 95}).value());
    EXPECT_LT(edge_energy(blurred), edge_energy(sharp) * 0.05);
}

TEST(Preview, RefusesBadInput) {
    const Image good = gradient(4, 4);
    Image broken = good;
    broken.rgb.pop_back();
    EXPECT_EQ(make_preview(broken, {}).error(), core::errc::invalid_argument);
    EXPECT_EQ(make_preview(Image{}, {}).error(), core::errc::invalid_argument);
    for (const PreviewOptions& bad :
         {PreviewOptions{.max_side = 0}, PreviewOptions{.max_side = 10001},
          PreviewOptions{.blur_radius = -1}, PreviewOptions{.blur_radius = 201},
          PreviewOptions{.jpeg_quality = 0}, PreviewOptions{.jpeg_quality = 101}}) {
        EXPECT_EQ(make_preview(good, bad).error(), core::errc::invalid_argument);
    }
}

TEST(Preview, CarriesNoMetadataFromTheOriginal) {
    // The sample JPEGs may carry EXIF; a preview is pixels only (JFIF header, no APP1).
    const std::string original =
        testing::read_file(testing::pdq_dir() / "images/bridge-mods/shrink-a-lot.jpg");
    const Image image = decode_image(original, ImageType::jpeg, {}).value();
    const std::string preview = make_preview(image, {}).value();
    EXPECT_EQ(preview.find("Exif"), std::string::npos);
    EXPECT_EQ(preview.find("\xFF\xE1"), std::string::npos);
}

}  // namespace
}  // namespace segnala::media
