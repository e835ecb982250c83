// The one versioned schema history of both backends. A migration is a list of DDL statements
// written once; the few spellings that differ use placeholders that render_ddl() substitutes:
//   {{id}}    INTEGER PRIMARY KEY AUTOINCREMENT | BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY
//   {{blob}}  BLOB                              | BYTEA
// A statement that starts with the line "-- sqlite" or "-- postgres" runs on that backend only
// (full-text search differs). Everything else is portable SQL: BIGINT for integers and booleans
// (0/1), TEXT for strings.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace segnala::store {

struct Migration {
    int version;
    std::string_view name;
    std::vector<std::string_view> statements;
};

/// All migrations, in ascending version order starting at 1 with no gaps. Add new ones at the
/// end (never edit a released one).
std::span<const Migration> migrations();

/// False when `sql` is marked for the other backend ("-- sqlite\n" / "-- postgres\n").
bool applies_to(std::string_view sql, Dialect dialect);

/// Replaces the {{…}} placeholders for `dialect`. Unknown placeholders are left as they are,
/// so the database rejects them loudly.
std::string render_ddl(std::string_view sql, Dialect dialect);

}  // namespace segnala::store
