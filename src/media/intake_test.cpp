#include "media/intake.hpp"

#include <thread>

#include <gtest/gtest.h>

#include "media/test_images.hpp"

namespace segnala::media {
namespace {

using testing::read_file;

Image decode_jpeg_preview(const std::string& jpeg) {
    return decode_image(jpeg, ImageType::jpeg, ImageLimits{}).value();
}

TEST(ProcessUpload, JpegEvidence) {
    const std::string bytes =
        read_file(testing::pdq_dir() / "images/reg-test-input/dih/bridge-2-rotate-90.jpg");
    auto processed = process_upload(bytes, ImageLimits{});
    ASSERT_TRUE(processed) << processed.error().message();
    const auto& p = processed.value();
    EXPECT_EQ(p.type, ImageType::jpeg);
    EXPECT_EQ(p.width, 1004);
    EXPECT_EQ(p.height, 1600);
    const Image plain = decode_jpeg_preview(p.preview_jpeg);
    EXPECT_EQ(plain.width, 502);
    EXPECT_EQ(plain.height, 800);
    const Image blurred = decode_jpeg_preview(p.blurred_preview_jpeg);
    EXPECT_EQ(blurred.width, 502);
    EXPECT_EQ(blurred.height, 800);
    for (std::size_t i = 0; i < blurred.rgb.size(); i += 3) {
        ASSERT_EQ(blurred.rgb[i], blurred.rgb[i + 1]);
        ASSERT_EQ(blurred.rgb[i], blurred.rgb[i + 2]);
    }
    EXPECT_LT(testing::edge_energy(blurred), testing::edge_energy(plain) * 0.1);
}

TEST(ProcessUpload, PngAndWebpEvidence) {
    auto png = process_upload(read_file(testing::pdq_dir() / "images/misc-images/c.png"), {});
    ASSERT_TRUE(png);
    EXPECT_EQ(png.value().type, ImageType::png);
    EXPECT_EQ(png.value().width, 1432);
    EXPECT_EQ(png.value().height, 812);

    const Image rgb = testing::gradient(300, 200);
    auto webp = process_upload(testing::encode_webp(300, 200, rgb.rgb, false, false), {});
    ASSERT_TRUE(webp);
    EXPECT_EQ(webp.value().type, ImageType::webp);
    EXPECT_EQ(decode_jpeg_preview(webp.value().preview_jpeg).width, 300);
}

TEST(ProcessUpload, RefusesWhatIsNotAnImageOrTooBig) {
    EXPECT_EQ(process_upload("just text", {}).error(), core::errc::unsupported_media_type);
    EXPECT_EQ(process_upload("", {}).error(), core::errc::unsupported_media_type);
    const std::string png = testing::encode_png(testing::gradient(100, 100));
    EXPECT_EQ(process_upload(png, ImageLimits{.max_bytes = 10}).error(), core::errc::too_large);
    EXPECT_EQ(process_upload(png, ImageLimits{.max_pixels = 9999}).error(), core::errc::too_large);
    EXPECT_EQ(process_upload(std::string_view(png).substr(0, png.size() - 20), {}).error(),
              core::errc::invalid_argument);
}

TEST(ProcessUpload, ManyThreadsGiveTheSameResults) {
    std::vector<std::string> files;
    for (const char* name : {"misc-images/small.jpg", "misc-images/wee.jpg",
                             "misc-images/modes/1.png", "bridge-mods/shrink-a-lot.jpg"}) {
        files.push_back(read_file(testing::pdq_dir() / "images" / name));
    }
    const Image rgb = testing::gradient(64, 64);
    files.push_back(testing::encode_webp(64, 64, rgb.rgb, false, true));
    files.push_back("not an image");
    std::vector<std::string> expected;
    for (const auto& f : files) {
        auto p = process_upload(f, {});
        expected.push_back(p ? p.value().preview_jpeg + p.value().blurred_preview_jpeg
                             : p.error().message());
    }
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < 3; ++round) {
                for (std::size_t i = 0; i < files.size(); ++i) {
                    auto p = process_upload(files[(i + t) % files.size()], {});
                    const std::string got =
                        p ? p.value().preview_jpeg + p.value().blurred_preview_jpeg
                          : p.error().message();
                    mismatches[t] += got != expected[(i + t) % files.size()];
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace segnala::media
