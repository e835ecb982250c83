// Retention: how long what reporters give is kept (the housekeeping thread enforces it).
// A reporter's contact is erased `contact_days` after the report's cases were all closed; the
// description, message subject and text, URLs as typed and screenshots after `report_days`.
// Open cases keep everything. The privacy notice prints these figures (web::Site).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace segnala::app {

class SearchTerms;

struct RetentionPolicy {
    int contact_days = 180;  ///< retention.contact_days
    int report_days = 730;   ///< retention.report_days (never shorter than contact_days)
};

class Retention {
  public:
    Retention(store::Store& store, const SearchTerms& terms, const core::Clock& clock,
              RetentionPolicy policy);

    const RetentionPolicy& policy() const { return policy_; }
    /// Erases whatever the policy says is due now, audited as "system" (action
    /// "retention.erase", one entry per transaction with the counts). Idempotent.
    /// `keep_going`: asked between transactions, so that a long first run (a database with
    /// years of closed cases) does not hold up a shutdown; what is left waits for the next run.
    core::result<store::ErasureCounts> run(const std::function<bool()>& keep_going = {});

  private:
    store::Store& store_;
    const SearchTerms& terms_;
    const core::Clock& clock_;
    RetentionPolicy policy_;
};

}  // namespace segnala::app
