// libjpeg-turbo glue: bounded decoding to RGB (CMYK/YCCK converted here) and preview encoding.
// libjpeg reports errors through error_exit(), which must not return: ours longjmp()s back to
// the setjmp() in run_decode()/run_encode(). Those functions keep every object with a
// destructor outside their own frame (in the State structs), so the jump skips none.
#include <algorithm>
#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE
#include <cstdlib>
#include <cstring>

#include <jerror.h>
#include <jpeglib.h>

#include "media/codecs.hpp"

namespace segnala::media::detail {
namespace {

// Progressive JPEGs may carry thousands of tiny scans, each a full pass over the coefficients
// (a CPU bomb); real encoders write about ten.
constexpr int kMaxScans = 64;

struct ErrorManager {
    jpeg_error_mgr pub;  // first: libjpeg sees a jpeg_error_mgr*
    std::jmp_buf jump;
};

[[noreturn]] void on_error_exit(j_common_ptr cinfo) {
    std::longjmp(reinterpret_cast<ErrorManager*>(cinfo->err)->jump, 1);
}

// Warnings (level -1) are corrupt data: truncation, bad Huffman codes, bogus progression. A
// damaged file is refused rather than shown half-grey. Extraneous bytes before a marker are
// common in real files and harmless, so they alone are tolerated.
void on_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0 && cinfo->err->msg_code != JWRN_EXTRANEOUS_DATA) {
        on_error_exit(cinfo);
    }
}

void on_output_message(j_common_ptr) {}  // never print to stderr

void install_error_manager(ErrorManager& err) {
    jpeg_std_error(&err.pub);
    err.pub.error_exit = on_error_exit;
    err.pub.emit_message = on_emit_message;
    err.pub.output_message = on_output_message;
}

void on_progress(j_common_ptr cinfo) {
    if (cinfo->is_decompressor &&
        reinterpret_cast<j_decompress_ptr>(cinfo)->input_scan_number > kMaxScans) {
        on_error_exit(cinfo);
    }
}

struct DecodeState {
    jpeg_decompress_struct cinfo{};
    ErrorManager err{};
    jpeg_progress_mgr progress{};
    bool created = false;
    Image image;
    int orientation = 1;  // EXIF, applied after decoding
    std::vector<std::uint8_t> cmyk_row;

    DecodeState() = default;
    DecodeState(const DecodeState&) = delete;
    DecodeState& operator=(const DecodeState&) = delete;
    ~DecodeState() {
        if (created) {
            jpeg_destroy_decompress(&cinfo);
        }
    }
};

// CMYK as Photoshop writes it (Adobe APP14 marker) is stored inverted; plain CMYK is not.
void cmyk_to_rgb(const std::uint8_t* cmyk, std::uint8_t* rgb, std::size_t count, bool inverted) {
    for (std::size_t i = 0; i < count; ++i) {
        unsigned c = cmyk[4 * i];
        unsigned m = cmyk[4 * i + 1];
        unsigned y = cmyk[4 * i + 2];
        unsigned k = cmyk[4 * i + 3];
        if (!inverted) {
            c = 255 - c;
            m = 255 - m;
            y = 255 - y;
            k = 255 - k;
        }
        // Now each value is 255 - ink: R = (1 - C)(1 - K).
        rgb[3 * i] = static_cast<std::uint8_t>((c * k + 127) / 255);
        rgb[3 * i + 1] = static_cast<std::uint8_t>((m * k + 127) / 255);
        rgb[3 * i + 2] = static_cast<std::uint8_t>((y * k + 127) / 255);
    }
}

