#include "url/host.hpp"

#include "core/hex.hpp"

namespace segnala::url {
namespace {

constexpr std::uint64_t kNumberCap = 0xFFFFFFFFull;

// One IPv4 part: "0x.." hex (no digits means 0, as WHATWG reads "0x"), "0.." octal,
// else decimal. Values above 32 bits are refused rather than wrapped.
std::optional<std::uint64_t> parse_ipv4_part(std::string_view part) noexcept {
    if (part.empty()) {
        return std::nullopt;
    }
    unsigned base = 10;
    if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
        base = 16;
        part.remove_prefix(2);
    } else if (part.size() >= 2 && part[0] == '0') {
        base = 8;
        part.remove_prefix(1);
    }
    std::uint64_t value = 0;
    for (char c : part) {
        int digit = core::hex_value(c);
        if (digit < 0 || static_cast<unsigned>(digit) >= base) {
            return std::nullopt;
        }
        value = value * base + static_cast<unsigned>(digit);
        if (value > kNumberCap) {
            return std::nullopt;
        }
    }
    return value;
}

bool is_decimal_quad(std::string_view text) noexcept {
    int dots = 0;
    bool digit_seen = false;
    for (char c : text) {
        if (c == '.') {
            if (!digit_seen) {
                return false;
            }
            ++dots;
            digit_seen = false;
        } else if (c >= '0' && c <= '9') {
            digit_seen = true;
        } else {
            return false;
        }
    }
    return dots == 3 && digit_seen;
}

}  // namespace

std::optional<std::uint32_t> parse_ipv4(std::string_view host) noexcept {
    if (host.empty() || host.size() > 64) {
        return std::nullopt;
    }
    if (auto space = host.find(' '); space != std::string_view::npos) {
        if (host.size() > 15 || !is_decimal_quad(host.substr(0, space))) {
            return std::nullopt;
        }
        host = host.substr(0, space);
    }
    std::uint64_t parts[4];
    std::size_t count = 0;
    std::size_t begin = 0;
    while (true) {
        std::size_t dot = host.find('.', begin);
        std::string_view piece = host.substr(
            begin, dot == std::string_view::npos ? std::string_view::npos : dot - begin);
        if (count == 4) {
            return std::nullopt;
        }
        auto value = parse_ipv4_part(piece);
        if (!value) {
            return std::nullopt;
        }
        parts[count++] = *value;
        if (dot == std::string_view::npos) {
            break;
        }
        begin = dot + 1;
    }
    std::uint32_t address = 0;
    for (std::size_t i = 0; i + 1 < count; ++i) {
        address |= static_cast<std::uint32_t>(parts[i] & 0xFF) << (24 - 8 * i);
    }
    const std::size_t last_bytes = 5 - count;
    const std::uint64_t last = parts[count - 1];
    if (last_bytes < 4 && last >= (std::uint64_t{1} << (8 * last_bytes))) {
        return std::nullopt;
    }
    return address | static_cast<std::uint32_t>(last);
}

void append_ipv4(std::uint32_t address, std::string& out) {
    char buffer[16];
    char* p = buffer;
    for (int shift = 24; shift >= 0; shift -= 8) {
        unsigned byte = (address >> shift) & 0xFF;
        if (byte >= 100) {
            *p++ = static_cast<char>('0' + byte / 100);
        }
        if (byte >= 10) {
            *p++ = static_cast<char>('0' + byte / 10 % 10);
        }
        *p++ = static_cast<char>('0' + byte % 10);
        if (shift != 0) {
            *p++ = '.';
        }
    }
    out.append(buffer, p);
}

