// The object graph: the only place that names concrete backends (store/sqlite, store/postgres).
#pragma once

#include <memory>

#include "cli/config.hpp"
#include "store/store.hpp"

namespace segnala::store {
class Database;
}

namespace segnala::cli {

/// An open database and the Store over it. Throws std::runtime_error with a clear message
/// when the database cannot be opened.
struct OpenStore {
    std::unique_ptr<store::Database> db;
    std::unique_ptr<store::Store> store;
    ~OpenStore();
};

std::unique_ptr<OpenStore> open_store(const Config& cfg);

/// Applies pending migrations; throws std::runtime_error (with the versions) when the
/// database is newer than this binary.
void migrate_or_throw(store::Store& store);

/// `segnala retention run`: erases what the retention policy says is due, prints the counts.
int retention_run(const Config& cfg);

/// Runs the server until SIGTERM/SIGINT. Returns the exit code.
int serve(const Config& cfg);

}  // namespace segnala::cli
