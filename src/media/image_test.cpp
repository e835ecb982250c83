#include "media/image.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>
#include <sstream>

#include <gtest/gtest.h>
#include <libexif/exif-data.h>

#include "media/codecs.hpp"
#include "media/preview.hpp"
#include "media/test_images.hpp"

// The largest single operator-new request since the last reset, so that the bomb tests can
// show that no pixel buffer was allocated. (Replaces the global operator new of this test
// binary; the library allocates its pixel vectors through it.)
namespace {
std::atomic<std::size_t> g_largest_allocation{0};
}  // namespace

// g++ sees these malloc/free pairs, once inlined into a gtest factory, as a `new` released by
// `free` (-Wmismatched-new-delete); they are a replacement pair, matched by construction.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
    std::size_t seen = g_largest_allocation.load(std::memory_order_relaxed);
    while (size > seen && !g_largest_allocation.compare_exchange_weak(seen, size)) {
    }
    if (void* p = std::malloc(size == 0 ? 1 : size)) {
        return p;
    }
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

namespace segnala::media {
namespace {

using testing::checkerboard;
using testing::encode_png;
using testing::encode_webp;
using testing::gradient;
using testing::png_chunk;
using testing::PngSpec;
using testing::read_file;

struct ManifestRow {
    std::string path;
    int width;
    int height;
};

std::vector<ManifestRow> manifest() {
    std::istringstream in(read_file(testing::pdq_dir() / "manifest.tsv"));
    std::vector<ManifestRow> rows;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        ManifestRow row;
        std::string repo_path;
        fields >> row.path >> repo_path >> row.width >> row.height;
        rows.push_back(row);
    }
    return rows;
}

ImageType type_of_path(const std::string& path) {
    return path.ends_with(".png") ? ImageType::png : ImageType::jpeg;
}

std::string jpeg_of(const Image& image, int quality = 90) {
    return make_preview(image, PreviewOptions{.max_side = 10000, .jpeg_quality = quality}).value();
}

double mean_abs_luma_diff(const Image& a, const Image& b) {
    double sum = 0;
    const std::size_t n = a.rgb.size() / 3;
    for (std::size_t i = 0; i < n; ++i) {
        const auto luma = [i](const Image& im) {
            return 0.299 * im.rgb[3 * i] + 0.587 * im.rgb[3 * i + 1] + 0.114 * im.rgb[3 * i + 2];
        };
        sum += std::abs(luma(a) - luma(b));
    }
    return sum / double(n);
}

TEST(DecodeImage, EverySampleImageWithItsManifestDimensions) {
    const auto rows = manifest();
    ASSERT_EQ(rows.size(), testing::sample_images().size());
    for (const auto& row : rows) {
        SCOPED_TRACE(row.path);
        const std::string bytes = read_file(testing::pdq_dir() / row.path);
        auto image = decode_image(bytes, type_of_path(row.path), ImageLimits{});
        ASSERT_TRUE(image) << image.error().message();
        EXPECT_EQ(image.value().width, row.width);
        EXPECT_EQ(image.value().height, row.height);
        EXPECT_TRUE(image.value().valid());
    }
}

// The bridge saved as CMYK, palette and 1-bit looks like the bridge saved as grey.
TEST(DecodeImage, ColourModesDecodeToTheSamePicture) {
    const auto modes = testing::pdq_dir() / "images/misc-images/modes";
    const Image grey = decode_image(read_file(modes / "L.png"), ImageType::png, {}).value();
    const Image cmyk = decode_image(read_file(modes / "CMYK.jpg"), ImageType::jpeg, {}).value();
    const Image palette = decode_image(read_file(modes / "P.png"), ImageType::png, {}).value();
    const Image mono = decode_image(read_file(modes / "1.png"), ImageType::png, {}).value();
    EXPECT_LT(mean_abs_luma_diff(grey, cmyk), 12.0);  // an inverted CMYK would be ~100
    EXPECT_LT(mean_abs_luma_diff(grey, palette), 12.0);
    EXPECT_LT(mean_abs_luma_diff(grey, mono), 128.0);  // dithered, but not inverted
    for (std::size_t i = 0; i < grey.rgb.size(); i += 3) {
        ASSERT_EQ(grey.rgb[i], grey.rgb[i + 1]);
        ASSERT_EQ(grey.rgb[i], grey.rgb[i + 2]);
        ASSERT_TRUE(mono.rgb[i] == 0 || mono.rgb[i] == 255);
    }
}

TEST(DecodeImage, PngColourTypesDepthsAndInterlace) {
    const Image rgb = gradient(37, 23);
    std::vector<std::uint8_t> rgb16;
    std::vector<std::uint8_t> grey;
    for (std::uint8_t v : rgb.rgb) {
        rgb16.push_back(v);
        rgb16.push_back(0x80);  // low byte: rounds up to v + 1 except at 255
    }
    for (std::size_t i = 0; i < rgb.rgb.size(); i += 3) {
        grey.push_back(rgb.rgb[i]);
    }
    for (bool interlaced : {false, true}) {
        SCOPED_TRACE(interlaced);
        auto plain = decode_image(encode_png(37, 23, rgb.rgb, PngSpec{.interlaced = interlaced}),
                                  ImageType::png, {});
        ASSERT_TRUE(plain);
        EXPECT_EQ(plain.value().rgb, rgb.rgb);

        auto deep = decode_image(
            encode_png(37, 23, rgb16, PngSpec{.bit_depth = 16, .interlaced = interlaced}),
            ImageType::png, {});
        ASSERT_TRUE(deep);
        for (std::size_t i = 0; i < rgb.rgb.size(); ++i) {
            ASSERT_NEAR(deep.value().rgb[i], rgb.rgb[i], 1);
        }

        auto grey_image = decode_image(
            encode_png(37, 23, grey,
                       PngSpec{.color_type = PNG_COLOR_TYPE_GRAY, .interlaced = interlaced}),
            ImageType::png, {});
        ASSERT_TRUE(grey_image);
        EXPECT_EQ(grey_image.value().rgb[3 * 40 + 1], grey[40]);
    }
}

TEST(DecodeImage, PngTransparencyIsCompositedOntoWhite) {
    // Two pixels: transparent red, opaque blue; then a half-transparent black.
    const std::vector<std::uint8_t> rgba = {255, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0, 128};
    auto image = decode_image(encode_png(3, 1, rgba, PngSpec{.color_type = PNG_COLOR_TYPE_RGBA}),
                              ImageType::png, {});
    ASSERT_TRUE(image);
    const std::vector<std::uint8_t> expected = {255, 255, 255, 0, 0, 255, 127, 127, 127};
    EXPECT_EQ(image.value().rgb, expected);
}

TEST(DecodeImage, JpegGreyAndColour) {
    const Image rgb = gradient(64, 40);
    auto colour = decode_image(jpeg_of(rgb), ImageType::jpeg, {});
    ASSERT_TRUE(colour);
    EXPECT_EQ(colour.value().width, 64);
    EXPECT_EQ(colour.value().height, 40);
    EXPECT_LT(mean_abs_luma_diff(colour.value(), rgb), 4.0);

    const std::string grey_jpeg =
        make_preview(rgb, PreviewOptions{.grayscale = true, .jpeg_quality = 90}).value();
    auto grey = decode_image(grey_jpeg, ImageType::jpeg, {});
    ASSERT_TRUE(grey);
    EXPECT_LT(mean_abs_luma_diff(grey.value(), rgb), 4.0);
}

TEST(DecodeImage, WebpRoundTrips) {
    const Image rgb = gradient(50, 30);
    auto lossless = decode_image(encode_webp(50, 30, rgb.rgb, false, true), ImageType::webp, {});
    ASSERT_TRUE(lossless);
    EXPECT_EQ(lossless.value().width, 50);
    EXPECT_EQ(lossless.value().height, 30);
    EXPECT_EQ(lossless.value().rgb, rgb.rgb);

    auto lossy = decode_image(encode_webp(50, 30, rgb.rgb, false, false), ImageType::webp, {});
    ASSERT_TRUE(lossy);
    EXPECT_LT(mean_abs_luma_diff(lossy.value(), rgb), 6.0);

    const std::vector<std::uint8_t> rgba = {255, 0, 0, 0, 0, 0, 255, 255};
    auto alpha = decode_image(encode_webp(2, 1, rgba, true, true), ImageType::webp, {});
    ASSERT_TRUE(alpha);
    const std::vector<std::uint8_t> expected = {255, 255, 255, 0, 0, 255};
    EXPECT_EQ(alpha.value().rgb, expected);
}

TEST(DecodeImage, AnimatedWebpIsUnsupported) {
    // RIFF/WEBP with only a VP8X header whose animation flag is set.
    std::string vp8x("VP8X\x0a\0\0\0\x02\0\0\0\x09\0\0\x09\0\0", 18);
    std::string file = "RIFF";
    const auto size = static_cast<std::uint32_t>(4 + vp8x.size());
    for (int i = 0; i < 4; ++i) {
        file.push_back(static_cast<char>((size >> (8 * i)) & 0xFF));
    }
    file += "WEBP" + vp8x;
    EXPECT_EQ(decode_image(file, ImageType::webp, {}).error(), core::errc::unsupported_media_type);
}

// A PNG whose IHDR claims 100000 x 100000 (10^10 pixels, 30 GB of RGB) with a tiny IDAT.
std::string png_bomb() {
    std::string ihdr;
    testing::put_be32(ihdr, 100000);
    testing::put_be32(ihdr, 100000);
    ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB
    std::string file("\x89PNG\r\n\x1a\n", 8);
    file += png_chunk("IHDR", ihdr);
    file += png_chunk("IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8));
    file += png_chunk("IEND", "");
    return file;
}

// A real JPEG whose SOF0 is rewritten to claim 65000 x 65000.
std::string jpeg_bomb() {
    std::string file = jpeg_of(gradient(16, 16));
    const auto sof = file.find("\xFF\xC0");
    EXPECT_NE(sof, std::string::npos);
    // FF C0, length (2), precision (1), height (2), width (2).
    file[sof + 5] = file[sof + 7] = static_cast<char>(0xFD);
    file[sof + 6] = file[sof + 8] = static_cast<char>(0xE8);
    return file;
}

// A real lossy WebP whose VP8 frame header is rewritten to claim 16383 x 16383.
std::string webp_bomb() {
    const Image rgb = gradient(16, 16);
    std::string file = encode_webp(16, 16, rgb.rgb, false, false);
    EXPECT_EQ(file.substr(12, 4), "VP8 ");
    // RIFF header (12), chunk header (8), frame tag (3), start code (3), then 14-bit sizes.
    file[26] = file[28] = static_cast<char>(0xFF);
    file[27] = file[29] = static_cast<char>(0x3F);
    return file;
}

TEST(DecodeImage, DecompressionBombsAreRefusedBeforeAllocating) {
    const std::pair<std::string, ImageType> bombs[] = {{png_bomb(), ImageType::png},
                                                       {jpeg_bomb(), ImageType::jpeg},
                                                       {webp_bomb(), ImageType::webp}};
    for (const auto& [bytes, type] : bombs) {
        SCOPED_TRACE(name_of(type));
        g_largest_allocation = 0;
        const auto start = std::chrono::steady_clock::now();
        auto image = decode_image(bytes, type, ImageLimits{});
        const auto elapsed = std::chrono::steady_clock::now() - start;
        ASSERT_FALSE(image);
        EXPECT_EQ(image.error(), core::errc::too_large);
        EXPECT_LT(g_largest_allocation.load(), 1u << 20);
        EXPECT_LT(elapsed, std::chrono::seconds(1));
    }
}

TEST(DecodeImage, LimitsAreEnforced) {
    const Image strip = gradient(300, 10);
    const std::string png = encode_png(strip);
    EXPECT_TRUE(decode_image(png, ImageType::png, ImageLimits{}));
    EXPECT_EQ(decode_image(png, ImageType::png, ImageLimits{.max_side = 299}).error(),
              core::errc::too_large);
    EXPECT_EQ(decode_image(png, ImageType::png, ImageLimits{.max_pixels = 2999}).error(),
              core::errc::too_large);
    EXPECT_TRUE(decode_image(png, ImageType::png, ImageLimits{.max_pixels = 3000}));
    EXPECT_EQ(decode_image(png, ImageType::png, ImageLimits{.max_bytes = png.size() - 1}).error(),
              core::errc::too_large);
    const std::string jpeg = jpeg_of(strip);
    EXPECT_EQ(decode_image(jpeg, ImageType::jpeg, ImageLimits{.max_side = 299}).error(),
              core::errc::too_large);
    const std::string webp = encode_webp(300, 10, strip.rgb, false, true);
    EXPECT_EQ(decode_image(webp, ImageType::webp, ImageLimits{.max_pixels = 2999}).error(),
              core::errc::too_large);
}

TEST(DecodeImage, WrongTypeOrEmptyIsInvalid) {
    const Image rgb = gradient(8, 8);
    const std::string png = encode_png(rgb);
    const std::string jpeg = jpeg_of(rgb);
    const std::string webp = encode_webp(8, 8, rgb.rgb, false, true);
    EXPECT_EQ(decode_image(png, ImageType::jpeg, {}).error(), core::errc::invalid_argument);
    EXPECT_EQ(decode_image(jpeg, ImageType::png, {}).error(), core::errc::invalid_argument);
    EXPECT_EQ(decode_image(jpeg, ImageType::webp, {}).error(), core::errc::invalid_argument);
    EXPECT_EQ(decode_image(webp, ImageType::jpeg, {}).error(), core::errc::invalid_argument);
    for (ImageType type : {ImageType::png, ImageType::jpeg, ImageType::webp}) {
        EXPECT_EQ(decode_image("", type, {}).error(), core::errc::invalid_argument);
    }
}

std::vector<std::pair<std::string, ImageType>> small_valid_files() {
    const Image rgb = gradient(40, 24);
    std::vector<std::uint8_t> rgba;
    for (std::size_t i = 0; i < rgb.rgb.size(); i += 3) {
        rgba.insert(rgba.end(), {rgb.rgb[i], rgb.rgb[i + 1], rgb.rgb[i + 2],
                                 static_cast<std::uint8_t>(i % 256)});
    }
    return {
        {encode_png(rgb), ImageType::png},
        {encode_png(40, 24, rgba, PngSpec{.color_type = PNG_COLOR_TYPE_RGBA, .interlaced = true}),
         ImageType::png},
        {jpeg_of(rgb), ImageType::jpeg},
        {make_preview(rgb, PreviewOptions{.grayscale = true}).value(), ImageType::jpeg},
        {encode_webp(40, 24, rgb.rgb, false, false), ImageType::webp},
        {encode_webp(40, 24, rgba, true, true), ImageType::webp},
        {encode_webp(40, 24, rgba, true, false), ImageType::webp},
    };
}

TEST(DecodeImage, TruncatedAtEveryOffsetIsInvalid) {
    for (const auto& [bytes, type] : small_valid_files()) {
        SCOPED_TRACE(std::string(name_of(type)) + " of " + std::to_string(bytes.size()));
        ASSERT_TRUE(decode_image(bytes, type, {}));
        for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
            auto image = decode_image(std::string_view(bytes).substr(0, cut), type, {});
            ASSERT_FALSE(image) << "cut at " << cut;
            ASSERT_EQ(image.error(), core::errc::invalid_argument) << "cut at " << cut;
        }
    }
}

TEST(DecodeImage, TruncatedSampleFilesAreInvalid) {
    const auto images = testing::pdq_dir() / "images/misc-images";
    for (const char* name : {"small.jpg", "c.png", "modes/CMYK.jpg", "modes/P.png"}) {
        SCOPED_TRACE(name);
        const std::string bytes = read_file(images / name);
        const ImageType type = type_of_path(name);
        for (std::size_t cut : {std::size_t{10}, bytes.size() / 3, bytes.size() / 2,
                                bytes.size() - 100, bytes.size() - 1}) {
            auto image = decode_image(std::string_view(bytes).substr(0, cut), type, {});
            ASSERT_FALSE(image) << "cut at " << cut;
            EXPECT_EQ(image.error(), core::errc::invalid_argument) << "cut at " << cut;
        }
    }
}

// A corrupted byte may still decode (pixel data has no checksum in JPEG and WebP); it must
// never crash, and a failure is one of the documented errors.
TEST(DecodeImage, FlippedBytesNeverCrash) {
    int failures = 0;
    int total = 0;
    for (const auto& [bytes, type] : small_valid_files()) {
        SCOPED_TRACE(name_of(type));
        for (std::size_t at = 0; at < bytes.size(); ++at) {
            for (unsigned char mask : {0x01, 0x80, 0xFF}) {
                std::string bad = bytes;
                bad[at] = static_cast<char>(bad[at] ^ mask);
                auto image = decode_image(bad, type, {});
                ++total;
                if (image) {
                    ASSERT_TRUE(image.value().valid());
                    continue;
                }
                ++failures;
                const auto e = image.error();
                ASSERT_TRUE(e == core::errc::invalid_argument || e == core::errc::too_large ||
                            e == core::errc::unsupported_media_type)
                    << e.message() << " at " << at;
            }
        }
    }
    EXPECT_GT(failures, total / 10);  // most header and checksum damage is caught
}

TEST(DecodeImage, ProgressiveJpegDecodesButAScanBombIsRefused) {
    const Image rgb = gradient(64, 48);
    auto progressive =
        decode_image(testing::encode_progressive_jpeg(rgb, false), ImageType::jpeg, {});
    ASSERT_TRUE(progressive);
    EXPECT_LT(mean_abs_luma_diff(progressive.value(), rgb), 4.0);
    // A valid script of 190 scans (one per coefficient and component): each scan is another
    // pass over the whole image, so scan count is CPU cost that the pixel limit does not bound.
    auto bomb = decode_image(testing::encode_progressive_jpeg(rgb, true), ImageType::jpeg, {});
    ASSERT_FALSE(bomb);
    EXPECT_EQ(bomb.error(), core::errc::invalid_argument);
}

}  // namespace
}  // namespace segnala::media

