#include "store/priority.hpp"

#include <bit>

namespace segnala::store {

namespace {

constexpr std::int64_t kHour = 3600;

std::int64_t category_boost(std::string_view category) {
    if (category == "csam") {
        return 72 * kHour;
    }
    if (category == "phishing" || category == "malware") {
        return 48 * kHour;
    }
    if (category == "fraud") {
        return 24 * kHour;
    }
    return 0;  // spam, other
}

bool has_signal(std::string_view signals, std::string_view name) {
    while (!signals.empty()) {
        const auto comma = signals.find(',');
        if (signals.substr(0, comma) == name) {
            return true;
        }
        if (comma == std::string_view::npos) {
            break;
        }
        signals.remove_prefix(comma + 1);
    }
    return false;
}

}  // namespace

std::vector<PriorityPart> priority_parts(std::string_view category, std::int64_t report_count,
                                         std::string_view signals) {
    std::vector<PriorityPart> parts;
    if (auto b = category_boost(category); b > 0) {
        parts.push_back({"category", b});
    }
    // Six hours per doubling of the reports: 2 reports +6 h, 4 +12 h, 1024 +60 h.
    if (report_count > 1) {
        const auto doublings =
            static_cast<std::int64_t>(std::bit_width(static_cast<std::uint64_t>(report_count)) - 1);
        parts.push_back({"reports", doublings * 6 * kHour});
    }
    for (std::string_view s : {"ip_host", "idn", "userinfo"}) {
        if (has_signal(signals, s)) {
            parts.push_back({s, 12 * kHour});
        }
    }
    return parts;
}

std::int64_t case_priority(std::string_view category, std::int64_t report_count,
                           std::string_view signals, std::int64_t last_seen) {
    std::int64_t p = last_seen;
    for (const auto& part : priority_parts(category, report_count, signals)) {
        p += part.seconds;
    }
    return p;
}

}  // namespace segnala::store
