// Test-only helpers for media/ tests: sample files, synthetic images and encoders (libpng,
// libwebp) for inputs the module itself never writes. Header-only, so it stays out of the
// library that segnala_module() globs from the .cpp files.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <jpeglib.h>
#include <png.h>
#include <webp/encode.h>
#include <zlib.h>

#include "media/image.hpp"

namespace segnala::media::testing {

inline std::filesystem::path pdq_dir() {
    return std::filesystem::path(SEGNALA_SHARED_DATA) / "pdq";
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path.string());
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Every sample image under shared/data/pdq/images, sorted.
inline std::vector<std::filesystem::path> sample_images() {
    std::vector<std::filesystem::path> out;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(pdq_dir() / "images")) {
        if (entry.is_regular_file()) {
            out.push_back(entry.path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// Colourful, smooth content (hard for no codec).
inline Image gradient(int width, int height) {
    Image image{width, height, std::vector<std::uint8_t>(std::size_t(width) * height * 3)};
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            auto* p = image.rgb.data() + (std::size_t(y) * width + x) * 3;
            p[0] = static_cast<std::uint8_t>(x * 255 / std::max(1, width - 1));
            p[1] = static_cast<std::uint8_t>(y * 255 / std::max(1, height - 1));
            p[2] = static_cast<std::uint8_t>((x + y) % 256);
        }
    }
    return image;
}

/// Black and white squares of `cell` pixels.
inline Image checkerboard(int width, int height, int cell) {
    Image image{width, height, std::vector<std::uint8_t>(std::size_t(width) * height * 3)};
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const std::uint8_t v = ((x / cell + y / cell) % 2) != 0 ? 255 : 0;
            auto* p = image.rgb.data() + (std::size_t(y) * width + x) * 3;
            p[0] = p[1] = p[2] = v;
        }
    }
    return image;
}

/// Sum of squared differences between neighbours: the high-frequency energy of an image.
inline double edge_energy(const Image& image) {
    double sum = 0;
    const auto at = [&](int x, int y, int c) {
        return double(image.rgb[(std::size_t(y) * image.width + x) * 3 + c]);
    };
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            for (int c = 0; c < 3; ++c) {
                if (x + 1 < image.width) {
                    sum += (at(x + 1, y, c) - at(x, y, c)) * (at(x + 1, y, c) - at(x, y, c));
                }
                if (y + 1 < image.height) {
                    sum += (at(x, y + 1, c) - at(x, y, c)) * (at(x, y + 1, c) - at(x, y, c));
                }
            }
        }
    }
    return sum;
}

struct PngSpec {
    int color_type = PNG_COLOR_TYPE_RGB;  // PNG_COLOR_TYPE_RGB, _RGBA, _GRAY, _GRAY_ALPHA
    int bit_depth = 8;                    // 8 or 16
    bool interlaced = false;
};

/// Encodes raw samples (row-major, channels per colour type, 16-bit samples big-endian) as PNG.
inline std::string encode_png(int width, int height, const std::vector<std::uint8_t>& samples,
                              const PngSpec& spec) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    std::string out;
    if (setjmp(png_jmpbuf(png)) != 0) {
        png_destroy_write_struct(&png, &info);
        throw std::runtime_error("png encode failed");
    }
    png_set_write_fn(
        png, &out,
        [](png_structp p, png_bytep data, png_size_t n) {
            static_cast<std::string*>(png_get_io_ptr(p))->append(reinterpret_cast<char*>(data), n);
        },
        nullptr);
    png_set_IHDR(png, info, width, height, spec.bit_depth, spec.color_type,
                 spec.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    const std::size_t row_bytes = png_get_rowbytes(png, info);
    std::vector<png_bytep> rows(height);
    for (int y = 0; y < height; ++y) {
        rows[y] = const_cast<png_bytep>(samples.data() + y * row_bytes);
    }
    png_write_image(png, rows.data());
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return out;
}

inline std::string encode_png(const Image& image) {
    return encode_png(image.width, image.height, image.rgb, PngSpec{});
}

/// Lossless (exact) or lossy WebP of an RGB or RGBA buffer.
inline std::string encode_webp(int width, int height, const std::vector<std::uint8_t>& samples,
                               bool alpha, bool lossless) {
    std::uint8_t* data = nullptr;
    std::size_t size = 0;
    const int stride = width * (alpha ? 4 : 3);
    if (lossless) {
        size = alpha ? WebPEncodeLosslessRGBA(samples.data(), width, height, stride, &data)
                     : WebPEncodeLosslessRGB(samples.data(), width, height, stride, &data);
    } else {
        size = alpha ? WebPEncodeRGBA(samples.data(), width, height, stride, 80, &data)
                     : WebPEncodeRGB(samples.data(), width, height, stride, 80, &data);
    }
    if (size == 0) {
        throw std::runtime_error("webp encode failed");
    }
    std::string out(reinterpret_cast<char*>(data), size);
    WebPFree(data);
    return out;
}

/// A progressive JPEG: libjpeg's standard script (10 scans), or with `one_scan_per_coefficient`
/// a valid script of 1 + 63 * 3 = 190 scans. (Default libjpeg error handling: tests only.)
inline std::string encode_progressive_jpeg(const Image& image, bool one_scan_per_coefficient) {
    jpeg_compress_struct cinfo{};
    jpeg_error_mgr err{};
    cinfo.err = jpeg_std_error(&err);
    jpeg_create_compress(&cinfo);
    unsigned char* data = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&cinfo, &data, &size);
    cinfo.image_width = image.width;
    cinfo.image_height = image.height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 90, TRUE);
    std::vector<jpeg_scan_info> scans;
    if (one_scan_per_coefficient) {
        scans.push_back(jpeg_scan_info{3, {0, 1, 2, 0}, 0, 0, 0, 0});
        for (int k = 1; k < 64; ++k) {
            for (int c = 0; c < 3; ++c) {
                scans.push_back(jpeg_scan_info{1, {c, 0, 0, 0}, k, k, 0, 0});
            }
        }
        cinfo.scan_info = scans.data();
        cinfo.num_scans = static_cast<int>(scans.size());
    } else {
        jpeg_simple_progression(&cinfo);
    }
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row =
            const_cast<JSAMPROW>(image.rgb.data() + cinfo.next_scanline * image.width * 3);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    std::string out(reinterpret_cast<char*>(data), size);
    std::free(data);
    return out;
}

inline void put_be32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<char>((v >> shift) & 0xFF));
    }
}

/// One PNG chunk: length, type, data, CRC.
inline std::string png_chunk(std::string_view type, std::string_view data) {
    std::string out;
    put_be32(out, static_cast<std::uint32_t>(data.size()));
    std::string body(type);
    body += data;
    out += body;
    put_be32(out, static_cast<std::uint32_t>(
                      crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size())));
    return out;
}

}  // namespace segnala::media::testing
