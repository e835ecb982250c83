// libpng glue: bounded decoding of any PNG to RGB, transparency composited onto white.
// libpng reports errors through our error callback, which png_longjmp()s back to the setjmp()
// in run_decode(); every object with a destructor lives in DecodeState, outside that frame.
#include <csetjmp>
#include <cstring>

#include <png.h>

#include "media/codecs.hpp"

namespace segnala::media::detail {
namespace {

// Ancillary chunks cap: text, sPLT and unknown chunks kept, and bytes allocated for any one
// chunk (iCCP/zTXt decompression included).
constexpr png_uint_32 kMaxCachedChunks = 64;
constexpr png_alloc_size_t kMaxChunkBytes = 2 * 1024 * 1024;

// Metadata chunks we never use, skipped unread (no decompression, no allocation).
constexpr png_byte kIgnoredChunks[] = "iCCP\0iTXt\0sPLT\0tEXt\0zTXt\0eXIf";
constexpr int kIgnoredChunkCount = 6;

constexpr std::string_view kSignature("\x89PNG\r\n\x1a\n", 8);

struct Source {
    std::string_view bytes;
    std::size_t pos = 0;
};

void on_read(png_structp png, png_bytep out, png_size_t length) {
    auto* source = static_cast<Source*>(png_get_io_ptr(png));
    if (length > source->bytes.size() - source->pos) {
        png_error(png, "truncated");
    }
    std::memcpy(out, source->bytes.data() + source->pos, length);
    source->pos += length;
}

[[noreturn]] void on_error(png_structp png, png_const_charp) {
    png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}  // never print to stderr

struct DecodeState {
    png_structp png = nullptr;
    png_infop info = nullptr;
    Source source;
    Image image;
    std::vector<std::uint8_t> rgba;  // one row, or the whole image when interlaced

    DecodeState() = default;
    DecodeState(const DecodeState&) = delete;
    DecodeState& operator=(const DecodeState&) = delete;
    ~DecodeState() {
        if (png != nullptr) {
            png_destroy_read_struct(&png, info != nullptr ? &info : nullptr, nullptr);
        }
    }
};

std::uint32_t load_be32(std::string_view bytes, std::size_t at) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data()) + at;
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

// The dimensions from IHDR, read by hand so that an oversized image is errc::too_large before
// libpng sees it (libpng's own limits would only say "error").
core::errc check_header(std::string_view bytes, const ImageLimits& limits) {
    // Signature, then IHDR's length (13), type, width, height.
    if (bytes.size() < 8 + 8 + 13 + 4 || bytes.substr(0, 8) != kSignature ||
        bytes.substr(8, 8) != std::string_view("\0\0\0\x0dIHDR", 8)) {
        return core::errc::invalid_argument;
    }
    return check_dimensions(load_be32(bytes, 16), load_be32(bytes, 20), limits);
}

core::errc run_decode(DecodeState& s, std::string_view bytes, const ImageLimits& limits) {
    s.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, on_error, on_warning);
    if (s.png == nullptr) {
        return core::errc::internal;
    }
    s.info = png_create_info_struct(s.png);
    if (s.info == nullptr) {
        return core::errc::internal;
    }
    if (setjmp(png_jmpbuf(s.png)) != 0) {
        return core::errc::invalid_argument;
    }
    const auto side = static_cast<png_uint_32>(limits.max_side);
    png_set_user_limits(s.png, side, side);
    png_set_chunk_cache_max(s.png, kMaxCachedChunks);
    png_set_chunk_malloc_max(s.png, kMaxChunkBytes);
    png_set_keep_unknown_chunks(s.png, PNG_HANDLE_CHUNK_NEVER, kIgnoredChunks, kIgnoredChunkCount);
    s.source.bytes = bytes;
    png_set_read_fn(s.png, &s.source, on_read);
    png_read_info(s.png, s.info);

    const png_uint_32 width = png_get_image_width(s.png, s.info);
    const png_uint_32 height = png_get_image_height(s.png, s.info);
    const core::errc dims = check_dimensions(width, height, limits);
    if (dims != core::errc::ok) {
        return dims;
    }
    // Whatever the colour type and depth: 8-bit RGBA out.
    png_set_expand(s.png);  // palette -> RGB, grey < 8 bits -> 8, tRNS -> alpha
    png_set_scale_16(s.png);
    png_set_gray_to_rgb(s.png);
    png_set_filler(s.png, 0xFF, PNG_FILLER_AFTER);  // only applies when there is no alpha
    const int passes = png_set_interlace_handling(s.png);
    png_read_update_info(s.png, s.info);
    const std::size_t row_bytes = std::size_t{width} * 4;
    if (png_get_rowbytes(s.png, s.info) != row_bytes) {
        return core::errc::invalid_argument;
    }

    const std::size_t pixels = std::size_t{width} * height;
    s.image.width = static_cast<int>(width);
    s.image.height = static_cast<int>(height);
    if (passes == 1) {
        s.image.rgb.resize(pixels * 3);
        s.rgba.resize(row_bytes);
        for (std::size_t y = 0; y < height; ++y) {
            png_read_row(s.png, s.rgba.data(), nullptr);
            rgba_to_rgb_on_white(s.rgba.data(), s.image.rgb.data() + y * width * 3, width);
        }
    } else {
        // Adam7 fills each row over seven passes, so the whole RGBA image must be kept.
        s.rgba.resize(pixels * 4);
        for (int pass = 0; pass < passes; ++pass) {
            for (std::size_t y = 0; y < height; ++y) {
                png_read_row(s.png, s.rgba.data() + y * row_bytes, nullptr);
            }
        }
        rgba_to_rgb_on_white(s.rgba.data(), s.rgba.data(), pixels);
        s.rgba.resize(pixels * 3);
        s.image.rgb = std::move(s.rgba);
        s.image.rgb.shrink_to_fit();
    }
    // Reads to IEND, so a file cut after its pixel data is still refused.
    png_read_end(s.png, nullptr);
    return core::errc::ok;
}

}  // namespace

core::result<Image> decode_png(std::string_view bytes, const ImageLimits& limits) {
    if (const core::errc rc = check_header(bytes, limits); rc != core::errc::ok) {
        return rc;
    }
    DecodeState state;
    const core::errc rc = run_decode(state, bytes, limits);
    if (rc != core::errc::ok) {
        return rc;
    }
    return std::move(state.image);
}

}  // namespace segnala::media::detail
