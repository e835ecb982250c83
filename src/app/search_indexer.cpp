#include "app/search_indexer.hpp"

#include <spdlog/spdlog.h>

#include "store/store.hpp"

namespace segnala::app {

SearchIndexer::SearchIndexer(store::Store& store, std::chrono::milliseconds period)
    : store_(store), period_(period), thread_([this] { run(); }) {}

SearchIndexer::~SearchIndexer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

std::int64_t SearchIndexer::filed() const {
    std::lock_guard lock(mutex_);
    return filed_;
}

void SearchIndexer::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        cv_.wait_for(lock, period_, [this] { return stopping_; });
        if (stopping_) {
            return;
        }
        lock.unlock();
        // One batch at a time, so that a long backlog (after a burst) shares the writer with
        // the intake instead of holding it for seconds.
        std::int64_t round = 0;
        for (;;) {
            auto n = store_.index_search_backlog(store::Store::kSearchIndexBatch);
            if (!n) {
                spdlog::warn("search indexer: {}", n.error().message());
                break;
            }
            round += n.value();
            if (n.value() < store::Store::kSearchIndexBatch) {
                break;
            }
        }
        lock.lock();
        filed_ += round;
    }
}

}  // namespace segnala::app
