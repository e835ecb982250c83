// Figures for the supervisors' dashboard: reports per hour and category, open cases by
// status, time from first report to first triage, most reported registrable domains.
// Each takes `include_csam`: false leaves CSAM reports and cases out entirely.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace segnala::store {

class Database;

struct HourCount {
    std::string category;
    std::int64_t hour = 0;  ///< unix seconds / 3600 (UTC hour); callers fold hours into days
    std::int64_t reports = 0;
};

struct StatusCount {
    std::string status;
    std::int64_t cases = 0;
};

struct TriageTime {
    std::string category;
    std::int64_t cases = 0;           ///< cases first seen in the window and triaged
    std::int64_t median_seconds = 0;  ///< first_triage_at - first_seen; mean of the two middle
                                      ///< values when `cases` is even (rounded down)
    std::int64_t untriaged = 0;       ///< cases first seen in the window, not triaged yet
};

struct DomainCount {
    std::string domain;
    std::int64_t cases = 0;
    std::int64_t reports = 0;
};

/// Reports created in [from, to) (unix seconds), counted per category and UTC hour, ordered
/// by hour then category. A report counts as CSAM when its own category is csam or its case
/// is restricted. Blocks.
[[nodiscard]] core::result<std::vector<HourCount>> reports_per_hour(Database& db, std::int64_t from,
                                                                    std::int64_t to,
                                                                    bool include_csam);

/// Open cases (not merged into another) per status, in no particular order; statuses with no
/// case are absent. Blocks.
[[nodiscard]] core::result<std::vector<StatusCount>> open_cases_by_status(Database& db,
                                                                          bool include_csam);

/// Per category (sorted by name), for the cases first seen at or after `since`: the median
/// time to first triage and how many wait for it. Categories without such cases are absent.
/// Blocks.
[[nodiscard]] core::result<std::vector<TriageTime>> triage_times(Database& db, std::int64_t since,
                                                                 bool include_csam);

/// The `limit` registrable domains with the most open cases (ties by name); cases without a
/// registrable domain (IP hosts) are left out. Blocks. invalid_argument for limit < 1.
[[nodiscard]] core::result<std::vector<DomainCount>> top_domains(Database& db, int limit,
                                                                 bool include_csam);

}  // namespace segnala::store