namespace segnala::media {
namespace {

// Stored W x H pixels labelled a..f (in the red channel), and what a viewer shows for each
// EXIF orientation, written out by hand from the EXIF specification's table.
TEST(ApplyOrientation, EveryExifOrientationOfASmallImage) {
    Image stored{.width = 3, .height = 2, .rgb = {}};
    for (std::uint8_t label : {'a', 'b', 'c', 'd', 'e', 'f'}) {
        stored.rgb.insert(stored.rgb.end(), {label, 0, 0});
    }
    struct Case {
        int orientation;
        int width;
        std::string shown;  // row by row
    };
    const Case cases[] = {
        {1, 3, "abcdef"}, {2, 3, "cbafed"}, {3, 3, "fedcba"}, {4, 3, "defabc"},
        {5, 2, "adbecf"}, {6, 2, "daebfc"}, {7, 2, "fcebda"}, {8, 2, "cfbead"},
        {0, 3, "abcdef"}, {9, 3, "abcdef"},  // not an orientation: left alone
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.orientation);
        Image image = stored;
        detail::apply_orientation(image, c.orientation);
        ASSERT_TRUE(image.valid());
        EXPECT_EQ(image.width, c.width);
        EXPECT_EQ(image.height, 6 / c.width);
        std::string shown;
        for (std::size_t i = 0; i < image.rgb.size(); i += 3) {
            shown += static_cast<char>(image.rgb[i]);
        }
        EXPECT_EQ(shown, c.shown);
    }
}

// `jpeg` with an APP1 segment holding `payload` right after its SOI marker.
std::string with_app1(const std::string& jpeg, std::string_view payload) {
    const std::size_t n = payload.size() + 2;
    std::string out = jpeg.substr(0, 2);
    out += "\xFF\xE1";
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xFF);
    out += payload;
    out += jpeg.substr(2);
    return out;
}

