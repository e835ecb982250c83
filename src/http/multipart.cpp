#include "http/multipart.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "http/codec.hpp"

namespace segnala::http {
namespace {

using core::errc;

constexpr std::string_view kCrlf = "\r\n";
constexpr std::size_t kMaxPadding = 64;  // transport padding after a delimiter
constexpr std::size_t kMaxFilenameBytes = 200;
constexpr std::size_t kMaxDetailName = 64;

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = lower(c);
    }
    return out;
}

bool is_ows(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_ows(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_ows(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

bool is_ctl(unsigned char c) {
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

// RFC 7230 tchar: header names and parameter names.
bool is_tchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 2046 bchars (space allowed, but not last).
bool is_bchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

bool valid_boundary(std::string_view b) {
    return !b.empty() && b.size() <= kMaxBoundaryBytes && b.back() != ' ' &&
           std::all_of(b.begin(), b.end(), is_bchar);
}

// A field name made safe for logs and error messages.
std::string detail_name(std::string_view name) {
    std::string out;
    for (char c : name.substr(0, kMaxDetailName)) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
        out.push_back(ok ? c : '?');
    }
    return out;
}

/// A parsed "type; a=b; c="d"" header value: lowercase type, parameters with lowercase names.
struct HeaderParams {
    std::string type;
    std::vector<std::pair<std::string, std::string>> params;

    const std::string* find(std::string_view key) const {
        for (const auto& [k, v] : params) {
            if (k == key) {
                return &v;
            }
        }
        return nullptr;
    }
};

// Parses "type *(OWS ';' OWS name OWS '=' OWS (token / quoted-string))". Inside quotes a
// backslash escapes only '"' and '\' (RFC 2045 quoted-pair); other backslashes are literal
// because browsers send Windows paths unescaped. Duplicated parameters are refused: a second
// `name` or `filename` is the classic smuggling trick.
core::result<HeaderParams> parse_params(std::string_view v) {
    HeaderParams out;
    std::size_t i = 0;
    while (i < v.size() && v[i] != ';') {
        ++i;
    }
    out.type = to_lower(trim(v.substr(0, i)));
    while (i < v.size()) {
        ++i;  // ';'
        while (i < v.size() && is_ows(v[i])) {
            ++i;
        }
        if (i == v.size()) {
            break;  // a trailing ';' is harmless
        }
        std::size_t start = i;
        while (i < v.size() && is_tchar(v[i])) {
            ++i;
        }
        std::string key = to_lower(v.substr(start, i - start));
        while (i < v.size() && is_ows(v[i])) {
            ++i;
        }
        if (key.empty() || i == v.size() || v[i] != '=') {
            return errc::invalid_argument;
        }
        ++i;
        while (i < v.size() && is_ows(v[i])) {
            ++i;
        }
        std::string value;
        if (i < v.size() && v[i] == '"') {
            ++i;
            bool closed = false;
            while (i < v.size()) {
                char c = v[i++];
                if (c == '"') {
                    closed = true;
                    break;
                }
                if (c == '\\' && i < v.size() && (v[i] == '"' || v[i] == '\\')) {
                    c = v[i++];
                }
                value.push_back(c);
            }
            if (!closed) {
                return errc::invalid_argument;
            }
        } else {
            start = i;
            while (i < v.size() && v[i] != ';' && !is_ows(v[i]) && v[i] != '"') {
                ++i;
            }
            value.assign(v.substr(start, i - start));
            if (value.empty()) {
                return errc::invalid_argument;
            }
        }
        while (i < v.size() && is_ows(v[i])) {
            ++i;
        }
        if (i < v.size() && v[i] != ';') {
            return errc::invalid_argument;
        }
        if (out.find(key) != nullptr) {
            return errc::invalid_argument;
        }
        out.params.emplace_back(std::move(key), std::move(value));
    }
    return out;
}

// RFC 5987 ext-value: charset "'" [language] "'" value-chars. UTF-8 or ISO-8859-1.
core::result<std::string> decode_ext_value(std::string_view v) {
    auto q1 = v.find('\'');
    auto q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
    if (q2 == std::string_view::npos) {
        return errc::invalid_argument;
    }
    std::string_view charset = v.substr(0, q1);
    SEGNALA_TRY(raw, percent_decode(v.substr(q2 + 1), false));
    if (iequals(charset, "utf-8")) {
        return raw;
    }
    if (iequals(charset, "iso-8859-1")) {
        std::string utf8;
        for (unsigned char c : raw) {
            if (c < 0x80) {
                utf8.push_back(static_cast<char>(c));
            } else {
                utf8.push_back(static_cast<char>(0xc0 | (c >> 6)));
                utf8.push_back(static_cast<char>(0x80 | (c & 0x3f)));
            }
        }
        return utf8;
    }
    return errc::invalid_argument;
}

// Decodes one UTF-8 sequence at s[i]; returns its length (0 when invalid) and the code point.
std::size_t utf8_next(std::string_view s, std::size_t i, std::uint32_t& cp) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    unsigned char c = b(0);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xe  ? 3
                    : (c >> 3) == 0x1e ? 4
                                       : 0;
    if (n == 0 || i + n > s.size()) {
        return 0;
    }
    cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(k) & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (b(k) & 0x3f);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;  // overlong, out of range or a surrogate
    }
    return n;
}

// Characters that change how text is displayed or read without being visible.
bool is_invisible_or_bidi(std::uint32_t cp) {
    return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061c || cp == 0xfeff;
}

}  // namespace

