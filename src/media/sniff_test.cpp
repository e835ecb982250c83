#include "media/sniff.hpp"

#include <filesystem>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "media/preview.hpp"
#include "media/test_images.hpp"

namespace segnala::media {
namespace {

using testing::read_file;

ImageType type_or(const core::result<ImageType>& r, ImageType fallback) {
    return r ? r.value() : fallback;
}

void expect_rejected(std::string_view bytes, std::string_view what) {
    auto type = sniff_image(bytes);
    ASSERT_FALSE(type) << what << " sniffed as " << name_of(type.value());
    EXPECT_EQ(type.error(), core::errc::unsupported_media_type) << what;
}

TEST(Sniff, EverySampleImageByContent) {
    for (const auto& path : testing::sample_images()) {
        SCOPED_TRACE(path.string());
        auto type = sniff_image(read_file(path));
        ASSERT_TRUE(type);
        EXPECT_EQ(type.value(), path.extension() == ".png" ? ImageType::png : ImageType::jpeg);
    }
}

TEST(Sniff, GeneratedWebp) {
    const Image rgb = testing::gradient(16, 16);
    EXPECT_EQ(sniff_image(testing::encode_webp(16, 16, rgb.rgb, false, true)).value(),
              ImageType::webp);
    EXPECT_EQ(sniff_image(testing::encode_webp(16, 16, rgb.rgb, false, false)).value(),
              ImageType::webp);
}

// The name and the declared type are not inputs at all; a PNG stored as "evidence.jpg" and
// uploaded as image/jpeg is a PNG.
TEST(Sniff, ARenamedFileIsRecognisedByContent) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("segnala-media-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::filesystem::copy_file(testing::pdq_dir() / "images/misc-images/c.png",
                               dir / "evidence.jpg",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(testing::pdq_dir() / "images/misc-images/small.jpg",
                               dir / "evidence.png",
                               std::filesystem::copy_options::overwrite_existing);
    EXPECT_EQ(sniff_image(read_file(dir / "evidence.jpg")).value(), ImageType::png);
    EXPECT_EQ(sniff_image(read_file(dir / "evidence.png")).value(), ImageType::jpeg);
    std::filesystem::remove_all(dir);
}

TEST(Sniff, RejectsEverythingElse) {
    expect_rejected("", "empty");
    expect_rejected("hello, this is a plain text message\n", "text");
    expect_rejected("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n", "pdf");
    expect_rejected(std::string("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!"
                                "\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00"
                                "\x00\x02\x02D\x01\x00;",
                                43),
                    "gif");
    expect_rejected(
        "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" "
        "height=\"10\"><script>alert(1)</script><rect width=\"10\" height=\"10\"/></svg>\n",
        "svg");
    expect_rejected("<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>", "bare svg");
    expect_rejected("<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>",
                    "html");
    expect_rejected(std::string("PK\x03\x04\x14\x00\x00\x00\x08\x00", 10) + std::string(20, '\0') +
                        "evidence.png",
                    "zip");
    expect_rejected(std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10), "gzip");
    expect_rejected(std::string("\x7f"
                                "ELF\x02\x01\x01",
                                7) +
                        std::string(64, '\0'),
                    "elf");
    expect_rejected(std::string("BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28", 15) +
                        std::string(40, '\0'),
                    "bmp");
    expect_rejected(std::string(256, '\0'), "zeros");
    expect_rejected("RIFF\x24\x00\x00\x00WAVEfmt ", "wav (RIFF but not WEBP)");
}

// libmagic and the format's own signature must agree.
TEST(Sniff, APolyglotLeadingWithAnotherFormatIsRejected) {
    const std::string png = testing::encode_png(testing::gradient(4, 4));
    expect_rejected("GIF89a" + png, "gif then png");
    expect_rejected("%PDF-1.4\n" + png, "pdf then png");
    expect_rejected(" " + png, "space then png");
}

TEST(Sniff, LooksOnlyAtTheHead) {
    const std::string jpeg = read_file(testing::pdq_dir() / "images/misc-images/wee.jpg");
    EXPECT_EQ(type_or(sniff_image(jpeg.substr(0, 16)), ImageType::png), ImageType::jpeg);
    EXPECT_EQ(sniff_image(jpeg + std::string(1 << 20, 'x')).value(), ImageType::jpeg);
}

TEST(Sniff, MimeAndNames) {
    EXPECT_EQ(mime_of(ImageType::png), "image/png");
    EXPECT_EQ(mime_of(ImageType::jpeg), "image/jpeg");
    EXPECT_EQ(mime_of(ImageType::webp), "image/webp");
    EXPECT_EQ(name_of(ImageType::png), "png");
    EXPECT_EQ(name_of(ImageType::jpeg), "jpeg");
    EXPECT_EQ(name_of(ImageType::webp), "webp");
}

TEST(Sniff, ManyThreadsAtOnce) {
    const std::string png = testing::encode_png(testing::gradient(8, 8));
    const std::string jpeg = read_file(testing::pdq_dir() / "images/misc-images/wee.jpg");
    std::vector<std::thread> threads;
    std::vector<int> wrong(8, 0);
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                if (type_or(sniff_image(png), ImageType::webp) != ImageType::png ||
                    type_or(sniff_image(jpeg), ImageType::webp) != ImageType::jpeg ||
                    sniff_image("plain text")) {
                    ++wrong[t];
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(wrong, std::vector<int>(8, 0));
}

}  // namespace
}  // namespace segnala::media
