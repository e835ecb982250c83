// The triage queue over the cases table (migration 3): ranked listing with keyset pagination
// and filters, full-text search through report_search, overdue counts, and the bulk actions
// of the queue page (take, assign, close as not actionable), each audited in its transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace segnala::store {

class Database;

/// Position after the last row of a page: the queue is ordered by (restricted DESC,
/// priority DESC, id DESC), so these three values say exactly where the next page starts.
struct QueueCursor {
    std::int64_t restricted = 0;
    std::int64_t priority = 0;
    std::int64_t id = 0;
    bool operator==(const QueueCursor&) const = default;
};

struct QueueFilter {
    /// May the caller see CSAM cases (the csam permission)? When false, restricted cases are
    /// excluded from every list, count and search.
    bool include_restricted = false;
    std::string category;            ///< "" = any
    std::string status;              ///< "" = every open status; else exactly this status
    std::string registrable_domain;  ///< "" = any
    std::int64_t seen_from = 0;      ///< cases with last_seen >= this (0 = no bound)
    std::int64_t seen_until = 0;     ///< cases with first_seen < this (0 = no bound)
    std::int64_t assigned_to = 0;    ///< 0 = anyone
    /// Full-text query: AND of groups, each an OR of tokens. Every token must be 1–64 of
    /// [a-z0-9] (errc::invalid_argument otherwise), so nothing typed by a user becomes SQL or
    /// FTS syntax. Empty = no text condition.
    std::vector<std::vector<std::string>> text;
    std::optional<QueueCursor> after;
    int limit = 50;  ///< clamped to [1, 200]
};

struct QueueRow {
    std::int64_t id = 0;
    std::string category;
    std::string status;
    std::int64_t status_at = 0;
    std::string canonical_url;
    std::string host;
    std::string registrable_domain;
    std::int64_t report_count = 0;
    std::int64_t first_seen = 0;
    std::int64_t last_seen = 0;
    std::string signals;
    std::int64_t priority = 0;
    bool restricted = false;
    std::int64_t assigned_to = 0;
    std::string assigned_username;  ///< "" when unassigned
    std::int64_t first_triage_at = 0;
};

struct QueuePage {
    std::vector<QueueRow> rows;
    std::optional<QueueCursor> next;  ///< set when there may be more rows after these
};

/// Overdue open untriaged cases, counted per category and assigned operator.
struct OverdueCount {
    std::string category;
    std::int64_t assigned_to = 0;  ///< 0 = unassigned
    std::string assigned_username;
    std::int64_t cases = 0;
    std::int64_t oldest_first_seen = 0;
};

/// A category's deadline: cases first seen before `first_seen_before` and not yet triaged are
/// overdue.
struct OverdueDeadline {
    std::string category;
    std::int64_t first_seen_before = 0;
};

enum class BulkAction { take, assign, close_not_actionable };

/// One action over a selection of cases, done in one transaction: a case_events row and an
/// audit entry per changed case. Cases the actor may not see, merged cases and cases the
/// action does not apply to (closed ones for take/assign) are skipped, never reported as such.
struct BulkRequest {
    BulkAction action = BulkAction::take;
    std::vector<std::int64_t> case_ids;  ///< at most kMaxBulk
    std::int64_t actor_id = 0;           ///< the operator acting
    std::int64_t at_micros = 0;
    bool include_restricted = false;  ///< the actor's csam permission
    std::int64_t assignee = 0;        ///< assign: operator id (0 = unassign)
    bool assignee_csam = false;       ///< assign: may the assignee see restricted cases
    std::string reason;               ///< close: a reason code of [a-z_], 1–32 characters
};

struct BulkOutcome {
    std::vector<std::int64_t> changed;
    std::int64_t skipped = 0;
};

inline constexpr std::size_t kMaxBulk = 200;

class Queue {
  public:
    explicit Queue(Database& db);

    /// One page of the queue. Blocks (a read transaction). errc::invalid_argument for a bad
    /// text token.
    [[nodiscard]] core::result<QueuePage> list(const QueueFilter& f);
    /// How many cases match `f` (cursor and limit ignored). Blocks.
    [[nodiscard]] core::result<std::int64_t> count(const QueueFilter& f);
    /// Overdue open untriaged cases by category and assigned operator. Blocks.
    [[nodiscard]] core::result<std::vector<OverdueCount>> overdue(
        const std::vector<OverdueDeadline>& deadlines, bool include_restricted);
    /// Applies a bulk action. errc::invalid_argument for an empty or oversized selection, or a
    /// malformed reason. Blocks until COMMIT.
    [[nodiscard]] core::result<BulkOutcome> apply(const BulkRequest& r);

    /// Reports a text query must match to be searched by walking the queue (default 15000).
    void set_common_matches_for_test(int n) { common_matches_ = n; }

  private:
    Database& db_;
    int common_matches_ = 15000;
};

/// True when `token` is 1–64 characters of [a-z0-9] (what search tokens may be).
bool is_search_token(std::string_view token);

}  // namespace segnala::store
