#include "url/rice.hpp"

#include <algorithm>
#include <string_view>

namespace segnala::url {
namespace {

using core::errc;

// Protobuf wire types.
constexpr unsigned kVarint = 0;
constexpr unsigned kFixed64 = 1;
constexpr unsigned kLengthDelimited = 2;
constexpr unsigned kFixed32 = 5;

class ProtoReader {
  public:
    explicit ProtoReader(std::span<const std::uint8_t> data) noexcept : data_(data) {}

    [[nodiscard]] bool done() const noexcept { return pos_ >= data_.size(); }

    bool varint(std::uint64_t& value) noexcept {
        value = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            if (pos_ >= data_.size()) {
                return false;
            }
            std::uint8_t byte = data_[pos_++];
            value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
            if ((byte & 0x80) == 0) {
                return true;
            }
        }
        return false;
    }

    bool tag(unsigned& field, unsigned& wire) noexcept {
        std::uint64_t key = 0;
        if (!varint(key) || (key >> 3) == 0 || (key >> 3) > 0x1FFFFFFF) {
            return false;
        }
        field = static_cast<unsigned>(key >> 3);
        wire = static_cast<unsigned>(key & 7);
        return true;
    }

    bool bytes(std::span<const std::uint8_t>& out) noexcept {
        std::uint64_t length = 0;
        if (!varint(length) || length > data_.size() - pos_) {
            return false;
        }
        out = data_.subspan(pos_, static_cast<std::size_t>(length));
        pos_ += static_cast<std::size_t>(length);
        return true;
    }

    bool skip(unsigned wire) noexcept {
        std::uint64_t ignored = 0;
        std::span<const std::uint8_t> ignored_bytes;
        switch (wire) {
            case kVarint:
                return varint(ignored);
            case kFixed64:
                return advance(8);
            case kLengthDelimited:
                return bytes(ignored_bytes);
            case kFixed32:
                return advance(4);
            default:
                return false;  // groups are not used by this message
        }
    }

  private:
    bool advance(std::size_t n) noexcept {
        if (n > data_.size() - pos_) {
            return false;
        }
        pos_ += n;
        return true;
    }

    std::span<const std::uint8_t> data_;
    std::size_t pos_ = 0;
};

struct RiceFields {
    std::uint64_t first_value = 0;
    std::uint64_t k = 0;
    std::uint64_t num_entries = 0;
    std::span<const std::uint8_t> data;
};

bool read_rice_fields(std::span<const std::uint8_t> message, RiceFields& out) {
    ProtoReader reader(message);
    while (!reader.done()) {
        unsigned field = 0;
        unsigned wire = 0;
        if (!reader.tag(field, wire)) {
            return false;
        }
        std::uint64_t* target = field == 1   ? &out.first_value
                                : field == 2 ? &out.k
                                : field == 3 ? &out.num_entries
                                             : nullptr;
        if (target != nullptr && wire == kVarint) {
            if (!reader.varint(*target)) {
                return false;
            }
        } else if (field == 4 && wire == kLengthDelimited) {
            if (!reader.bytes(out.data)) {
                return false;
            }
        } else if (!reader.skip(wire)) {
            return false;
        }
    }
    return true;
}

core::result<std::vector<std::uint32_t>> decode_rice_message(std::span<const std::uint8_t> m) {
    RiceFields fields;
    if (!read_rice_fields(m, fields) || fields.k > 32 || fields.first_value > 0xFFFFFFFFull) {
        return errc::invalid_argument;
    }
    return decode_rice_deltas(fields.first_value, static_cast<unsigned>(fields.k),
                              fields.num_entries, fields.data);
}

bool read_raw_hashes(std::span<const std::uint8_t> message, ThreatEntrySet& out) {
    ProtoReader reader(message);
    std::uint64_t prefix_size = 0;
    std::span<const std::uint8_t> raw;
    while (!reader.done()) {
        unsigned field = 0;
        unsigned wire = 0;
        if (!reader.tag(field, wire)) {
            return false;
        }
        if (field == 1 && wire == kVarint) {
            if (!reader.varint(prefix_size)) {
                return false;
            }
        } else if (field == 2 && wire == kLengthDelimited) {
            if (!reader.bytes(raw)) {
                return false;
            }
        } else if (!reader.skip(wire)) {
            return false;
        }
    }
    if (raw.empty()) {
        return true;
    }
    if (prefix_size < 4 || prefix_size > 32 || raw.size() % prefix_size != 0) {
        return false;
    }
    for (std::size_t i = 0; i < raw.size(); i += prefix_size) {
        out.hashes.emplace_back(reinterpret_cast<const char*>(raw.data() + i), prefix_size);
    }
    return true;
}

bool read_raw_indices(std::span<const std::uint8_t> message, ThreatEntrySet& out) {
    ProtoReader reader(message);
    while (!reader.done()) {
        unsigned field = 0;
        unsigned wire = 0;
        if (!reader.tag(field, wire)) {
            return false;
        }
        std::uint64_t value = 0;
        if (field == 1 && wire == kVarint) {
            if (!reader.varint(value) || value > 0xFFFFFFFFull) {
                return false;
            }
            out.indices.push_back(static_cast<std::uint32_t>(value));
        } else if (field == 1 && wire == kLengthDelimited) {  // packed
            std::span<const std::uint8_t> packed;
            if (!reader.bytes(packed)) {
                return false;
            }
            ProtoReader inner(packed);
            while (!inner.done()) {
                if (!inner.varint(value) || value > 0xFFFFFFFFull) {
                    return false;
                }
                out.indices.push_back(static_cast<std::uint32_t>(value));
            }
        } else if (!reader.skip(wire)) {
            return false;
        }
    }
    return true;
}

}  // namespace

