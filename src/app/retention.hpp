// Retention: how long what reporters give is kept, and the background rounds that enforce it.
// A reporter's contact is erased `contact_days` after the report's cases were all closed; the
// description, message subject and text, URLs as typed and screenshots after `report_days`.
// Open cases keep everything. The privacy notice prints these figures (web::Site).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
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
    core::result<store::ErasureCounts> run();

  private:
    store::Store& store_;
    const SearchTerms& terms_;
    const core::Clock& clock_;
    RetentionPolicy policy_;
};

/// Runs its tasks one after the other on a thread of its own: the first round at once, then
/// every `period`. A task that throws is logged and the others still run.
class Housekeeping {
  public:
    struct Task {
        std::string name;
        std::function<void()> run;
    };
    Housekeeping(std::vector<Task> tasks, std::chrono::milliseconds period);
    /// Stops after the round in progress. Call before closing the database.
    ~Housekeeping();
    Housekeeping(const Housekeeping&) = delete;
    Housekeeping& operator=(const Housekeeping&) = delete;

    /// Rounds completed so far.
    std::int64_t rounds() const;

  private:
    void loop();

    const std::vector<Task> tasks_;
    const std::chrono::milliseconds period_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::int64_t rounds_ = 0;
    std::thread thread_;
};

}  // namespace segnala::app
