// Hexadecimal digits: the one decoder used by percent-decoding, IP parsing and hex strings.
#pragma once

namespace segnala::core {

/// Value of a hexadecimal digit (either case), or -1 when `c` is not one.
constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

}  // namespace segnala::core
