#include "app/search_indexer.hpp"

#include <spdlog/spdlog.h>

#include "store/store.hpp"

namespace segnala::app {

SearchIndexer::SearchIndexer(store::Store& store, std::chrono::milliseconds period)
    : store_(store), thread_({{"search indexer", [this] { round(); }}}, period) {}

void SearchIndexer::round() {
    // Batch by batch (Store::kSearchIndexBatch a transaction), so that a long backlog after a
    // burst shares the writer with the intake; an empty backlog costs one read, no write.
    auto n = store_.index_all_search_backlog();
    if (!n) {
        spdlog::warn("search indexer: {}", n.error().message());
        return;
    }
    filed_ += n.value();
}

}  // namespace segnala::app
