#include "http/codec.hpp"

#include "core/hex.hpp"

namespace segnala::http {
namespace {

core::result<std::string> invalid() {
    return core::make_error_code(core::errc::invalid_argument);
}

// True when any '/'-separated segment of `path` is "." or "..".
bool has_dot_segment(std::string_view path) {
    std::size_t pos = 0;
    while (pos <= path.size()) {
        std::size_t end = path.find('/', pos);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        std::string_view seg = path.substr(pos, end - pos);
        if (seg == "." || seg == "..") {
            return true;
        }
        pos = end + 1;
    }
    return false;
}

}  // namespace

core::result<std::string> percent_decode(std::string_view in, bool plus_as_space) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) {
                return invalid();
            }
            int hi = core::hex_value(in[i + 1]);
            int lo = core::hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) {
                return invalid();
            }
            char decoded = static_cast<char>(hi * 16 + lo);
            if (decoded == '\0') {
                return invalid();
            }
            out.push_back(decoded);
            i += 2;
        } else if (c == '+' && plus_as_space) {
            out.push_back(' ');
        } else if (c == '\0') {
            return invalid();
        } else {
            out.push_back(c);
        }
    }
    return out;
}

core::result<RequestTarget> parse_request_target(std::string_view target, std::string_view method) {
    RequestTarget out;
    if (target == "*") {
        if (method != "OPTIONS") {
            return core::make_error_code(core::errc::invalid_argument);
        }
        out.path = out.raw_path = "*";
        return out;
    }
    if (target.empty() || target.front() != '/') {
        return core::make_error_code(core::errc::invalid_argument);
    }
    for (char c : target) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '#') {
            return core::make_error_code(core::errc::invalid_argument);
        }
    }
    std::size_t q = target.find('?');
    std::string_view raw_path = target.substr(0, q);
    if (q != std::string_view::npos) {
        out.raw_query = std::string(target.substr(q + 1));
    }
    SEGNALA_TRY(path, percent_decode(raw_path, false));
    if (has_dot_segment(path)) {
        return core::make_error_code(core::errc::invalid_argument);
    }
    out.raw_path = std::string(raw_path);
    out.path = std::move(path);
    return out;
}

core::result<Fields> parse_form_urlencoded(std::string_view body, std::size_t max_fields) {
    Fields out;
    std::size_t pos = 0;
    while (pos < body.size()) {
        std::size_t end = body.find('&', pos);
        if (end == std::string_view::npos) {
            end = body.size();
        }
        std::string_view piece = body.substr(pos, end - pos);
        pos = end + 1;
        if (piece.empty()) {
            continue;
        }
        if (out.size() >= max_fields) {
            return core::make_error_code(core::errc::too_large);
        }
        std::size_t eq = piece.find('=');
        std::string_view name = piece.substr(0, eq);
        std::string_view value =
            eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);
        SEGNALA_TRY(n, percent_decode(name, true));
        SEGNALA_TRY(v, percent_decode(value, true));
        out.emplace_back(std::move(n), std::move(v));
    }
    return out;
}

}  // namespace segnala::http
