#include "url/hash.hpp"

#include <algorithm>

#include <openssl/sha.h>

#include "core/hex.hpp"

namespace segnala::url {

FullHash full_hash(std::string_view expression) noexcept {
    FullHash hash;
    SHA256(reinterpret_cast<const unsigned char*>(expression.data()), expression.size(),
           hash.data());
    return hash;
}

core::result<std::string> hash_prefix(std::string_view expression, std::size_t prefix_bytes) {
    if (prefix_bytes < 4 || prefix_bytes > 32) {
        return core::errc::invalid_argument;
    }
    FullHash hash = full_hash(expression);
    return std::string(reinterpret_cast<const char*>(hash.data()), prefix_bytes);
}

std::string to_hex(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.resize(bytes.size() * 2);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        auto b = static_cast<unsigned char>(bytes[i]);
        hex[2 * i] = kHex[b >> 4];
        hex[2 * i + 1] = kHex[b & 0xF];
    }
    return hex;
}

std::string to_hex(const FullHash& hash) {
    return to_hex(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
}

core::result<std::string> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) {
        return core::errc::invalid_argument;
    }
    std::string bytes(hex.size() / 2, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        int hi = core::hex_value(hex[2 * i]);
        int lo = core::hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return core::errc::invalid_argument;
        }
        bytes[i] = static_cast<char>(hi << 4 | lo);
    }
    return bytes;
}

FullHash list_checksum(std::vector<std::string> prefixes) {
    std::sort(prefixes.begin(), prefixes.end());
    std::string joined;
    for (const std::string& p : prefixes) {
        joined += p;
    }
    return full_hash(joined);
}

}  // namespace segnala::url
