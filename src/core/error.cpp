#include "core/error.hpp"

namespace segnala::core {
namespace {

class Category final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "segnala"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::ok:
                return "success";
            case errc::not_found:
                return "not found";
            case errc::conflict:
                return "conflict";
            case errc::invalid_argument:
                return "invalid argument";
            case errc::permission_denied:
                return "permission denied";
            case errc::unauthenticated:
                return "unauthenticated";
            case errc::unavailable:
                return "service unavailable";
            case errc::internal:
                return "internal error";
            case errc::rate_limited:
                return "rate limited";
            case errc::too_large:
                return "too large";
            case errc::unsupported_media_type:
                return "unsupported media type";
            case errc::expired:
                return "expired";
            case errc::version_mismatch:
                return "version mismatch";
        }
        return "unknown error";
    }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

std::string error_name(errc e) {
    switch (e) {
        case errc::ok:
            return "ok";
        case errc::not_found:
            return "not_found";
        case errc::conflict:
            return "conflict";
        case errc::invalid_argument:
            return "invalid_argument";
        case errc::permission_denied:
            return "permission_denied";
        case errc::unauthenticated:
            return "unauthenticated";
        case errc::unavailable:
            return "unavailable";
        case errc::internal:
            return "internal";
        case errc::rate_limited:
            return "rate_limited";
        case errc::too_large:
            return "too_large";
        case errc::unsupported_media_type:
            return "unsupported_media_type";
        case errc::expired:
            return "expired";
        case errc::version_mismatch:
            return "version_mismatch";
    }
    return "unknown";
}

}  // namespace segnala::core
