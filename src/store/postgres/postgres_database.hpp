// The PostgreSQL backend (libpq): a pool of connections, each write in its own BEGIN…COMMIT,
// a dropped connection reset and the transaction retried when nothing was sent yet.
#pragma once

#include <memory>
#include <string>

#include "core/error.hpp"
#include "store/database.hpp"

namespace segnala::store {

struct PostgresSettings {
    std::string conninfo;                      ///< "postgresql://…" URL or "key=value" string
    int pool_size = 8;                         ///< most connections open at once
    std::string schema;                        ///< when set ([a-z0-9_]+), the search_path
    std::string application_name = "segnala";  ///< shown in pg_stat_activity
    int connect_timeout_s = 10;
    int acquire_timeout_ms = 30000;  ///< wait for a free connection, then unavailable
};

/// Connects once (to fail early on a wrong URL or a down server) and returns the pool.
/// Does not migrate. errc::unavailable when the server cannot be reached (logged with libpq's
/// message, without the password), errc::invalid_argument on bad settings.
[[nodiscard]] core::result<std::unique_ptr<Database>> open_postgres(
    const PostgresSettings& settings);

}  // namespace segnala::store
