#include "crypto/random.hpp"

#include <algorithm>
#include <cstring>

#include <sodium.h>

#include "crypto/sodium.hpp"

namespace segnala::crypto {
namespace {

// Every randombytes_buf() call is a getrandom() system call, and system calls are costly on
// virtual machines: a report needs two dozen small random values (code symbols, nonces). A
// per-thread pool refilled 512 bytes at a time from the same source serves them with one call.
// Served bytes are wiped from the pool. The process never forks without exec, so no two
// processes can share a pool's state.
struct Pool {
    unsigned char buf[512];
    std::size_t pos = sizeof buf;
    ~Pool() { sodium_memzero(buf, sizeof buf); }
};
thread_local Pool pool;

void fill(void* out, std::size_t n) {
    auto* o = static_cast<unsigned char*>(out);
    if (n >= sizeof pool.buf) {
        randombytes_buf(o, n);
        return;
    }
    while (n > 0) {
        if (pool.pos == sizeof pool.buf) {
            randombytes_buf(pool.buf, sizeof pool.buf);
            pool.pos = 0;
        }
        const std::size_t take = std::min(n, sizeof pool.buf - pool.pos);
        std::memcpy(o, pool.buf + pool.pos, take);
        sodium_memzero(pool.buf + pool.pos, take);
        pool.pos += take;
        o += take;
        n -= take;
    }
}

}  // namespace

std::string random_bytes(std::size_t n) {
    detail::ensure_sodium();
    std::string out(n, '\0');
    if (n > 0) {
        fill(out.data(), n);
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
    // Rejection sampling removes the modulo bias: values below 2^32 mod n are redrawn.
    const std::uint32_t floor = static_cast<std::uint32_t>(-n) % n;
    for (;;) {
        std::uint32_t r = 0;
        fill(&r, sizeof r);
        if (r >= floor) {
            return r % n;
        }
    }
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
