#include "app/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

#include "store/store.hpp"

namespace segnala::app {

RateLimiter::RateLimiter(store::Store& store, const core::Clock& clock,
                         RateLimiterSettings settings)
    : store_(store), clock_(clock), settings_(settings) {}

RateDecision RateLimiter::allow_key(std::int64_t key_id, int rate) {
    if (rate <= 0) {
        return {};
    }
    const std::int64_t now = clock_.now_micros();
    const double capacity = rate;
    std::lock_guard lock(mu_);
    const std::int64_t idle = settings_.idle_bucket_seconds * 1'000'000;
    if (now - last_sweep_micros_ > idle) {
        // Full buckets carry no information: dropping idle ones changes no decision.
        std::erase_if(buckets_, [&](const auto& kv) { return now - kv.second.last_micros > idle; });
        last_sweep_micros_ = now;
    }
    auto [it, fresh] = buckets_.try_emplace(key_id, Bucket{capacity, now});
    Bucket& b = it->second;
    if (!fresh) {
        const double elapsed = static_cast<double>(std::max<std::int64_t>(0, now - b.last_micros));
        b.tokens = std::min(capacity, b.tokens + elapsed * rate / 1e6);
        b.last_micros = now;
    }
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return {};
    }
    const double wait_seconds = (1.0 - b.tokens) / rate;
    return {false, std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait_seconds)))};
}

core::result<RateDecision> RateLimiter::allow_client_lookup(const std::string& client_key) {
    const std::int64_t now = clock_.now_unix();
    const std::int64_t window = settings_.client_window_seconds;
    const std::int64_t start = now - now % window;
    SEGNALA_TRY(hits, store_.throttle_hit("api-lookup:" + client_key, start));
    if (hits > settings_.client_lookups_per_window) {
        return RateDecision{false, std::max<std::int64_t>(1, start + window - now)};
    }
    return RateDecision{};
}

}  // namespace segnala::app
