// Golomb-Rice decoding and a minimal reader of the Safe Browsing v4 ThreatEntrySet protobuf
// (the compressed additions and removals of a hash-list update). Input is treated as hostile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace segnala::url {

/// Reads Rice-coded values from a bit stream (bits least-significant first within each
/// byte): a unary quotient (1-bits closed by a 0-bit), then a k-bit remainder.
class RiceDecoder {
  public:
    /// `k` is the Rice parameter, 0..32. `data` must outlive the decoder.
    RiceDecoder(std::span<const std::uint8_t> data, unsigned k) noexcept;

    /// The next value. Errors: errc::invalid_argument when the stream ends early, k is out of
    /// range, or the value does not fit 32 bits.
    [[nodiscard]] core::result<std::uint32_t> next() noexcept;

  private:
    [[nodiscard]] int read_bit() noexcept;  // -1 at the end of data

    std::span<const std::uint8_t> data_;
    std::size_t bit_ = 0;
    unsigned k_;
};

/// Delta-decoded values: `first_value`, then `num_entries` Rice-coded deltas added one after
/// another. Errors: errc::invalid_argument on a truncated stream, a bad parameter or a sum
/// that leaves 32 bits. Never allocates more than the data can encode.
[[nodiscard]] core::result<std::vector<std::uint32_t>> decode_rice_deltas(
    std::uint64_t first_value, unsigned k, std::uint64_t num_entries,
    std::span<const std::uint8_t> data);

/// The decoded content of one ThreatEntrySet: hash prefixes (raw bytes; Rice-coded 4-byte
/// prefixes are little-endian, as v4 specifies) and removal indices.
struct ThreatEntrySet {
    std::vector<std::string> hashes;
    std::vector<std::uint32_t> indices;
};

/// Decodes a serialized ThreatEntrySet (fields raw_hashes, raw_indices, rice_hashes,
/// rice_indices; unknown fields skipped). Errors: errc::invalid_argument on any malformed,
/// truncated or inconsistent input. Pure and thread-safe.
[[nodiscard]] core::result<ThreatEntrySet> decode_threat_entry_set(
    std::span<const std::uint8_t> bytes);

}  // namespace segnala::url
