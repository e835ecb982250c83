// The search indexer: a background thread that files the reports waiting in the search backlog
// into the full-text index, many per transaction, so that the intake does not pay for the index.
// A search empties the backlog itself first (app::Queue), so this only keeps the backlog short.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "app/housekeeping.hpp"

namespace segnala::store {
class Store;
}

namespace segnala::app {

class SearchIndexer {
  public:
    /// Starts the thread; it looks at the backlog at once and then every `period`.
    SearchIndexer(store::Store& store, std::chrono::milliseconds period);
    SearchIndexer(const SearchIndexer&) = delete;
    SearchIndexer& operator=(const SearchIndexer&) = delete;

    /// Reports filed so far.
    std::int64_t filed() const { return filed_.load(); }

  private:
    void round();

    store::Store& store_;
    std::atomic<std::int64_t> filed_{0};
    Housekeeping thread_;  // last: stopped (after the round in progress) before the rest goes
};

}  // namespace segnala::app
