#include "crypto/random.hpp"

#include <sodium.h>

#include "crypto/sodium.hpp"

namespace segnala::crypto {

std::string random_bytes(std::size_t n) {
    detail::ensure_sodium();
    std::string out(n, '\0');
    if (n > 0) {
        randombytes_buf(out.data(), n);
    }
    return out;
}

std::string random_token(std::size_t bytes) {
    return base64url_encode(random_bytes(bytes));
}

std::uint32_t uniform(std::uint32_t n) {
    if (n == 0) {
        return 0;
    }
    detail::ensure_sodium();
    return randombytes_uniform(n);
}

bool equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    if (a.empty()) {
        return true;
    }
    detail::ensure_sodium();
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64url_encode(std::string_view bytes) {
    detail::ensure_sodium();
    constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), kVariant);
    out.resize(out.size() - 1);  // the encoder writes a terminating NUL
    return out;
}

core::result<std::string> base64url_decode(std::string_view text) {
    detail::ensure_sodium();
    std::string out;
    out.assign(text.size() * 3 / 4 + 1, '\0');
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                          text.size(), nullptr, &len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != text.data() + text.size()) {
        return core::errc::invalid_argument;
    }
    out.resize(len);
    return out;
}

}  // namespace segnala::crypto
