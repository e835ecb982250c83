// The queue's ranking, explained on the queue page. A case's priority is an effective time:
// its last report, moved later by boosts. Ordering by it never changes with the clock, so
// keyset pagination is exact, and a fresh report outranks an old one of the same weight.
// CSAM cases are ranked before every other (cases.restricted), whatever their priority.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace segnala::store {

struct PriorityPart {
    std::string_view reason;  ///< "category", "reports", "ip_host", "idn", "userinfo"
    std::int64_t seconds = 0;
};

/// The boosts of a case, in seconds, one per reason that applies.
std::vector<PriorityPart> priority_parts(std::string_view category, std::int64_t report_count,
                                         std::string_view signals);

/// last_seen + the sum of priority_parts().
std::int64_t case_priority(std::string_view category, std::int64_t report_count,
                           std::string_view signals, std::int64_t last_seen);

}  // namespace segnala::store
