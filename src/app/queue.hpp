// The triage queue as operators use it: filters typed in a form turned into a store query
// (invalid ones into field errors), the opaque keyset cursor, the ranking explained, each
// case's age against its category's triage target, the overdue summary, and the bulk actions
// with their authorization. CSAM cases exist only for operators with the csam permission.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/auth.hpp"
#include "app/intake.hpp"
#include "app/search_terms.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/queue.hpp"

namespace segnala::app {

// The store's query and outcome, used as they are by the pages.
using QueueFilter = store::QueueFilter;
using BulkOutcome = store::BulkOutcome;

/// Target time to first triage per category (config keys triage_target_<category>_hours).
struct TriageTargets {
    std::map<std::string, std::int64_t> hours = {{"csam", 2},   {"phishing", 24}, {"malware", 24},
                                                 {"fraud", 48}, {"spam", 72},     {"other", 72}};
    /// Seconds for `category` (72 h for one not listed).
    std::int64_t seconds_for(std::string_view category) const;
};

/// The queue's filter form as typed (query string). Nothing here is trusted.
struct QueueForm {
    std::string category;  ///< "" or a category name
    std::string status;    ///< "" (open), or a status name
    std::string domain;    ///< registrable domain
    std::string from;      ///< YYYY-MM-DD (UTC), cases seen on or after
    std::string to;        ///< YYYY-MM-DD (UTC), cases seen on or before
    std::string mine;      ///< "1": assigned to me
    std::string q;         ///< free text
    std::string after;     ///< opaque cursor from the previous page
};

/// Why a case ranks where it does: one reason (store::PriorityPart) in hours.
struct RankReason {
    std::string reason;  ///< "category", "reports", "ip_host", "idn", "userinfo"
    std::int64_t hours = 0;
};

struct QueueItem {
    store::QueueRow row;
    std::string display_url;  ///< defanged, never a link
    std::vector<RankReason> why;
    std::int64_t age_seconds = 0;     ///< now - first_seen
    std::int64_t target_seconds = 0;  ///< the category's triage target
    bool overdue = false;             ///< untriaged and older than its target
    std::int64_t triaged_after = -1;  ///< seconds from first report to first triage, -1 if not yet
};

struct QueueView {
    std::vector<QueueItem> items;
    std::string next;  ///< cursor of the next page, "" when this is the last
    std::int64_t now = 0;
};

/// Overdue summary for supervisors.
struct OverdueView {
    struct ByCategory {
        std::string category;
        std::int64_t target_hours = 0;
        std::int64_t cases = 0;
        std::int64_t oldest_first_seen = 0;
    };
    struct ByOperator {
        std::int64_t operator_id = 0;  ///< 0 = unassigned
        std::string username;
        std::int64_t cases = 0;
    };
    std::vector<ByCategory> by_category;
    std::vector<ByOperator> by_operator;
    std::int64_t total = 0;
};

/// A bulk action as posted by the queue page.
struct BulkForm {
    std::string action;                 ///< "take", "assign", "close"
    std::vector<std::string> case_ids;  ///< decimal ids, as posted
    std::string assignee;               ///< username (assign)
    std::string reason;                 ///< close: a reason code (kCloseReasons)
};

inline constexpr const char* kCloseReasons[] = {"duplicate", "not_malicious", "offline",
                                                "insufficient", "out_of_scope"};

/// Opaque cursor text (base64url) for a position, and back. errc::invalid_argument for text
/// that is not a cursor this function made.
std::string encode_cursor(const store::QueueCursor& c);
core::result<store::QueueCursor> decode_cursor(std::string_view text);

class Queue {
  public:
    Queue(store::Queue& queue, store::Store& store, const SearchTerms& terms,
          const core::Clock& clock, TriageTargets targets = {});

    /// Validates `form` into a store query: field errors ("category", "status", "domain",
    /// "from", "to", "after"; codes in queue.cpp) and nothing else when any is wrong.
    std::vector<FieldError> parse(const QueueForm& form, const Principal& who,
                                  store::QueueFilter& out) const;

    /// One page of the queue for `who`. Blocks. Errors from the store.
    core::result<QueueView> page(const store::QueueFilter& filter);

    /// Overdue untriaged cases by category and operator. errc::permission_denied below
    /// supervisor. Blocks.
    core::result<OverdueView> overdue(const Principal& who);

    /// A bulk action on a selection. Errors: permission_denied (take: any operator; close:
    /// analyst; assign: supervisor), invalid_argument (no selection, more than store::kMaxBulk,
    /// a malformed id, unknown action or reason), not_found (assignee unknown or disabled).
    /// Blocks until COMMIT.
    core::result<store::BulkOutcome> bulk(const Principal& who, const BulkForm& form);

    const TriageTargets& targets() const { return targets_; }
    const SearchTerms& terms() const { return terms_; }

  private:
    store::Queue& queue_;
    store::Store& store_;
    const SearchTerms& terms_;
    const core::Clock& clock_;
    TriageTargets targets_;
};

}  // namespace segnala::app
