#include "crypto/totp.hpp"

#include <array>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/random.hpp"

namespace segnala::crypto {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int base32_value(char c) {
    if (c >= 'a' && c <= 'z') {
        c = static_cast<char>(c - 'a' + 'A');
    }
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= '2' && c <= '7') {
        return c - '2' + 26;
    }
    return -1;
}

std::string percent_encode(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0x0f]);
        }
    }
    return out;
}

std::uint32_t pow10(int digits) {
    std::uint32_t p = 1;
    for (int i = 0; i < digits; ++i) {
        p *= 10;
    }
    return p;
}

}  // namespace

std::string base32_encode(std::string_view bytes, bool pad) {
    std::string out;
    out.reserve((bytes.size() + 4) / 5 * 8);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 0x1f]);
            bits -= 5;
        }
    }
    if (bits > 0) {
        out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 0x1f]);
    }
    if (pad) {
        while (out.size() % 8 != 0) {
            out.push_back('=');
        }
    }
    return out;
}

core::result<std::string> base32_decode(std::string_view text) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    std::size_t symbols = 0;
    bool padding = false;
    for (char c : text) {
        if (c == ' ' || c == '-') {
            continue;
        }
        if (c == '=') {
            padding = true;
            continue;
        }
        const int v = base32_value(c);
        if (v < 0 || padding) {
            return core::errc::invalid_argument;  // foreign character, or data after padding
        }
        ++symbols;
        buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
        bits += 5;
        if (bits >= 8) {
            out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
            bits -= 8;
        }
    }
    // A final group of 1, 3 or 6 symbols cannot come from whole bytes.
    const std::size_t rest = symbols % 8;
    if (rest == 1 || rest == 3 || rest == 6) {
        return core::errc::invalid_argument;
    }
    return out;
}

std::string new_totp_secret() {
    return random_bytes(kTotpSecretBytes);
}

std::string hotp(std::string_view secret, std::uint64_t counter, int digits, TotpHash hash) {
    std::array<unsigned char, 8> msg{};
    for (int i = 7; i >= 0; --i) {
        msg[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xff);
        counter >>= 8;
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int mac_len = 0;
    const EVP_MD* md = hash == TotpHash::sha256   ? EVP_sha256()
                       : hash == TotpHash::sha512 ? EVP_sha512()
                                                  : EVP_sha1();
    HMAC(md, secret.data(), static_cast<int>(secret.size()), msg.data(), msg.size(), mac.data(),
         &mac_len);
    // RFC 4226 §5.3 dynamic truncation.
    const unsigned offset = mac[mac_len - 1] & 0x0f;
    const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                                 (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                                 (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                                 static_cast<std::uint32_t>(mac[offset + 3]);
    if (digits < 6 || digits > 9) {
        digits = kTotpDigits;
    }
    std::string code = std::to_string(binary % pow10(digits));
    return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::int64_t totp_step(std::int64_t unix_time) noexcept {
    std::int64_t step = unix_time / kTotpStepSeconds;
    if (unix_time % kTotpStepSeconds < 0) {
        --step;
    }
    return step;
}

std::string totp(std::string_view secret, std::int64_t unix_time, int digits, TotpHash hash) {
    return hotp(secret, static_cast<std::uint64_t>(totp_step(unix_time)), digits, hash);
}

std::optional<std::int64_t> verify_totp(std::string_view secret, std::string_view code,
                                        std::int64_t unix_now, std::int64_t last_used_step,
                                        int window, int digits) {
    std::string typed;
    for (char c : code) {
        if (c == ' ') {
            continue;
        }
        if (c < '0' || c > '9' || typed.size() >= 16) {
            return std::nullopt;
        }
        typed.push_back(c);
    }
    if (typed.size() != static_cast<std::size_t>(digits) || window < 0) {
        return std::nullopt;
    }
    const std::int64_t now = totp_step(unix_now);
    std::optional<std::int64_t> matched;
    // Check every candidate so the time taken does not tell which step matched.
    for (std::int64_t step = now - window; step <= now + window; ++step) {
        if (step < 0) {
            continue;
        }
        const bool same = equal(hotp(secret, static_cast<std::uint64_t>(step), digits), typed);
        if (same && step > last_used_step && !matched) {
            matched = step;
        }
    }
    return matched;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret) {
    std::string uri = "otpauth://totp/";
    uri += percent_encode(issuer);
    uri += ':';
    uri += percent_encode(account);
    uri += "?secret=";
    uri += base32_encode(secret, false);
    uri += "&issuer=";
    uri += percent_encode(issuer);
    uri += "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
           "&period=" + std::to_string(kTotpStepSeconds);
    return uri;
}

}  // namespace segnala::crypto
