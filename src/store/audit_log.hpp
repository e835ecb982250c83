// Appending to and verifying the hash-chained audit log inside a caller's transaction, for the
// Store and for later repositories (reports, cases) that audit their own changes.
#pragma once

#include "core/error.hpp"
#include "store/database.hpp"
#include "store/store.hpp"

namespace segnala::store {

/// PostgreSQL advisory lock key that serializes audit appends (the SQLite writer already does).
inline constexpr std::int64_t kAuditLockKey = 0x5345474e41554431;  // "SEGNAUD1"

/// Appends `e` after the current head of the chain, in tx (which must be a write transaction).
/// Returns the stored entry. errc::invalid_argument when action is empty.
[[nodiscard]] core::result<AuditEntry> append_audit_in(Tx& tx, const AuditEvent& e);

}  // namespace segnala::store
