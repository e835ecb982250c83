#include "store/audit_log.hpp"

#include <limits>

#include <spdlog/spdlog.h>

#include "store/audit_hash.hpp"

namespace segnala::store {
namespace {

constexpr const char* kLockAudit = "SELECT pg_advisory_xact_lock($1)";
constexpr const char* kAuditHead = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
constexpr const char* kInsertAudit =
    "INSERT INTO audit_log (seq, at, actor, action, object, detail, prev_hash, hash) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
constexpr const char* kListAudit =
    "SELECT seq, at, actor, action, object, detail, prev_hash, hash FROM audit_log "
    "WHERE seq > $1 ORDER BY seq LIMIT $2";

constexpr int kVerifyPage = 2000;

AuditEntry entry_from(const Rows& r, std::size_t i) {
    AuditEntry e;
    e.seq = r.int64(i, 0);
    e.at = r.int64(i, 1);
    e.actor = r.text(i, 2);
    e.action = r.text(i, 3);
    e.object = r.text(i, 4);
    e.detail = r.text(i, 5);
    e.prev_hash = r.text(i, 6);
    e.hash = r.text(i, 7);
    return e;
}

core::result<std::vector<AuditEntry>> list_in(Tx& tx, std::int64_t after_seq, int limit) {
    SEGNALA_TRY(rows, tx.query(kListAudit, {after_seq, limit}));
    std::vector<AuditEntry> out;
    out.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        out.push_back(entry_from(rows, i));
    }
    return out;
}

}  // namespace

core::result<AuditEntry> append_audit_in(Tx& tx, const AuditEvent& e) {
    if (e.action.empty()) {
        return core::errc::invalid_argument;
    }
    if (tx.dialect() == Dialect::postgres) {
        // Concurrent transactions must not both read the same head and fork the chain; the lock
        // is held until this transaction ends.
        SEGNALA_TRY(locked, tx.query(kLockAudit, {kAuditLockKey}));
        (void)locked;
    }
    SEGNALA_TRY(head, tx.query(kAuditHead));
    AuditEntry entry;
    static_cast<AuditEvent&>(entry) = e;
    entry.seq = head.empty() ? 1 : head.int64(0, 0) + 1;
    entry.prev_hash = head.empty() ? std::string() : head.text(0, 1);
    entry.hash = audit_hash(entry);
    SEGNALA_TRY(n,
                tx.exec(kInsertAudit, {entry.seq, entry.at, entry.actor, entry.action, entry.object,
                                       entry.detail, entry.prev_hash, entry.hash}));
    (void)n;
    return entry;
}

core::result<void> Store::append_audit(const AuditEvent& e) {
    return db_.write([&](Tx& tx) -> core::result<void> {
        SEGNALA_TRY(entry, append_audit_in(tx, e));
        (void)entry;
        return core::success();
    });
}

core::result<std::vector<AuditEntry>> Store::list_audit(std::int64_t after_seq, int limit) {
    if (limit <= 0) {
        return core::errc::invalid_argument;
    }
    return db_.read_as<std::vector<AuditEntry>>(
        [&](Tx& tx) { return list_in(tx, after_seq, limit); });
}

// Walks the chain in seq order, page by page. Checks, in this order, for each entry: its seq
// follows the previous one (else an entry was deleted: "sequence gap", naming the missing seq),
// its prev_hash is the previous entry's hash (else entries were reordered or replaced:
// "prev_hash mismatch"), and its own hash matches its fields (else it was edited: "hash
// mismatch"). Deleting the newest entries cannot be seen from inside the chain: compare
// `entries` and the head hash with a copy kept elsewhere.
core::result<AuditVerification> Store::verify_audit() {
    AuditVerification v;
    std::int64_t expected_seq = 1;
    std::string prev_hash;
    // Start below any seq so that a forged row with seq <= 0 is seen too.
    std::int64_t after = std::numeric_limits<std::int64_t>::min();
    for (;;) {
        SEGNALA_TRY(page, list_audit(after, kVerifyPage));
        for (const auto& e : page) {
            auto bad = [&](std::int64_t seq, const char* reason) {
                v.ok = false;
                v.first_bad_seq = seq;
                v.reason = reason;
                spdlog::warn("audit: chain broken at seq {}: {}", seq, reason);
            };
            if (e.seq != expected_seq) {
                bad(expected_seq, "sequence gap");
                return v;
            }
            if (e.prev_hash != prev_hash) {
                bad(e.seq, "prev_hash mismatch");
                return v;
            }
            if (audit_hash(e) != e.hash) {
                bad(e.seq, "hash mismatch");
                return v;
            }
            v.entries += 1;
            expected_seq += 1;
            after = e.seq;
            prev_hash = e.hash;
            v.head_hash = e.hash;
        }
        if (page.size() < static_cast<std::size_t>(kVerifyPage)) {
            return v;
        }
    }
}

}  // namespace segnala::store
