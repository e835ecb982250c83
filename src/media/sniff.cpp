#include "media/sniff.hpp"

#include <cstddef>
#include <cstring>

#include <magic.h>

namespace segnala::media {
namespace {

// One libmagic cookie per thread: magic_t is not thread-safe, and opening one costs a load of
// the compiled database, so it is kept for the life of the thread.
class MagicHandle {
  public:
    MagicHandle() {
        // MIME type only; skip every builtin test that is not an image signature (compressed
        // files, archives, ELF, CDF, text encodings, JSON, CSV), so hostile bytes reach as
        // little libmagic code as possible.
        constexpr int kFlags = MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS |
                               MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_CDF |
                               MAGIC_NO_CHECK_ENCODING | MAGIC_NO_CHECK_TEXT | MAGIC_NO_CHECK_JSON |
                               MAGIC_NO_CHECK_CSV | MAGIC_NO_CHECK_APPTYPE | MAGIC_NO_CHECK_TOKENS |
                               MAGIC_NO_COMPRESS_FORK;
        cookie_ = magic_open(kFlags);
        if (cookie_ != nullptr && magic_load(cookie_, nullptr) != 0) {
            magic_close(cookie_);
            cookie_ = nullptr;
        }
    }
    ~MagicHandle() {
        if (cookie_ != nullptr) {
            magic_close(cookie_);
        }
    }
    MagicHandle(const MagicHandle&) = delete;
    MagicHandle& operator=(const MagicHandle&) = delete;

    magic_t get() const noexcept { return cookie_; }

  private:
    magic_t cookie_ = nullptr;
};

bool starts_with(std::string_view bytes, std::string_view prefix) {
    return bytes.substr(0, prefix.size()) == prefix;
}

// The format's own signature, checked in addition to libmagic's verdict.
bool signature_matches(std::string_view bytes, ImageType type) {
    switch (type) {
        case ImageType::png:
            return starts_with(bytes, std::string_view("\x89PNG\r\n\x1a\n", 8));
        case ImageType::jpeg:
            return starts_with(bytes, "\xFF\xD8\xFF");
        case ImageType::webp:
            return bytes.size() >= 16 && starts_with(bytes, "RIFF") && bytes.substr(8, 4) == "WEBP";
    }
    return false;
}

}  // namespace

core::result<ImageType> sniff_image(std::string_view bytes) {
    if (bytes.empty()) {
        return core::errc::unsupported_media_type;
    }
    thread_local MagicHandle handle;
    if (handle.get() == nullptr) {
        return core::errc::internal;
    }
    const std::string_view head = bytes.substr(0, kSniffBytes);
    const char* mime = magic_buffer(handle.get(), head.data(), head.size());
    if (mime == nullptr) {
        return core::errc::unsupported_media_type;
    }
    const std::string_view m(mime);
    for (ImageType type : {ImageType::png, ImageType::jpeg, ImageType::webp}) {
        if (m == mime_of(type)) {
            if (signature_matches(bytes, type)) {
                return type;
            }
            break;
        }
    }
    return core::errc::unsupported_media_type;
}

std::string_view mime_of(ImageType type) noexcept {
    switch (type) {
        case ImageType::png:
            return "image/png";
        case ImageType::jpeg:
            return "image/jpeg";
        case ImageType::webp:
            return "image/webp";
    }
    return "application/octet-stream";
}

std::string_view name_of(ImageType type) noexcept {
    switch (type) {
        case ImageType::png:
            return "png";
        case ImageType::jpeg:
            return "jpeg";
        case ImageType::webp:
            return "webp";
    }
    return "unknown";
}

}  // namespace segnala::media
