#include "crypto/hash.hpp"

#include <algorithm>
#include <stdexcept>

#include <sodium.h>

#include "core/hex.hpp"
#include "crypto/sodium.hpp"

namespace segnala::crypto {
namespace {

const unsigned char* bytes_of(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

unsigned char* bytes_of(std::string& s) {
    return reinterpret_cast<unsigned char*>(s.data());
}

void require_key(std::string_view key, const char* what) {
    if (key.size() != kKeyBytes) {
        throw std::invalid_argument(std::string(what) + ": key must be 32 bytes");
    }
}

std::string blake2b(std::string_view key, std::string_view data, std::size_t out_bytes) {
    detail::ensure_sodium();
    out_bytes = std::clamp<std::size_t>(out_bytes, crypto_generichash_BYTES_MIN,
                                        crypto_generichash_BYTES_MAX);
    std::string out(out_bytes, '\0');
    crypto_generichash(bytes_of(out), out.size(), bytes_of(data), data.size(), bytes_of(key),
                       key.size());
    return out;
}

}  // namespace

std::string sha256(std::string_view data) {
    detail::ensure_sodium();
    std::string out(crypto_hash_sha256_BYTES, '\0');
    crypto_hash_sha256(bytes_of(out), bytes_of(data), data.size());
    return out;
}

std::string sha256_hex(std::string_view data) {
    return hex_encode(sha256(data));
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
    detail::ensure_sodium();
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, bytes_of(key), key.size());
    crypto_auth_hmacsha256_update(&state, bytes_of(message), message.size());
    std::string out(crypto_auth_hmacsha256_BYTES, '\0');
    crypto_auth_hmacsha256_final(&state, bytes_of(out));
    sodium_memzero(&state, sizeof state);
    return out;
}

std::string hex_encode(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char b : bytes) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0x0f]);
    }
    return out;
}

core::result<std::string> hex_decode(std::string_view hex) {
    if (hex.size() % 2 != 0) {
        return core::errc::invalid_argument;
    }
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = core::hex_value(hex[i]);
        const int lo = core::hex_value(hex[i + 1]);
        if (hi < 0 || lo < 0) {
            return core::errc::invalid_argument;
        }
        out.push_back(static_cast<char>((hi << 4) | lo));
    }
    return out;
}

std::string derive_key(std::string_view master_key, std::string_view purpose) {
    require_key(master_key, "derive_key");
    std::string label = "segnala/";
    label += purpose;
    return blake2b(master_key, label, kKeyBytes);
}

KeyedHasher::KeyedHasher(std::string_view key) : key_(key) {
    require_key(key, "KeyedHasher");
}

KeyedHasher::~KeyedHasher() {
    sodium_memzero(key_.data(), key_.size());
}

std::string KeyedHasher::digest(std::string_view data, std::size_t out_bytes) const {
    return blake2b(key_, data, out_bytes);
}

std::string KeyedHasher::hex(std::string_view data, std::size_t out_bytes) const {
    return hex_encode(digest(data, out_bytes));
}

DailyRotatingHasher::DailyRotatingHasher(std::string_view master_key) : master_(master_key) {
    require_key(master_key, "DailyRotatingHasher");
}

DailyRotatingHasher::~DailyRotatingHasher() {
    sodium_memzero(master_.data(), master_.size());
}

std::int64_t DailyRotatingHasher::day_number(std::int64_t unix_time) noexcept {
    constexpr std::int64_t kDay = 86'400;
    std::int64_t day = unix_time / kDay;
    if (unix_time % kDay < 0) {
        --day;  // floor, not truncation, before 1970
    }
    return day;
}

std::string DailyRotatingHasher::day_key(std::int64_t day) const {
    return blake2b(master_, "ip-day:" + std::to_string(day), kKeyBytes);
}

std::string DailyRotatingHasher::client_key(std::string_view ip, std::int64_t unix_now) const {
    std::string key = day_key(day_number(unix_now));
    std::string out = hex_encode(blake2b(key, ip, 16));
    sodium_memzero(key.data(), key.size());
    return out;
}

}  // namespace segnala::crypto
