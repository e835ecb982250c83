// The queue's opaque keyset cursor and the dates of its filter form: pure parsing of
// untrusted text (fuzzed by fuzz/search_query_fuzz.cpp).
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

// Days from civil (H. Hinnant), proleptic Gregorian.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
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

std::optional<std::int64_t> parse_day(std::string_view ymd) {
    if (ymd.size() != 10 || ymd[4] != '-' || ymd[7] != '-') {
        return std::nullopt;
    }
    auto y = parse_int(ymd.substr(0, 4));
    auto m = parse_int(ymd.substr(5, 2));
    auto d = parse_int(ymd.substr(8, 2));
    if (!y || !m || !d || *y < 1970 || *m < 1 || *m > 12 || *d < 1) {
        return std::nullopt;
    }
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
    const int max = kDays[*m - 1] + (*m == 2 && leap ? 1 : 0);
    if (*d > max) {
        return std::nullopt;
    }
    return days_from_civil(*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d));
}

}  // namespace segnala::app
