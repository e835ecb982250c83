// The embedded SQLite backend: WAL, synchronous=FULL, one writer thread that commits queued
// writes in groups (group commit), readers on their own connections, and a checkpointer thread
// that copies the log into the database file off the writer's path.
#pragma once

#include <memory>
#include <string>

#include "core/error.hpp"
#include "store/database.hpp"

namespace segnala::store {

struct SqliteSettings {
    std::string path;              ///< database file; created when missing
    int busy_timeout_ms = 5000;    ///< how long a connection waits on a lock before "busy"
    int max_batch = 256;           ///< most write functions committed in one transaction
    int max_idle_readers = 64;     ///< reader connections kept open between reads (one per
                                   ///< worker thread avoids reopening files on every read)
    int checkpoint_frames = 4000;  ///< a checkpointer thread copies the write-ahead log into
                                   ///< the database once it holds this many pages
    int writer_checkpoint_frames = 40000;  ///< past this the writer copies it itself, waiting
                                           ///< (a backstop when the checkpointer falls behind)
    int writer_cache_kib = 65536;  ///< the writer's page cache: the indexes that new reports
                                   ///< land in at random places (codes, URL hashes, domains)
                                   ///< stay in memory instead of being read back page by page
};

/// Opens (creating if needed) the database file and starts the writer thread. Does not migrate.
/// errc::unavailable when the file cannot be opened or configured (logged with the reason).
[[nodiscard]] core::result<std::unique_ptr<Database>> open_sqlite(const SqliteSettings& settings);

}  // namespace segnala::store
