// The search indexer: a background thread that files the reports waiting in the search backlog
// into the full-text index, many per transaction, so that the intake does not pay for the index.
// A search empties the backlog itself first (app::Queue), so this only keeps the backlog short.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace segnala::store {
class Store;
}

namespace segnala::app {

class SearchIndexer {
  public:
    /// Starts the thread; it looks at the backlog every `period`.
    SearchIndexer(store::Store& store, std::chrono::milliseconds period);
    /// Stops the thread (after the round in progress). Call before closing the database.
    ~SearchIndexer();
    SearchIndexer(const SearchIndexer&) = delete;
    SearchIndexer& operator=(const SearchIndexer&) = delete;

    /// Reports filed so far.
    std::int64_t filed() const;

  private:
    void run();

    store::Store& store_;
    const std::chrono::milliseconds period_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::int64_t filed_ = 0;
    std::thread thread_;
};

}  // namespace segnala::app
