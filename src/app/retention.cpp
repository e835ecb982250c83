#include "app/retention.hpp"

#include <spdlog/spdlog.h>

#include "app/search_terms.hpp"

namespace segnala::app {

namespace {
constexpr std::int64_t kDay = 24 * 60 * 60;
constexpr int kBatch = 200;  // reports a transaction: short enough to share the writer
}  // namespace

Retention::Retention(store::Store& store, const SearchTerms& terms, const core::Clock& clock,
                     RetentionPolicy policy)
    : store_(store), terms_(terms), clock_(clock), policy_(policy) {}

core::result<store::ErasureCounts> Retention::run(const std::function<bool()>& keep_going) {
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
    SEGNALA_TRY(n, store_.erase_expired_reports(cutoffs, terms_for, audit, kBatch, keep_going));
    if (n.contacts + n.reports + n.attachments > 0) {
        spdlog::info(
            "retention: erased {} contact(s), the details of {} report(s), {} screenshot(s)",
            n.contacts, n.reports, n.attachments);
    }
    return n;
}

}  // namespace segnala::app
