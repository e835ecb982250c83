// Browsing the hash-chained audit log: newest first, filtered by actor, action prefix, object
// and time, paged by seq (keyset), with entries about CSAM cases left out on request.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "store/store.hpp"

namespace segnala::store {

class Database;

struct AuditQuery {
    std::string actor;            ///< exact, e.g. "operator:12"; "" = any
    std::string action_prefix;    ///< e.g. "case." or "session.login"; "" = any
    std::string object;           ///< exact, e.g. "case:77"; "" = any
    std::int64_t from_us = 0;     ///< at >= from_us (unix microseconds); 0 = no bound
    std::int64_t to_us = 0;       ///< at < to_us; 0 = no bound
    std::int64_t before_seq = 0;  ///< keyset: only entries with seq < before_seq; 0 = newest
    int limit = 50;               ///< 1..10000
    /// Leave out entries whose object is a restricted (CSAM) case, or a report of one.
    bool hide_restricted = true;
};

struct AuditPage {
    std::vector<AuditEntry> entries;  ///< newest first
    /// Pass as before_seq for the next (older) page; 0 when there is none.
    std::int64_t next_before = 0;
};

/// One page of the audit log. Blocks (a read transaction).
/// Errors: invalid_argument for a limit outside 1..10000, a negative bound or an action prefix
/// outside [a-z0-9._-]; store errors otherwise.
[[nodiscard]] core::result<AuditPage> query_audit(Database& db, const AuditQuery& q);

/// Whether an audit object names a restricted case: "case:<id>" of a CSAM case, or
/// "report:<id>" of a report in one. Objects of other kinds are never restricted.
/// Blocks (a read transaction).
[[nodiscard]] core::result<bool> is_restricted_object(Database& db, const std::string& object);

}  // namespace segnala::store
