// A SQLite VFS that gathers the writes to a write-ahead log into one buffer and hands them to
// the operating system in one write when SQLite syncs the log (internal to the SQLite backend).
//
// SQLite appends a transaction to the WAL as one write of 24 bytes and one of a page for every
// page it changed, then syncs. On machines where a system call is expensive (virtual machines)
// those writes cost more than the transaction itself. Durability is unchanged: everything is
// written before the sync that makes a COMMIT durable, and SQLite publishes the new frames to
// other connections only after that sync. That ordering holds only when every COMMIT syncs the
// log, so only connections with synchronous=FULL may open a database through this VFS.
#pragma once

#include <cstdint>

namespace segnala::store::sqlite {

/// Registers the VFS once (thread-safe) and returns its name for sqlite3_open_v2.
const char* wal_vfs_name();

/// Counters over every WAL opened through the VFS in this process (for tests and benchmarks).
struct WalVfsCounters {
    std::uint64_t writes = 0;       ///< xWrite calls SQLite made on WAL files
    std::uint64_t flushes = 0;      ///< writes handed to the operating system instead
    std::uint64_t subjournals = 0;  ///< statement and savepoint journals opened in memory
};
WalVfsCounters wal_vfs_counters();

}  // namespace segnala::store::sqlite
