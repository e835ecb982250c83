#include "app/signer.hpp"

#include "crypto/random.hpp"

namespace segnala::app {

namespace {
constexpr std::size_t kMacBytes = 16;  // 32 hex digits
}

Signer::Signer(std::string_view key) : mac_(key) {}

std::string Signer::sign(std::string_view value) const {
    std::string out(value);
    out += '.';
    out += mac_.hex(value, kMacBytes);
    return out;
}

std::optional<std::string> Signer::open(std::string_view signed_value) const {
    const auto dot = signed_value.rfind('.');
    if (dot == std::string_view::npos || signed_value.size() - dot - 1 != 2 * kMacBytes) {
        return std::nullopt;
    }
    const std::string_view value = signed_value.substr(0, dot);
    if (!crypto::equal(mac_.hex(value, kMacBytes), signed_value.substr(dot + 1))) {
        return std::nullopt;
    }
    return std::string(value);
}

}  // namespace segnala::app
