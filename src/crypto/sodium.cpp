#include "crypto/sodium.hpp"

#include <cstdio>
#include <cstdlib>

#include <sodium.h>

namespace segnala::crypto::detail {

void ensure_sodium() noexcept {
    // A function-local static is initialised exactly once even under concurrent first calls.
    static const bool initialised = [] {
        if (sodium_init() < 0) {
            std::fputs("segnala: libsodium failed to initialise\n", stderr);
            std::abort();
        }
        return true;
    }();
    (void)initialised;
}

}  // namespace segnala::crypto::detail
