// Rate limits of the partner API: a token bucket per API key, kept in this process, and a
// fixed window per client (keyed IP hash) counted in the database, shared by all instances.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace segnala::store {
class Store;
}

namespace segnala::app {

struct RateLimiterSettings {
    /// Anonymous status lookups per client per window.
    int client_lookups_per_window = 60;
    std::int64_t client_window_seconds = 60;
    /// Buckets not touched for this long are dropped (memory bound).
    std::int64_t idle_bucket_seconds = 300;
};

struct RateDecision {
    bool allowed = true;
    std::int64_t retry_after = 0;  ///< seconds (>= 1) when refused
};

/// Thread-safe.
class RateLimiter {
  public:
    RateLimiter(store::Store& store, const core::Clock& clock, RateLimiterSettings settings = {});

    /// Per-key token bucket: `rate` requests per second with a burst of `rate` (0 = no limit).
    /// In-process: with N instances behind a balancer a key gets up to N x rate in total,
    /// which is the documented trade for not writing to the database on every request.
    /// Non-blocking.
    RateDecision allow_key(std::int64_t key_id, int rate);

    /// Per-client fixed window counted with Store::throttle_hit, so every instance sees the
    /// same count. Blocks on the database. Errors: the store's.
    core::result<RateDecision> allow_client_lookup(const std::string& client_key);

  private:
    struct Bucket {
        double tokens = 0;
        std::int64_t last_micros = 0;
    };

    store::Store& store_;
    const core::Clock& clock_;
    RateLimiterSettings settings_;
    std::mutex mu_;
    std::unordered_map<std::int64_t, Bucket> buckets_;
    std::int64_t last_sweep_micros_ = 0;
};

}  // namespace segnala::app