RiceDecoder::RiceDecoder(std::span<const std::uint8_t> data, unsigned k) noexcept
    : data_(data), k_(k) {}

int RiceDecoder::read_bit() noexcept {
    if (bit_ >= data_.size() * 8) {
        return -1;
    }
    int bit = (data_[bit_ / 8] >> (bit_ % 8)) & 1;
    ++bit_;
    return bit;
}

core::result<std::uint32_t> RiceDecoder::next() noexcept {
    if (k_ > 32) {
        return errc::invalid_argument;
    }
    std::uint64_t quotient = 0;
    while (true) {
        int bit = read_bit();
        if (bit < 0) {
            return errc::invalid_argument;
        }
        if (bit == 0) {
            break;
        }
        if (++quotient > 0xFFFFFFFFull) {
            return errc::invalid_argument;
        }
    }
    std::uint64_t remainder = 0;
    for (unsigned i = 0; i < k_; ++i) {
        int bit = read_bit();
        if (bit < 0) {
            return errc::invalid_argument;
        }
        remainder |= static_cast<std::uint64_t>(bit) << i;
    }
    if (k_ == 32 ? quotient != 0 : (quotient >> (32 - k_)) != 0) {
        return errc::invalid_argument;
    }
    return static_cast<std::uint32_t>(quotient << k_ | remainder);
}

core::result<std::vector<std::uint32_t>> decode_rice_deltas(std::uint64_t first_value, unsigned k,
                                                            std::uint64_t num_entries,
                                                            std::span<const std::uint8_t> data) {
    if (k > 32 || first_value > 0xFFFFFFFFull) {
        return errc::invalid_argument;
    }
    // Each entry takes at least k + 1 bits: a count beyond that is a lie, not a reason to
    // allocate.
    if (num_entries > data.size() * 8 / (k + 1)) {
        return errc::invalid_argument;
    }
    std::vector<std::uint32_t> values;
    values.reserve(static_cast<std::size_t>(num_entries) + 1);
    values.push_back(static_cast<std::uint32_t>(first_value));
    RiceDecoder decoder(data, k);
    std::uint64_t sum = first_value;
    for (std::uint64_t i = 0; i < num_entries; ++i) {
        SEGNALA_TRY(delta, decoder.next());
        sum += delta;
        if (sum > 0xFFFFFFFFull) {
            return errc::invalid_argument;
        }
        values.push_back(static_cast<std::uint32_t>(sum));
    }
    return values;
}

core::result<ThreatEntrySet> decode_threat_entry_set(std::span<const std::uint8_t> bytes) {
    ThreatEntrySet set;
    ProtoReader reader(bytes);
    while (!reader.done()) {
        unsigned field = 0;
        unsigned wire = 0;
        if (!reader.tag(field, wire)) {
            return errc::invalid_argument;
        }
        if (field < 2 || field > 5 || wire != kLengthDelimited) {
            if (!reader.skip(wire)) {  // compression_type and unknown fields
                return errc::invalid_argument;
            }
            continue;
        }
        std::span<const std::uint8_t> message;
        if (!reader.bytes(message)) {
            return errc::invalid_argument;
        }
        if (field == 2 && !read_raw_hashes(message, set)) {
            return errc::invalid_argument;
        }
        if (field == 3 && !read_raw_indices(message, set)) {
            return errc::invalid_argument;
        }
        if (field == 4 || field == 5) {
            SEGNALA_TRY(values, decode_rice_message(message));
            for (std::uint32_t v : values) {
                if (field == 5) {
                    set.indices.push_back(v);
                    continue;
                }
                const char le[4] = {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8 & 0xFF),
                                    static_cast<char>(v >> 16 & 0xFF),
                                    static_cast<char>(v >> 24 & 0xFF)};
                set.hashes.emplace_back(le, 4);
            }
        }
    }
    return set;
}

}  // namespace segnala::url
