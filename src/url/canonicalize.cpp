#include "url/canonicalize.hpp"

#include <array>
#include <cstdlib>
#include <cstring>

#include <idn2.h>

#include "url/host.hpp"

namespace segnala::url {
namespace {

using core::errc;

constexpr bool is_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

constexpr int hex_value(char c) noexcept {
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

constexpr bool is_alpha(char c) noexcept {
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

constexpr char to_lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c;
}

constexpr std::array<bool, 256> make_escape_table() {
    std::array<bool, 256> table{};
    for (int b = 0; b < 256; ++b) {
        table[b] = b <= 0x20 || b >= 0x7F || b == '#' || b == '%';
    }
    return table;
}
constexpr std::array<bool, 256> kEscape = make_escape_table();

void append_escaped(std::string_view in, std::string& out) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::size_t run = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        auto byte = static_cast<unsigned char>(in[i]);
        if (kEscape[byte]) {
            out.append(in.data() + run, i - run);
            const char escaped[3] = {'%', kHex[byte >> 4], kHex[byte & 0xF]};
            out.append(escaped, 3);
            run = i + 1;
        }
    }
    out.append(in.data() + run, in.size() - run);
}

// Drops the fragment, the C0/space bytes at both ends and every TAB, CR and LF.
void preclean(std::string_view in, std::string& out) {
    if (auto hash = in.find('#'); hash != std::string_view::npos) {
        in = in.substr(0, hash);
    }
    std::size_t b = 0;
    std::size_t e = in.size();
    while (b < e && static_cast<unsigned char>(in[b]) <= 0x20) {
        ++b;
    }
    while (e > b && static_cast<unsigned char>(in[e - 1]) <= 0x20) {
        --e;
    }
    out.clear();
    std::size_t run = b;
    for (std::size_t i = b; i < e; ++i) {
        char c = in[i];
        if (c == '\t' || c == '\r' || c == '\n') {
            out.append(in.data() + run, i - run);
            run = i + 1;
        }
    }
    out.append(in.data() + run, e - run);
}

// Percent-unescapes until no "%XX" is left. "%XX" matches never overlap ('%' is not a hex
// digit), so the fixpoint is unique; a stack reaches it in one linear pass, where repeated
// passes would be quadratic on "%252525...".
void unescape_fully(std::string_view in, std::string& out) {
    out.clear();
    std::size_t first = in.find('%');
    if (first == std::string_view::npos) {
        out.assign(in);
        return;
    }
    out.reserve(in.size());
    out.assign(in.substr(0, first));
    for (std::size_t i = first; i < in.size(); ++i) {
        out.push_back(in[i]);
        std::size_t n = out.size();
        while (n >= 3 && out[n - 3] == '%' && is_hex(out[n - 2]) && is_hex(out[n - 1])) {
            char decoded = static_cast<char>(hex_value(out[n - 2]) * 16 + hex_value(out[n - 1]));
            out.resize(n - 3);
            out.push_back(decoded);
            n = out.size();
        }
    }
}

bool is_special_scheme(std::string_view scheme) noexcept {
    // Compared case-insensitively; these are the schemes whose authority ends at '\\' too.
    static constexpr std::string_view kSpecial[] = {"http", "https", "ftp", "ws", "wss"};
    for (std::string_view s : kSpecial) {
        if (s.size() == scheme.size()) {
            bool same = true;
            for (std::size_t i = 0; i < s.size(); ++i) {
                same = same && to_lower(scheme[i]) == s[i];
            }
            if (same) {
                return true;
            }
        }
    }
    return false;
}

struct Parts {
    std::string_view scheme = "http";
    bool special = true;
    std::string_view authority;
    std::string_view path;
    std::string_view query;
    bool has_query = false;
};

// Splits the unescaped text. No scheme means http. "host:port/..." is not a scheme.
bool split_parts(std::string_view s, Parts& parts) {
    std::size_t i = 0;
    if (!s.empty() && is_alpha(s[0])) {
        i = 1;
        while (i < s.size() && (is_alpha(s[i]) || (s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
                                s[i] == '-' || s[i] == '.')) {
            ++i;
        }
    }
    std::string_view rest = s;
    if (i > 0 && i < s.size() && s[i] == ':') {
        std::string_view candidate = s.substr(0, i);
        std::string_view after = s.substr(i + 1);
        bool special = is_special_scheme(candidate);
        bool slashes = after.size() >= 2 && after[0] == '/' && after[1] == '/';
        std::size_t digits = 0;
        while (digits < after.size() && after[digits] >= '0' && after[digits] <= '9') {
            ++digits;
        }
        bool looks_like_port = digits > 0 && (digits == after.size() || after[digits] == '/' ||
                                              after[digits] == '?' || after[digits] == '\\');
        if (slashes || special) {
            parts.scheme = candidate;
            parts.special = special;
            rest = after;
            // Two slashes (or, for web schemes, backslashes) introduce the authority; more
            // slashes mean an empty host, which is refused below.
            for (int k = 0; k < 2 && !rest.empty(); ++k) {
                if (rest[0] == '/' || (special && rest[0] == '\\')) {
                    rest.remove_prefix(1);
                } else {
                    break;
                }
            }
        } else if (candidate.find('.') == std::string_view::npos && !looks_like_port) {
            return false;  // mailto:, javascript:, data: ... carry no host
        }
    }
    std::size_t end = 0;
    while (end < rest.size() && rest[end] != '/' && rest[end] != '?' &&
           !(parts.special && rest[end] == '\\')) {
        ++end;
    }
    parts.authority = rest.substr(0, end);
    rest.remove_prefix(end);
    std::size_t q = rest.find('?');
    if (q == std::string_view::npos) {
        parts.path = rest;
    } else {
        parts.path = rest.substr(0, q);
        parts.query = rest.substr(q + 1);
        parts.has_query = true;
    }
    return true;
}

bool parse_port(std::string_view text, std::uint16_t& port) {
    if (text.empty()) {
        port = 0;
        return true;
    }
    std::uint32_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
        if (value > 65535) {
            return false;
        }
    }
    port = static_cast<std::uint16_t>(value);
    return true;
}

bool valid_utf8(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80         ? 1
                          : (c >> 5) == 6  ? 2
                          : (c >> 4) == 14 ? 3
                          : (c >> 3) == 30 ? 4
                                           : 0;
        if (len == 0 || i + len > s.size()) {
            return false;
        }
        for (std::size_t k = 1; k < len; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
                return false;
            }
        }
        i += len;
    }
    return true;
}