std::string sanitize_filename(std::string_view raw) {
    if (raw.empty()) {
        return {};
    }
    std::string_view base = raw;
    if (auto slash = base.find_last_of("/\\"); slash != std::string_view::npos) {
        base.remove_prefix(slash + 1);
    }
    std::string out;
    for (std::size_t i = 0; i < base.size();) {
        std::uint32_t cp = 0;
        std::size_t n = utf8_next(base, i, cp);
        if (n == 0) {
            out.push_back('_');
            ++i;
            continue;
        }
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || is_invisible_or_bidi(cp) ||
            (cp < 0x80 && std::string_view("\"*:<>?|%;`$&").find(static_cast<char>(cp)) !=
                              std::string_view::npos)) {
            out.push_back('_');
        } else {
            out.append(base.substr(i, n));
        }
        i += n;
    }
    // Leading dots make hidden files or "..": trailing dots and spaces confuse Windows.
    std::size_t first = out.find_first_not_of(". ");
    out.erase(0, first == std::string::npos ? out.size() : first);
    while (!out.empty() && (out.back() == '.' || out.back() == ' ')) {
        out.pop_back();
    }
    if (out.size() > kMaxFilenameBytes) {
        std::size_t cut = kMaxFilenameBytes;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80) {
            --cut;  // do not split a UTF-8 sequence
        }
        out.resize(cut);
    }
    return out.empty() ? "file" : out;
}

core::result<std::string> multipart_boundary(std::string_view content_type) {
    auto parsed = parse_params(content_type);
    std::string_view type = trim(content_type.substr(0, content_type.find(';')));
    if (!iequals(type, "multipart/form-data")) {
        return errc::unsupported_media_type;
    }
    if (!parsed) {
        return errc::invalid_argument;
    }
    const std::string* b = parsed.value().find("boundary");
    if (b == nullptr || !valid_boundary(*b)) {
        return errc::invalid_argument;
    }
    return *b;
}

MultipartParser::MultipartParser(std::string boundary, MultipartLimits limits)
    : delimiter_("\r\n--" + boundary), limits_(limits), buf_(kCrlf) {
    // buf_ starts with a virtual CRLF so that a body opening with "--boundary" (no preamble)
    // matches the same delimiter as every later one. It is not counted in total_.
    if (!valid_boundary(boundary)) {
        (void)fail(errc::invalid_argument, "invalid boundary");
    }
}

core::result<void> MultipartParser::fail(errc e, std::string detail) {
    state_ = State::failed;
    error_ = e;
    detail_ = std::move(detail);
    parts_.clear();
    buf_.clear();
    pos_ = 0;
    return e;
}

