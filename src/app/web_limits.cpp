#include "app/web_limits.hpp"

#include "store/store.hpp"

namespace segnala::app {

WebLimits::WebLimits(store::Store& store, const core::Clock& clock, WebLimitSettings settings)
    : store_(store), clock_(clock), settings_(settings) {}

WebLimits::Window WebLimits::window(WebLimit limit, const std::string& client_key) const {
    std::int64_t length = settings_.report_window_seconds;
    Window w;
    switch (limit) {
        case WebLimit::verified_report:
            w.key = "web-report-verified:";
            w.max = settings_.verified_reports;
            break;
        case WebLimit::unverified_report:
            w.key = "web-report-unverified:";
            w.max = settings_.unverified_reports;
            break;
        case WebLimit::status_lookup:
            w.key = "web-status:";
            w.max = settings_.status_lookups;
            length = settings_.status_window_seconds;
            break;
    }
    w.key += client_key;
    const std::int64_t now = clock_.now_unix();
    w.start = now - now % length;
    w.retry_after = w.start + length - now;
    return w;
}

core::result<LimitDecision> WebLimits::hit(WebLimit limit, const std::string& client_key) {
    const Window w = window(limit, client_key);
    auto count = store_.throttle_hit(w.key, w.start);
    if (!count) {
        return count.error();
    }
    if (count.value() > w.max) {
        return LimitDecision{false, w.retry_after};
    }
    return LimitDecision{};
}

core::result<LimitDecision> WebLimits::peek(WebLimit limit, const std::string& client_key) {
    const Window w = window(limit, client_key);
    auto count = store_.throttle_count(w.key, w.start);
    if (!count) {
        return count.error();
    }
    if (count.value() >= w.max) {
        return LimitDecision{false, w.retry_after};
    }
    return LimitDecision{};
}

}  // namespace segnala::app