// An EXIF block (as a camera writes it, built with libexif) carrying only the orientation.
std::string exif_with_orientation(int orientation, ExifByteOrder order) {
    ExifData* exif = exif_data_new();
    exif_data_set_byte_order(exif, order);
    ExifEntry* e = exif_entry_new();
    exif_content_add_entry(exif->ifd[EXIF_IFD_0], e);
    exif_entry_initialize(e, EXIF_TAG_ORIENTATION);
    exif_set_short(e->data, order, static_cast<ExifShort>(orientation));
    exif_entry_unref(e);
    unsigned char* data = nullptr;
    unsigned int size = 0;
    exif_data_save_data(exif, &data, &size);
    std::string out(reinterpret_cast<const char*>(data), size);
    std::free(data);
    exif_data_unref(exif);
    return out;
}

// A 64 x 32 photo in four flat quadrants (red, green / blue, white), each a whole number of
// JPEG blocks so that the colours do not bleed into the points sampled.
TEST(DecodeImage, AJpegTakenSidewaysIsShownUpright) {
    Image stored{.width = 64, .height = 32, .rgb = {}};
    for (int y = 0; y < 32; ++y) {
        for (int x = 0; x < 64; ++x) {
            const char q = y < 16 ? (x < 32 ? 'R' : 'G') : (x < 32 ? 'B' : 'W');
            const std::uint8_t r = q == 'R' || q == 'W' ? 255 : 0;
            const std::uint8_t g = q == 'G' || q == 'W' ? 255 : 0;
            const std::uint8_t b = q == 'B' || q == 'W' ? 255 : 0;
            stored.rgb.insert(stored.rgb.end(), {r, g, b});
        }
    }
    const std::string plain = jpeg_of(stored);
    auto quadrant = [](const Image& img, int qx, int qy) {
        const auto at = (static_cast<std::size_t>(img.height / 4 + qy * img.height / 2) *
                             static_cast<std::size_t>(img.width) +
                         static_cast<std::size_t>(img.width / 4 + qx * img.width / 2)) *
                        3;
        const bool r = img.rgb[at] > 128;
        const bool g = img.rgb[at + 1] > 128;
        const bool b = img.rgb[at + 2] > 128;
        return r && g && b ? 'W' : r ? 'R' : g ? 'G' : b ? 'B' : '?';
    };
    // Quadrants as shown: top left, top right, bottom left, bottom right.
    const std::pair<int, std::string> expected[] = {{1, "RGBW"}, {2, "GRWB"}, {3, "WBGR"},
                                                    {4, "BWRG"}, {5, "RBGW"}, {6, "BRWG"},
                                                    {7, "WGBR"}, {8, "GWRB"}};
    for (const auto& [orientation, shown] : expected) {
        for (const auto order : {EXIF_BYTE_ORDER_MOTOROLA, EXIF_BYTE_ORDER_INTEL}) {
            SCOPED_TRACE(std::to_string(orientation) +
                         (order == EXIF_BYTE_ORDER_INTEL ? " II" : " MM"));
            const std::string jpeg = with_app1(plain, exif_with_orientation(orientation, order));
            auto image = decode_image(jpeg, ImageType::jpeg, {});
            ASSERT_TRUE(image);
            const bool turned = orientation >= 5;
            EXPECT_EQ(image.value().width, turned ? 32 : 64);
            EXPECT_EQ(image.value().height, turned ? 64 : 32);
            std::string got;
            for (const auto& [qx, qy] : {std::pair{0, 0}, {1, 0}, {0, 1}, {1, 1}}) {
                got += quadrant(image.value(), qx, qy);
            }
            EXPECT_EQ(got, shown);
        }
    }
}

TEST(DecodeImage, UnreadableOrMissingExifLeavesTheJpegAsStored) {
    const Image rgb = gradient(64, 40);
    const std::string plain = jpeg_of(rgb);
    const std::string payloads[] = {
        std::string("Exif\0\0", 6),                                      // nothing after the header
        std::string("Exif\0\0MM\0*\xFF\xFF\xFF\xFF", 14),                // IFD offset past the end
        std::string("Exif\0\0II*\0\x08\0\0\0\xFF\xFF", 16),              // an IFD that cannot fit
        "http://ns.adobe.com/xap/1.0/" + std::string(1, '\0') + "<x/>",  // XMP, not EXIF
    };
    for (const auto& payload : payloads) {
        auto image = decode_image(with_app1(plain, payload), ImageType::jpeg, {});
        ASSERT_TRUE(image);
        EXPECT_EQ(image.value().width, 64);
        EXPECT_EQ(image.value().height, 40);
        EXPECT_LT(mean_abs_luma_diff(image.value(), rgb), 4.0);
    }
}

}  // namespace
}  // namespace segnala::media
