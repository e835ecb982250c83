// The queue's opaque keyset cursor: pure parsing of untrusted text (fuzzed by
// fuzz/search_query_fuzz.cpp).
#include <charconv>
#include <string>
#include <vector>

#include "app/queue.hpp"
#include "crypto/random.hpp"

namespace segnala::app {
namespace {

using core::errc;

constexpr std::string_view kCursorTag = "q1";

std::optional<std::int64_t> parse_int(std::string_view s) {
    std::int64_t v = 0;
    if (s.empty() || s.size() > 19) {
        return std::nullopt;
    }
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) {
        return std::nullopt;
    }
    return v;
}

}  // namespace

std::string encode_cursor(const store::QueueCursor& c) {
    return crypto::base64url_encode(std::string(kCursorTag) + ":" + std::to_string(c.restricted) +
                                    ":" + std::to_string(c.priority) + ":" + std::to_string(c.id));
}

core::result<store::QueueCursor> decode_cursor(std::string_view text) {
    if (text.empty() || text.size() > 96) {
        return errc::invalid_argument;
    }
    auto raw = crypto::base64url_decode(text);
    if (!raw) {
        return errc::invalid_argument;
    }
    std::string_view s = raw.value();
    std::vector<std::string_view> parts;
    while (true) {
        auto colon = s.find(':');
        parts.push_back(s.substr(0, colon));
        if (colon == std::string_view::npos) {
            break;
        }
        s.remove_prefix(colon + 1);
    }
    if (parts.size() != 4 || parts[0] != kCursorTag) {
        return errc::invalid_argument;
    }
    auto r = parse_int(parts[1]);
    auto p = parse_int(parts[2]);
    auto i = parse_int(parts[3]);
    if (!r || !p || !i || (*r != 0 && *r != 1) || *i <= 0) {
        return errc::invalid_argument;
    }
    return store::QueueCursor{*r, *p, *i};
}

}  // namespace segnala::app
