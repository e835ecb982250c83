// The database URL of the configuration: "sqlite:PATH" or "postgresql://USER@HOST:PORT/DB?…".
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace segnala::store {

struct DatabaseUrl {
    enum class Kind { sqlite, postgres };
    Kind kind = Kind::sqlite;
    std::string sqlite_path;  ///< sqlite: the file path ("sqlite:///abs" gives "/abs")
    std::string conninfo;     ///< postgres: the URL as given, for libpq (which decodes it)
    // postgres, decoded, for messages and checks; empty when absent
    std::string user;
    std::string host;
    int port = 0;  ///< 0 = libpq's default
    std::string dbname;
    bool has_password = false;

    /// The URL with any password replaced by "***", safe to log.
    std::string redacted() const;
};

/// Parses a database URL. Accepted: "sqlite:PATH", "sqlite://PATH" (PATH relative or, with a
/// third slash, absolute), "postgresql://…" and "postgres://…" ([user[:password]@][host
/// [:port]][/dbname][?key=value&…], host may be [IPv6]). errc::invalid_argument otherwise, with
/// a message for humans in *why when given (it never contains the password).
[[nodiscard]] core::result<DatabaseUrl> parse_database_url(std::string_view url,
                                                           std::string* why = nullptr);

}  // namespace segnala::store
