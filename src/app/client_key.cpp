#include "app/client_key.hpp"

#include "crypto/hash.hpp"
#include "crypto/random.hpp"

namespace segnala::app {

ClientKeyer::ClientKeyer(std::string master_key, const core::Clock& clock)
    : master_key_(std::move(master_key)), clock_(clock) {}

std::string ClientKeyer::key(std::string_view ip) const {
    crypto::DailyRotatingHasher hasher(master_key_);
    return hasher.client_key(ip, clock_.now_unix());
}

std::string random_token(std::size_t bytes) {
    return crypto::random_token(bytes);
}

bool secure_equal(std::string_view a, std::string_view b) {
    return crypto::equal(a, b);
}

}  // namespace segnala::app
