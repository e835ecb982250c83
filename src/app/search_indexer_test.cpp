// SearchIndexer over a real SQLite file: reports reach the full-text index without anyone
// searching, in batches, and the thread stops cleanly.
#include "app/search_indexer.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "store/database.hpp"
#include "store/sqlite/sqlite_database.hpp"
#include "store/store.hpp"

namespace segnala::app {
namespace {

TEST(SearchIndexer, FilesTheBacklogInTheBackground) {
    std::random_device rd;
    const auto dir = std::filesystem::temp_directory_path() /
                     ("segnala-indexer-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    auto db = store::open_sqlite({.path = (dir / "t.db").string()}).value();
    store::Store st(*db);
    ASSERT_TRUE(st.migrate());

    // More than one batch, so that a round files several.
    const int reports = store::Store::kSearchIndexBatch + 7;
    for (int i = 0; i < reports; ++i) {
        store::NewReport r;
        r.code = "C" + std::to_string(i);
        r.category = "spam";
        r.channel = "api";
        r.created_at = 1000 + i;
        r.search_terms = "indexerword w" + std::to_string(i);
        store::NewReportUrl u;
        u.canonical = "http://indexer.example/" + std::to_string(i);
        u.url_hash = "h" + std::to_string(i);
        u.host = "indexer.example";
        u.registrable_domain = "indexer.example";
        u.original_sealed = "s";
        r.urls.push_back(u);
        ASSERT_TRUE(st.add_report(r));
    }
    auto indexed = [&] {
        return db
            ->read_as<std::int64_t>([](store::Tx& tx) -> core::result<std::int64_t> {
                SEGNALA_TRY(n, tx.query("SELECT COUNT(*) FROM report_search WHERE report_search "
                                        "MATCH 'indexerword'"));
                return n.int64(0, 0);
            })
            .value();
    };
    EXPECT_EQ(indexed(), 0);
    {
        SearchIndexer indexer(st, std::chrono::milliseconds(10));
        for (int i = 0; i < 500 && indexer.filed() < reports; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        EXPECT_EQ(indexer.filed(), reports);
    }
    EXPECT_EQ(indexed(), reports);
    EXPECT_EQ(st.index_search_backlog(100).value(), 0);
    db->close();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace segnala::app