// Lowercases ASCII, drops leading and trailing dots and collapses runs of dots.
void clean_host(std::string_view in, std::string& out, bool& ascii) {
    out.clear();
    ascii = true;
    for (char c : in) {
        if (c == '.') {
            if (!out.empty() && out.back() != '.') {
                out.push_back('.');
            }
            continue;
        }
        ascii = ascii && static_cast<unsigned char>(c) < 0x80;
        out.push_back(to_lower(c));
    }
    if (!out.empty() && out.back() == '.') {
        out.pop_back();
    }
}

// UTS #46 non-transitional processing (as browsers and WHATWG do: "faß" stays "faß"), which
// also maps full-width letters and dots. On failure the raw bytes are kept and escaped, so
// every URL still has one canonical text.
bool to_a_labels(std::string& host, std::string& scratch) {
    char* converted = nullptr;
    int rc = idn2_lookup_u8(reinterpret_cast<const std::uint8_t*>(host.c_str()),
                            reinterpret_cast<std::uint8_t**>(&converted),
                            IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc != IDN2_OK || converted == nullptr) {
        return false;
    }
    bool ascii = true;
    clean_host(converted, scratch, ascii);
    idn2_free(converted);
    host.swap(scratch);
    return true;
}

bool has_a_label(std::string_view host) noexcept {
    std::size_t pos = 0;
    while (true) {
        if (host.size() - pos >= 4 && host.compare(pos, 4, "xn--") == 0) {
            return true;
        }
        pos = host.find('.', pos);
        if (pos == std::string_view::npos) {
            return false;
        }
        ++pos;
    }
}

