// Internal: one-time, thread-safe libsodium initialisation shared by every file of the module.
#pragma once

namespace segnala::crypto::detail {

/// Initialises libsodium once (thread-safe; later calls are a cheap check). Aborts the process
/// if libsodium cannot initialise (no entropy source): nothing in this module is safe then.
void ensure_sodium() noexcept;

}  // namespace segnala::crypto::detail
