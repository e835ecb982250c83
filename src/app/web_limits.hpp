// Per-client rate limits of the public pages: report submissions (a generous limit for
// reporters who passed the proof of work, a strict one for those who did not) and status
// lookups. Counted in fixed windows in the store, so several instances share them.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace segnala::store {
class Store;
}

namespace segnala::app {

struct WebLimitSettings {
    /// Reports per client key per window, with a valid proof of work.
    std::int64_t verified_reports = 30;
    /// Reports per client key per window without one (JavaScript off, forged or reused).
    std::int64_t unverified_reports = 5;
    std::int64_t report_window_seconds = 60 * 60;
    /// Status lookups per client key per window.
    std::int64_t status_lookups = 20;
    std::int64_t status_window_seconds = 10 * 60;
};

enum class WebLimit { verified_report, unverified_report, status_lookup };

/// The answer of a check: allowed, or refused until `retry_after` seconds from now.
struct LimitDecision {
    bool allowed = true;
    std::int64_t retry_after = 0;
};

class WebLimits {
  public:
    WebLimits(store::Store& store, const core::Clock& clock, WebLimitSettings settings = {});

    /// Counts one use of `limit` by `client_key` and says whether it is within the limit.
    /// Blocking (one database write). Thread-safe. Errors: those of the store.
    [[nodiscard]] core::result<LimitDecision> hit(WebLimit limit, const std::string& client_key);
    /// Whether one more use would be within the limit, without counting it. Blocking read.
    [[nodiscard]] core::result<LimitDecision> peek(WebLimit limit, const std::string& client_key);

    const WebLimitSettings& settings() const { return settings_; }

  private:
    struct Window {
        std::string key;
        std::int64_t start = 0;
        std::int64_t max = 0;
        std::int64_t retry_after = 0;
    };
    Window window(WebLimit limit, const std::string& client_key) const;

    store::Store& store_;
    const core::Clock& clock_;
    WebLimitSettings settings_;
};

}  // namespace segnala::app
