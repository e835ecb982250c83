// The audit chain's hash: SHA-256 over an unambiguous serialization of an entry, so that no two
// different entries (or field splits) serialize to the same bytes.
#pragma once

#include <string>
#include <string_view>

#include "store/store.hpp"

namespace segnala::store {

/// "segnala-audit-v1" then, for prev_hash, seq, at, actor, action, object, detail in this
/// order: the field's byte length in decimal, ':', the bytes, ';'. Integers are written in
/// decimal. Example: "segnala-audit-v1;0:;1:1;2:42;3:cli;..." (see audit_hash_test.cpp).
std::string audit_canonical(const AuditEntry& e);

/// Lower-case hex SHA-256 of audit_canonical(e); e.hash is ignored.
std::string audit_hash(const AuditEntry& e);

/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace segnala::store
