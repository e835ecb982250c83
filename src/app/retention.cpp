#include "app/retention.hpp"

#include <spdlog/spdlog.h>

#include "app/search_terms.hpp"

namespace segnala::app {

namespace {
constexpr std::int64_t kDay = 24 * 60 * 60;
}

Retention::Retention(store::Store& store, const SearchTerms& terms, const core::Clock& clock,
                     RetentionPolicy policy)
    : store_(store), terms_(terms), clock_(clock), policy_(policy) {}

core::result<store::ErasureCounts> Retention::run() {
    const std::int64_t now = clock_.now_unix();
    store::RetentionCutoffs cutoffs;
    cutoffs.contact_before = now - policy_.contact_days * kDay;
    cutoffs.details_before = now - policy_.report_days * kDay;
    cutoffs.now = now;
    store::AuditEvent audit{now, "system", "retention.erase", "reports", ""};
    // An erased report keeps the words of its URLs (in clear, as at intake) in the search index.
    auto terms_for = [this](const std::vector<std::string>& canonical_urls) {
        return terms_.report_terms(canonical_urls, "");
    };
    SEGNALA_TRY(n, store_.erase_expired_reports(cutoffs, terms_for, audit));
    if (n.contacts + n.reports + n.attachments > 0) {
        spdlog::info(
            "retention: erased {} contact(s), the details of {} report(s), {} screenshot(s)",
            n.contacts, n.reports, n.attachments);
    }
    return n;
}

Housekeeping::Housekeeping(std::vector<Task> tasks, std::chrono::milliseconds period)
    : tasks_(std::move(tasks)), period_(period), thread_([this] { loop(); }) {}

Housekeeping::~Housekeeping() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

std::int64_t Housekeeping::rounds() const {
    std::lock_guard lock(mutex_);
    return rounds_;
}

void Housekeeping::loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        for (const auto& t : tasks_) {
            try {
                t.run();
            } catch (const std::exception& e) {
                spdlog::error("housekeeping: {} failed: {}", t.name, e.what());
            } catch (...) {
                spdlog::error("housekeeping: {} failed", t.name);
            }
        }
        lock.lock();
        ++rounds_;
        cv_.notify_all();
        cv_.wait_for(lock, period_, [this] { return stopping_; });
    }
}

}  // namespace segnala::app
