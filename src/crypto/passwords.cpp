#include "crypto/passwords.hpp"

#include <sodium.h>

#include "crypto/random.hpp"
#include "crypto/sodium.hpp"

namespace segnala::crypto {
namespace {

struct Limits {
    unsigned long long ops;
    std::size_t mem;
};

Limits limits_of(PasswordCost cost) {
    switch (cost) {
        case PasswordCost::moderate:
            return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE,
                    crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
        case PasswordCost::test_fast:
            return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
        case PasswordCost::interactive:
            break;
    }
    return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

constexpr std::string_view kArgon2idPrefix = "$argon2id$";

}  // namespace

core::result<std::string> hash_password(std::string_view password, PasswordCost cost) {
    if (password.size() > kMaxPasswordBytes) {
        return core::errc::invalid_argument;
    }
    detail::ensure_sodium();
    const Limits limits = limits_of(cost);
    char out[crypto_pwhash_argon2id_STRBYTES];
    if (crypto_pwhash_argon2id_str(out, password.data(), password.size(), limits.ops, limits.mem) !=
        0) {
        return core::errc::internal;
    }
    return std::string(out);
}

bool verify_password(std::string_view hash, std::string_view password) {
    if (password.size() > kMaxPasswordBytes || hash.size() >= crypto_pwhash_argon2id_STRBYTES ||
        !hash.starts_with(kArgon2idPrefix)) {
        return false;
    }
    detail::ensure_sodium();
    const std::string terminated(hash);  // libsodium wants a NUL-terminated string
    return crypto_pwhash_argon2id_str_verify(terminated.c_str(), password.data(),
                                             password.size()) == 0;
}

bool password_needs_rehash(std::string_view hash, PasswordCost cost) {
    if (hash.size() >= crypto_pwhash_argon2id_STRBYTES || !hash.starts_with(kArgon2idPrefix)) {
        return true;
    }
    detail::ensure_sodium();
    const Limits limits = limits_of(cost);
    const std::string terminated(hash);
    return crypto_pwhash_argon2id_str_needs_rehash(terminated.c_str(), limits.ops, limits.mem) != 0;
}

std::string generate_password() {
    static constexpr std::string_view kAlphabet = "23456789abcdefghjkmnpqrstuvwxyz";
    static_assert(kAlphabet.size() == 31);
    constexpr int kGroups = 3;
    constexpr int kGroupSize = 6;
    std::string out;
    out.reserve(kGroups * (kGroupSize + 1));
    for (int g = 0; g < kGroups; ++g) {
        if (g > 0) {
            out.push_back('-');
        }
        for (int i = 0; i < kGroupSize; ++i) {
            out.push_back(kAlphabet[uniform(static_cast<std::uint32_t>(kAlphabet.size()))]);
        }
    }
    return out;
}

}  // namespace segnala::crypto
