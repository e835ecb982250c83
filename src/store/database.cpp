#include "store/database.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <type_traits>

namespace segnala::store {

std::int64_t Value::as_int64() const {
    if (const auto* i = std::get_if<std::int64_t>(&v_)) {
        return *i;
    }
    if (const auto* d = std::get_if<double>(&v_)) {
        return static_cast<std::int64_t>(*d);
    }
    if (const auto* s = std::get_if<std::string>(&v_)) {
        try {
            return std::stoll(*s);
        } catch (...) {
            return 0;
        }
    }
    return 0;
}

double Value::as_double() const {
    if (const auto* d = std::get_if<double>(&v_)) {
        return *d;
    }
    if (const auto* i = std::get_if<std::int64_t>(&v_)) {
        return static_cast<double>(*i);
    }
    if (const auto* s = std::get_if<std::string>(&v_)) {
        try {
            return std::stod(*s);
        } catch (...) {
            return 0;
        }
    }
    return 0;
}

std::string Value::as_text() const {
    return std::visit(
        [](const auto& x) -> std::string {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, std::monostate>) {
                return {};
            } else if constexpr (std::is_same_v<X, std::string>) {
                return x;
            } else if constexpr (std::is_same_v<X, Blob>) {
                return x.bytes;
            } else {
                return std::to_string(x);
            }
        },
        v_);
}

Blob Value::as_blob() const {
    if (const auto* b = std::get_if<Blob>(&v_)) {
        return *b;
    }
    if (is_null()) {
        return {};
    }
    return Blob{as_text()};
}

CommitStats::CommitStats() {
    stats_.commit_latency_us_buckets.assign(std::size(kCommitLatencyBoundsUs), 0);
    stats_.batch_size_buckets.assign(std::size(kBatchSizeBounds), 0);
}

void CommitStats::record(std::uint64_t latency_us, std::uint64_t batch, std::uint64_t committed) {
    std::lock_guard lock(mutex_);
    stats_.commits += 1;
    stats_.writes += committed;
    stats_.commit_latency_us_sum += static_cast<double>(latency_us);
    stats_.batch_size_sum += batch;
    // Cumulative buckets (Prometheus style): every bucket whose bound holds the value counts it.
    for (std::size_t i = 0; i < std::size(kCommitLatencyBoundsUs); ++i) {
        if (latency_us <= kCommitLatencyBoundsUs[i]) {
            stats_.commit_latency_us_buckets[i] += 1;
        }
    }
    for (std::size_t i = 0; i < std::size(kBatchSizeBounds); ++i) {
        if (batch <= kBatchSizeBounds[i]) {
            stats_.batch_size_buckets[i] += 1;
        }
    }
}

StoreStats CommitStats::snapshot() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

}  // namespace segnala::store