core::result<void> MultipartParser::feed(std::string_view chunk) {
    if (state_ == State::failed) {
        return error_;
    }
    if (state_ == State::done) {
        return fail(errc::invalid_argument, "body after finish");
    }
    if (chunk.size() > limits_.max_total_bytes - std::min(total_, limits_.max_total_bytes)) {
        return fail(errc::too_large, "body too large");
    }
    total_ += chunk.size();
    if (state_ == State::epilogue) {
        return core::success();
    }
    buf_.append(chunk);
    for (;;) {
        auto more = step();
        if (!more) {
            return more.error();
        }
        if (!more.value()) {
            break;
        }
    }
    buf_.erase(0, pos_);
    pos_ = 0;
    return core::success();
}

core::result<bool> MultipartParser::step() {
    switch (state_) {
        case State::preamble:
            return scan_delimiter(false);
        case State::body:
            return scan_delimiter(true);
        case State::after_delimiter:
            return after_delimiter();
        case State::headers:
            return headers();
        case State::epilogue:
            pos_ = buf_.size();
            return false;
        case State::failed:
        case State::done:
            break;
    }
    return false;
}

// Looks for the next delimiter. Bytes that cannot start one are part data (`keep`) or
// preamble; only the last delimiter_.size() - 1 bytes stay buffered for the next chunk.
core::result<bool> MultipartParser::scan_delimiter(bool keep) {
    std::string_view view(buf_);
    view.remove_prefix(pos_);
    std::size_t found = view.find(delimiter_);
    if (found == std::string_view::npos) {
        std::size_t tail = delimiter_.size() - 1;
        std::size_t safe = view.size() > tail ? view.size() - tail : 0;
        if (keep) {
            SEGNALA_TRYV(append_data(view.substr(0, safe)));
        }
        pos_ += safe;
        return false;
    }
    if (keep) {
        SEGNALA_TRYV(append_data(view.substr(0, found)));
    }
    pos_ += found + delimiter_.size();
    state_ = State::after_delimiter;
    return true;
}

// After "--boundary": "--" closes the body; otherwise optional padding then CRLF opens a part.
core::result<bool> MultipartParser::after_delimiter() {
    std::string_view view(buf_);
    view.remove_prefix(pos_);
    if (view.empty()) {
        return false;
    }
    if (view[0] == '-') {
        if (view.size() < 2) {
            return false;
        }
        if (view[1] == '-') {
            state_ = State::epilogue;
            pos_ = buf_.size();
            return false;
        }
    }
    std::size_t i = 0;
    while (i < view.size() && i < kMaxPadding && is_ows(view[i])) {
        ++i;
    }
    if (i == view.size() && i < kMaxPadding) {
        return false;
    }
    if (i + 1 == view.size() && view[i] == '\r') {
        return false;
    }
    if (view.substr(i, 2) != kCrlf) {
        SEGNALA_TRYV(fail(errc::invalid_argument, "malformed delimiter line"));
    }
    if (parts_.size() >= limits_.max_parts) {
        SEGNALA_TRYV(fail(errc::too_large, "too many parts"));
    }
    pos_ += i + 2;
    header_scan_ = 0;
    state_ = State::headers;
    return true;
}

core::result<bool> MultipartParser::headers() {
    std::string_view view(buf_);
    view.remove_prefix(pos_);
    if (view.size() >= 2 && view.substr(0, 2) == kCrlf) {
        SEGNALA_TRYV(fail(errc::invalid_argument, "part without headers"));
    }
    std::size_t end = view.find("\r\n\r\n", header_scan_);
    if (end == std::string_view::npos) {
        if (view.size() > limits_.max_part_header_bytes) {
            SEGNALA_TRYV(fail(errc::too_large, "part headers too large"));
        }
        header_scan_ = view.size() > 3 ? view.size() - 3 : 0;
        return false;
    }
    if (end + 4 > limits_.max_part_header_bytes) {
        SEGNALA_TRYV(fail(errc::too_large, "part headers too large"));
    }
    SEGNALA_TRYV(parse_headers(view.substr(0, end + 2)));
    pos_ += end + 4;
    state_ = State::body;
    return true;
}

