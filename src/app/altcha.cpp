#include "app/altcha.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"

namespace segnala::app {
namespace {

using core::errc;

constexpr std::string_view kAlgorithm = "SHA-256";
constexpr std::size_t kSaltRandomBytes = 12;
constexpr std::size_t kMaxSaltBytes = 256;
constexpr std::size_t kHexSha256 = 64;

// Standard base64 with padding (RFC 4648 §4), as the browser's btoa() writes it. Strict: no
// whitespace, padding only at the end.
std::optional<std::string> base64_decode(std::string_view in) {
    if (in.empty() || in.size() % 4 != 0) {
        return std::nullopt;
    }
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '+' ? 62 : c == '/' ? 63 : -1;
    };
    std::size_t pad = in.ends_with("==") ? 2 : in.ends_with('=') ? 1 : 0;
    std::string out;
    out.reserve(in.size() / 4 * 3);
    std::uint32_t acc = 0;
    for (std::size_t i = 0; i < in.size() - pad; ++i) {
        int v = value(in[i]);
        if (v < 0) {
            return std::nullopt;
        }
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        if (i % 4 == 3) {
            out.push_back(static_cast<char>(acc >> 16));
            out.push_back(static_cast<char>(acc >> 8));
            out.push_back(static_cast<char>(acc));
            acc = 0;
        }
    }
    if (pad == 2) {
        if ((acc & 0xf) != 0) {
            return std::nullopt;  // non-canonical trailing bits
        }
        out.push_back(static_cast<char>(acc >> 4));
    } else if (pad == 1) {
        if ((acc & 0x3) != 0) {
            return std::nullopt;
        }
        out.push_back(static_cast<char>(acc >> 10));
        out.push_back(static_cast<char>(acc >> 2));
    }
    return out;
}

bool is_lower_hex(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The "expires" parameter of a salt like "<hex>?expires=1700000600&x=y".
std::optional<std::int64_t> salt_expiry(std::string_view salt) {
    auto q = salt.find('?');
    if (q == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view params = salt.substr(q + 1);
    while (!params.empty()) {
        std::string_view p = params.substr(0, params.find('&'));
        params.remove_prefix(std::min(params.size(), p.size() + 1));
        if (p.starts_with("expires=")) {
            std::string_view digits = p.substr(8);
            std::int64_t v = 0;
            auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
            if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
                v <= 0) {
                return std::nullopt;
            }
            return v;
        }
    }
    return std::nullopt;
}

std::string challenge_of(std::string_view salt, std::uint64_t number) {
    return crypto::sha256_hex(std::string(salt) + std::to_string(number));
}

struct Solution {
    std::string challenge;
    std::string salt;
    std::string signature;
    std::uint64_t number = 0;
};

// Shape checks only; nothing here is trusted yet.
std::optional<Solution> parse_solution(std::string_view payload_b64, std::int64_t max_number) {
    if (payload_b64.size() > kMaxAltchaPayloadBytes) {
        return std::nullopt;
    }
    auto text = base64_decode(payload_b64);
    if (!text) {
        return std::nullopt;
    }
    auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) {
        return std::nullopt;  // also a discarded (malformed) document
    }
    auto str = [&j](const char* key) -> std::optional<std::string> {
        auto it = j.find(key);
        if (it == j.end() || !it->is_string()) {
            return std::nullopt;
        }
        return it->get<std::string>();
    };
    auto algorithm = str("algorithm");
    auto challenge = str("challenge");
    auto salt = str("salt");
    auto signature = str("signature");
    auto number = j.find("number");
    if (!algorithm || *algorithm != kAlgorithm || !challenge || challenge->size() != kHexSha256 ||
        !is_lower_hex(*challenge) || !salt || salt->empty() || salt->size() > kMaxSaltBytes ||
        !signature || signature->size() != kHexSha256 || number == j.end() ||
        !number->is_number_unsigned()) {
        return std::nullopt;
    }
    std::uint64_t n = number->get<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(max_number)) {
        return std::nullopt;
    }
    return Solution{std::move(*challenge), std::move(*salt), std::move(*signature), n};
}

}  // namespace

Altcha::Altcha(std::string hmac_key, store::Store& store, const core::Clock& clock,
               AltchaSettings s)
    : key_(std::move(hmac_key)), store_(store), clock_(clock), settings_(s) {
    // crypto::uniform draws below 2^32 - 1; the widget counts in JavaScript numbers.
    settings_.max_number = std::clamp<std::int64_t>(settings_.max_number, 1,
                                                    std::numeric_limits<std::uint32_t>::max() - 1);
    settings_.ttl_seconds = std::max<std::int64_t>(settings_.ttl_seconds, 1);
}

std::string Altcha::challenge_json() const {
    std::string salt = crypto::hex_encode(crypto::random_bytes(kSaltRandomBytes)) +
                       "?expires=" + std::to_string(clock_.now_unix() + settings_.ttl_seconds);
    std::uint64_t number = crypto::uniform(static_cast<std::uint32_t>(settings_.max_number + 1));
    std::string challenge = challenge_of(salt, number);
    std::string signature = crypto::hex_encode(crypto::hmac_sha256(key_, challenge));
    nlohmann::json j = {{"algorithm", kAlgorithm},
                        {"challenge", challenge},
                        {"maxnumber", settings_.max_number},
                        {"salt", salt},
                        {"signature", signature}};
    return j.dump();
}

core::result<void> Altcha::verify(std::string_view payload_b64) {
    auto s = parse_solution(payload_b64, settings_.max_number);
    if (!s) {
        return errc::invalid_argument;
    }
    // The signature proves we issued `challenge`; the hash proves salt (with its expiry) and
    // number belong to it. Compare in constant time: the expected values are secret-derived.
    std::string expected_signature = crypto::hex_encode(crypto::hmac_sha256(key_, s->challenge));
    if (!crypto::equal(expected_signature, s->signature) ||
        !crypto::equal(challenge_of(s->salt, s->number), s->challenge)) {
        return errc::invalid_argument;
    }
    auto expires = salt_expiry(s->salt);
    if (!expires) {
        return errc::invalid_argument;
    }
    if (clock_.now_unix() > *expires) {
        return errc::expired;
    }
    // Spent once across instances. The window is the expiry (not 0) so that the throttle
    // purge, which drops windows older than a week, cannot forget a challenge still valid.
    SEGNALA_TRY(hits, store_.throttle_hit("altcha:" + s->challenge, *expires));
    if (hits != 1) {
        return errc::conflict;
    }
    return core::success();
}

}  // namespace segnala::app