core::errc run_decode(DecodeState& s, std::string_view bytes, const ImageLimits& limits) {
    install_error_manager(s.err);
    s.cinfo.err = &s.err.pub;
    if (setjmp(s.err.jump) != 0) {
        const int code = s.err.pub.msg_code;
        return code == JERR_OUT_OF_MEMORY || code == JERR_NO_BACKING_STORE
                   ? core::errc::too_large
                   : core::errc::invalid_argument;
    }
    jpeg_create_decompress(&s.cinfo);
    s.created = true;
    s.progress.progress_monitor = on_progress;
    s.cinfo.progress = &s.progress;
    jpeg_mem_src(&s.cinfo, reinterpret_cast<const unsigned char*>(bytes.data()),
                 static_cast<unsigned long>(bytes.size()));
    // APP1 holds EXIF (and XMP): kept so that a photo taken sideways is shown upright. What
    // libjpeg keeps is bounded by the encoded size, itself bounded by limits.max_bytes.
    jpeg_save_markers(&s.cinfo, JPEG_APP0 + 1, 0xFFFF);
    if (jpeg_read_header(&s.cinfo, TRUE) != JPEG_HEADER_OK) {
        return core::errc::invalid_argument;
    }
    for (jpeg_saved_marker_ptr m = s.cinfo.marker_list; m != nullptr; m = m->next) {
        if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 &&
            std::memcmp(m->data, "Exif\0\0", 6) == 0) {
            s.orientation = exif_orientation(m->data, m->data_length);
            break;  // the first EXIF segment is the one viewers read
        }
    }
    // The SOF dimensions, before anything the size of the image is allocated.
    const core::errc dims = check_dimensions(s.cinfo.image_width, s.cinfo.image_height, limits);
    if (dims != core::errc::ok) {
        return dims;
    }
    const bool cmyk = s.cinfo.num_components == 4;
    if (s.cinfo.num_components != 1 && s.cinfo.num_components != 3 && !cmyk) {
        return core::errc::invalid_argument;
    }
    s.cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_RGB;
    // Whole-image buffers (progressive coefficients) are bounded by the pixel limit: at most
    // 4 components of 2-byte coefficients each, plus slack for block padding and tables.
    s.cinfo.mem->max_memory_to_use = static_cast<long>(
        std::min<std::uint64_t>(limits.max_pixels, 1ull << 36) * 10 + (64u << 20));
    jpeg_start_decompress(&s.cinfo);
    const std::size_t width = s.cinfo.output_width;
    const std::size_t height = s.cinfo.output_height;
    if (check_dimensions(width, height, limits) != core::errc::ok ||
        s.cinfo.output_components != (cmyk ? 4 : 3)) {
        return core::errc::invalid_argument;
    }
    s.image.width = static_cast<int>(width);
    s.image.height = static_cast<int>(height);
    s.image.rgb.resize(width * height * 3);
    if (cmyk) {
        s.cmyk_row.resize(width * 4);
    }
    while (s.cinfo.output_scanline < height) {
        const std::size_t y = s.cinfo.output_scanline;
        JSAMPROW row = cmyk ? s.cmyk_row.data() : s.image.rgb.data() + y * width * 3;
        if (jpeg_read_scanlines(&s.cinfo, &row, 1) != 1) {
            return core::errc::invalid_argument;  // suspension: cannot happen with a memory source
        }
        if (cmyk) {
            cmyk_to_rgb(s.cmyk_row.data(), s.image.rgb.data() + y * width * 3, width,
                        s.cinfo.saw_Adobe_marker != 0);
        }
    }
    jpeg_finish_decompress(&s.cinfo);
    return core::errc::ok;
}

struct EncodeState {
    jpeg_compress_struct cinfo{};
    ErrorManager err{};
    bool created = false;
    unsigned char* out = nullptr;  // malloc()ed by jpeg_mem_dest
    unsigned long out_size = 0;

    EncodeState() = default;
    EncodeState(const EncodeState&) = delete;
    EncodeState& operator=(const EncodeState&) = delete;
    ~EncodeState() {
        if (created) {
            jpeg_destroy_compress(&cinfo);
        }
        std::free(out);
    }
};

core::errc run_encode(EncodeState& s, const std::uint8_t* pixels, int width, int height,
                      int channels, int quality) {
    install_error_manager(s.err);
    s.cinfo.err = &s.err.pub;
    if (setjmp(s.err.jump) != 0) {
        return core::errc::internal;
    }
    jpeg_create_compress(&s.cinfo);
    s.created = true;
    jpeg_mem_dest(&s.cinfo, &s.out, &s.out_size);
    s.cinfo.image_width = static_cast<JDIMENSION>(width);
    s.cinfo.image_height = static_cast<JDIMENSION>(height);
    s.cinfo.input_components = channels;
    s.cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&s.cinfo);
    jpeg_set_quality(&s.cinfo, quality, TRUE);
    // No JFIF density, EXIF or comments: the preview carries pixels only.
    jpeg_start_compress(&s.cinfo, TRUE);
    const std::size_t stride = static_cast<std::size_t>(width) * static_cast<std::size_t>(channels);
    while (s.cinfo.next_scanline < s.cinfo.image_height) {
        // libjpeg's API is not const-correct; it only reads the row.
        JSAMPROW row = const_cast<JSAMPROW>(pixels + s.cinfo.next_scanline * stride);
        jpeg_write_scanlines(&s.cinfo, &row, 1);
    }
    jpeg_finish_compress(&s.cinfo);
    return core::errc::ok;
}

}  // namespace

core::result<Image> decode_jpeg(std::string_view bytes, const ImageLimits& limits) {
    DecodeState state;
    const core::errc rc = run_decode(state, bytes, limits);
    if (rc != core::errc::ok) {
        return rc;
    }
    apply_orientation(state.image, state.orientation);
    return std::move(state.image);
}

core::result<std::string> encode_jpeg(const std::uint8_t* pixels, int width, int height,
                                      int channels, int quality) {
    EncodeState state;
    const core::errc rc = run_encode(state, pixels, width, height, channels, quality);
    if (rc != core::errc::ok) {
        return rc;
    }
    return std::string(reinterpret_cast<const char*>(state.out), state.out_size);
}

}  // namespace segnala::media::detail