// `block`: header lines, each ending in CRLF.
core::result<void> MultipartParser::parse_headers(std::string_view block) {
    std::optional<HeaderParams> disposition;
    std::optional<std::string> content_type;
    while (!block.empty()) {
        std::size_t eol = block.find(kCrlf);
        std::string_view line = block.substr(0, eol);
        block.remove_prefix(eol + 2);
        if (line.empty() || is_ows(line.front())) {
            return fail(errc::invalid_argument, "folded part header");
        }
        if (std::any_of(line.begin(), line.end(), [](char c) { return is_ctl(c); })) {
            return fail(errc::invalid_argument, "control character in part header");
        }
        std::size_t colon = line.find(':');
        std::string_view name = line.substr(0, colon);
        if (colon == std::string_view::npos || name.empty() ||
            !std::all_of(name.begin(), name.end(), is_tchar)) {
            return fail(errc::invalid_argument, "malformed part header");
        }
        std::string_view value = trim(line.substr(colon + 1));
        if (iequals(name, "content-disposition")) {
            auto p = parse_params(value);
            if (disposition || !p || p.value().type != "form-data") {
                return fail(errc::invalid_argument, "malformed Content-Disposition");
            }
            disposition = std::move(p.value());
        } else if (iequals(name, "content-type")) {
            if (content_type) {
                return fail(errc::invalid_argument, "duplicate Content-Type");
            }
            content_type = std::string(value);
        } else if (iequals(name, "content-transfer-encoding")) {
            if (!iequals(value, "7bit") && !iequals(value, "8bit") && !iequals(value, "binary")) {
                return fail(errc::invalid_argument, "unsupported Content-Transfer-Encoding");
            }
        }
    }
    if (!disposition) {
        return fail(errc::invalid_argument, "part without Content-Disposition");
    }
    const std::string* name = disposition->find("name");
    if (name == nullptr || name->empty()) {
        return fail(errc::invalid_argument, "part without name");
    }
    Part part;
    part.name = *name;
    part.content_type = content_type.value_or("");
    const std::string* filename = disposition->find("filename");
    if (const std::string* ext = disposition->find("filename*")) {
        auto decoded = decode_ext_value(*ext);
        if (!decoded) {
            return fail(errc::invalid_argument, "malformed filename*: " + detail_name(*name));
        }
        part.is_file = true;
        part.filename = sanitize_filename(decoded.value());
    } else if (filename != nullptr) {
        part.is_file = true;
        part.filename = sanitize_filename(*filename);
    }
    if (part.is_file && ++files_ > limits_.max_files) {
        return fail(errc::too_large, "too many files");
    }
    parts_.push_back(std::move(part));
    return core::success();
}

core::result<void> MultipartParser::append_data(std::string_view bytes) {
    if (bytes.empty()) {
        return core::success();
    }
    Part& p = parts_.back();
    std::size_t limit = p.is_file ? limits_.max_file_bytes : limits_.max_field_bytes;
    if (bytes.size() > limit - std::min(p.data.size(), limit)) {
        return fail(errc::too_large,
                    (p.is_file ? "file too large: " : "field too large: ") + detail_name(p.name));
    }
    p.data.append(bytes);
    return core::success();
}

core::result<std::vector<Part>> MultipartParser::finish() {
    if (state_ == State::failed) {
        return error_;
    }
    if (state_ != State::epilogue) {
        SEGNALA_TRYV(fail(errc::invalid_argument, "missing close delimiter"));
    }
    state_ = State::done;
    buf_.clear();
    return std::move(parts_);
}

core::result<std::vector<Part>> parse_multipart(std::string_view body, std::string_view boundary,
                                                const MultipartLimits& limits) {
    MultipartParser parser{std::string(boundary), limits};
    // Slices keep the parser's buffer small instead of copying the whole body into it.
    constexpr std::size_t kSlice = 64 * 1024;
    for (std::size_t off = 0; off < body.size(); off += kSlice) {
        SEGNALA_TRYV(parser.feed(body.substr(off, kSlice)));
    }
    return parser.finish();
}

}  // namespace segnala::http