bool append_host(std::string_view raw, CanonicalUrl& out) {
    if (!raw.empty() && raw[0] == '[') {
        if (raw.back() != ']') {
            return false;
        }
        auto address = parse_ipv6(raw.substr(1, raw.size() - 2));
        if (!address) {
            return false;
        }
        out.host_is_ip = true;
        if (auto v4 = embedded_ipv4(*address)) {
            append_ipv4(*v4, out.url);
        } else {
            out.url.push_back('[');
            append_ipv6(*address, out.url);
            out.url.push_back(']');
        }
        return true;
    }
    thread_local std::string host;
    thread_local std::string scratch;
    bool ascii = true;
    clean_host(raw, host, ascii);
    if (!ascii && valid_utf8(host)) {
        to_a_labels(host, scratch);
        // Mapping can complete a percent-escape ("%\u00B91" becomes "%11"): unescape again,
        // as canonicalizing the result would, so that the canonical form is a fixed point.
        for (int round = 0; round < 4 && host.find('%') != std::string::npos; ++round) {
            unescape_fully(host, scratch);
            if (scratch == host) {
                break;
            }
            clean_host(scratch, host, ascii);
            if (!ascii && valid_utf8(host)) {
                to_a_labels(host, scratch);
            }
        }
        // Mapping (or the unescaping after it) can also produce a character that ends a host
        // ("\uFF3C" becomes '\\', "\uFF1A" ':'): written out, the URL would split elsewhere.
        // Browsers refuse such hosts; so does this.
        if (host.find_first_of("/\\?#@:") != std::string::npos) {
            return false;
        }
    }
    // After dot stripping, "...[x" would print as a host that re-parses as a bad IPv6
    // literal; a leading '[' only ever starts an IPv6 literal.
    if (host.empty() || host.front() == '[') {
        return false;
    }
    if (auto v4 = parse_ipv4(host)) {
        out.host_is_ip = true;
        append_ipv4(*v4, out.url);
        return true;
    }
    out.host_is_idn = has_a_label(host);
    append_escaped(host, out.url);
    return true;
}

// Resolves "." and "..", collapses "//" and escapes, appending to out.url. The path always
// starts with '/'; it ends with '/' when the input did or its last segment was "." or "..".
void append_path(std::string_view path, bool special, std::string& out) {
    const std::size_t begin = out.size();
    out.push_back('/');
    bool trailing_slash = true;
    std::size_t i = 0;
    while (i < path.size()) {
        std::size_t j = i;
        while (j < path.size() && path[j] != '/' && !(special && path[j] == '\\')) {
            ++j;
        }
        std::string_view segment = path.substr(i, j - i);
        i = j + 1;
        if (segment.empty()) {
            continue;
        }
        trailing_slash = true;
        if (segment == ".") {
            continue;
        }
        if (segment == "..") {
            if (out.size() > begin + 1) {
                out.resize(out.rfind('/', out.size() - 2) + 1);
            }
            continue;
        }
        append_escaped(segment, out);
        out.push_back('/');
        trailing_slash = j < path.size();
    }
    if (!trailing_slash) {
        out.pop_back();
    }
}

}  // namespace

core::result<void> canonicalize(std::string_view input, CanonicalUrl& out) {
    thread_local std::string cleaned;
    thread_local std::string unescaped;
    preclean(input, cleaned);
    unescape_fully(cleaned, unescaped);

    Parts parts;
    if (!split_parts(unescaped, parts)) {
        return errc::invalid_argument;
    }
    std::string_view host_port = parts.authority;
    out.had_userinfo = false;
    if (auto at = host_port.rfind('@'); at != std::string_view::npos) {
        out.had_userinfo = true;
        host_port.remove_prefix(at + 1);
    }
    std::string_view host = host_port;
    std::string_view port;
    if (!host_port.empty() && host_port[0] == '[') {
        std::size_t close = host_port.find(']');
        if (close == std::string_view::npos) {
            return errc::invalid_argument;
        }
        host = host_port.substr(0, close + 1);
        std::string_view after = host_port.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':') {
                return errc::invalid_argument;
            }
            port = after.substr(1);
        }
    } else if (auto colon = host_port.find(':'); colon != std::string_view::npos) {
        host = host_port.substr(0, colon);
        port = host_port.substr(colon + 1);
    }
    if (!parse_port(port, out.port)) {
        return errc::invalid_argument;
    }

    out.url.clear();
    out.host_is_ip = false;
    out.host_is_idn = false;
    for (char c : parts.scheme) {
        out.url.push_back(to_lower(c));
    }
    out.url.append("://");
    out.host_begin = out.url.size();
    if (!append_host(host, out)) {
        return errc::invalid_argument;
    }
    out.host_end = out.url.size();
    append_path(parts.path, parts.special, out.url);
    out.path_end = out.url.size();
    out.has_query = parts.has_query;
    if (parts.has_query) {
        out.url.push_back('?');
        append_escaped(parts.query, out.url);
    }
    return core::success();
}

core::result<CanonicalUrl> canonicalize(std::string_view input) {
    CanonicalUrl out;
    auto status = canonicalize(input, out);
    if (!status) {
        return status.error();
    }
    return out;
}

}  // namespace segnala::url
