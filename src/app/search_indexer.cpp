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
        // Batch by batch (Store::kSearchIndexBatch a transaction), so that a long backlog after
        // a burst shares the writer with the intake; an empty backlog costs one read, no write.
        auto n = store_.index_all_search_backlog();
        if (!n) {
            spdlog::warn("search indexer: {}", n.error().message());
        }
        const std::int64_t round = n ? n.value() : 0;
        lock.lock();
        filed_ += round;
    }
}

}  // namespace segnala::app
