// $n placeholders: the one parameter syntax of our SQL, native on PostgreSQL and bound by name
// on SQLite. Helpers to check that a statement and its parameters agree.
#pragma once

#include <optional>
#include <string_view>

namespace segnala::store {

/// The highest $n placeholder in `sql`, ignoring quoted strings, quoted identifiers and
/// comments; 0 when there is none. Returns nullopt when a placeholder is malformed ($0, $ with
/// no digits followed by an identifier character, or a number too large).
std::optional<int> max_placeholder(std::string_view sql);

/// The number n of a placeholder name "$n" as SQLite reports it; nullopt for any other form
/// (":name", "?", "@x", "$0", "$1a").
std::optional<int> placeholder_number(std::string_view name);

}  // namespace segnala::store