std::optional<Ipv6Address> parse_ipv6(std::string_view text) noexcept {
    std::uint16_t pieces[8] = {};
    int count = 0;
    int compress = -1;
    std::size_t i = 0;
    if (text.empty()) {
        return std::nullopt;
    }
    if (text[0] == ':') {
        if (text.size() < 2 || text[1] != ':') {
            return std::nullopt;
        }
        i = 2;
        compress = 0;
    }
    while (i < text.size()) {
        if (count == 8) {
            return std::nullopt;
        }
        if (text[i] == ':') {
            if (compress >= 0) {
                return std::nullopt;
            }
            ++i;
            compress = count;
            continue;
        }
        std::size_t start = i;
        unsigned value = 0;
        while (i < text.size() && i - start < 4 && core::hex_value(text[i]) >= 0) {
            value = value * 16 + static_cast<unsigned>(core::hex_value(text[i]));
            ++i;
        }
        if (i < text.size() && text[i] == '.') {
            // Trailing dotted quad: strict decimal, four parts, no leading zeros.
            if (count > 6) {
                return std::nullopt;
            }
            i = start;
            for (int part = 0; part < 4; ++part) {
                if (part > 0) {
                    if (i >= text.size() || text[i] != '.') {
                        return std::nullopt;
                    }
                    ++i;
                }
                std::size_t digits_start = i;
                unsigned octet = 0;
                while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
                    if (i > digits_start && text[digits_start] == '0') {
                        return std::nullopt;
                    }
                    octet = octet * 10 + static_cast<unsigned>(text[i] - '0');
                    if (octet > 255) {
                        return std::nullopt;
                    }
                    ++i;
                }
                if (i == digits_start) {
                    return std::nullopt;
                }
                if (part % 2 == 0) {
                    pieces[count] = static_cast<std::uint16_t>(octet << 8);
                } else {
                    pieces[count++] |= static_cast<std::uint16_t>(octet);
                }
            }
            if (i != text.size()) {
                return std::nullopt;
            }
            break;
        }
        if (i == start) {
            return std::nullopt;
        }
        pieces[count++] = static_cast<std::uint16_t>(value);
        if (i < text.size()) {
            if (text[i] != ':') {
                return std::nullopt;
            }
            ++i;
            if (i == text.size()) {
                return std::nullopt;
            }
        }
    }
    if (compress >= 0) {
        int moved = count - compress;
        for (int k = 0; k < moved; ++k) {
            pieces[7 - k] = pieces[count - 1 - k];
        }
        for (int k = compress; k < 8 - moved; ++k) {
            pieces[k] = 0;
        }
        if (count == 8) {
            return std::nullopt;
        }
    } else if (count != 8) {
        return std::nullopt;
    }
    Ipv6Address address{};
    for (int k = 0; k < 8; ++k) {
        address[2 * k] = static_cast<std::uint8_t>(pieces[k] >> 8);
        address[2 * k + 1] = static_cast<std::uint8_t>(pieces[k] & 0xFF);
    }
    return address;
}

void append_ipv6(const Ipv6Address& address, std::string& out) {
    std::uint16_t pieces[8];
    for (int k = 0; k < 8; ++k) {
        pieces[k] = static_cast<std::uint16_t>(address[2 * k] << 8 | address[2 * k + 1]);
    }
    int best_start = -1;
    int best_length = 1;
    for (int k = 0; k < 8;) {
        if (pieces[k] != 0) {
            ++k;
            continue;
        }
        int start = k;
        while (k < 8 && pieces[k] == 0) {
            ++k;
        }
        if (k - start > best_length) {
            best_start = start;
            best_length = k - start;
        }
    }
    static constexpr char kDigits[] = "0123456789abcdef";
    for (int k = 0; k < 8; ++k) {
        if (k == best_start) {
            out += "::";
            k += best_length - 1;
            continue;
        }
        if (k > 0 && k != best_start + best_length) {
            out += ':';
        }
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            unsigned nibble = (pieces[k] >> shift) & 0xF;
            if (nibble != 0 || started || shift == 0) {
                out += kDigits[nibble];
                started = true;
            }
        }
    }
}

std::optional<std::uint32_t> embedded_ipv4(const Ipv6Address& a) noexcept {
    static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    static constexpr std::uint8_t kNat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
    bool mapped = true;
    bool nat64 = true;
    for (int k = 0; k < 12; ++k) {
        mapped = mapped && a[k] == kMapped[k];
        nat64 = nat64 && a[k] == kNat64[k];
    }
    if (!mapped && !nat64) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(a[12]) << 24 | static_cast<std::uint32_t>(a[13]) << 16 |
           static_cast<std::uint32_t>(a[14]) << 8 | a[15];
}

}  // namespace segnala::url
