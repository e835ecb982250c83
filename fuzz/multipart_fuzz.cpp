// Fuzzes the streaming multipart/form-data parser: a boundary taken from the input, the rest
// fed in pseudo-random chunks; never crash, never exceed a limit, and (under the total limit)
// any chunking of the same body gives the same outcome as feeding it whole.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/multipart.hpp"

namespace {

using segnala::http::MultipartLimits;
using segnala::http::MultipartParser;
using segnala::http::Part;

// Feeds `body` in chunks whose sizes come from a small xorshift seeded by `seed` (0: whole).
segnala::core::result<std::vector<Part>> run(const std::string& boundary, std::string_view body,
                                             const MultipartLimits& limits, std::uint32_t seed) {
    MultipartParser p{boundary, limits};
    std::uint32_t x = seed | 1u;
    while (!body.empty()) {
        std::size_t n = body.size();
        if (seed != 0) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            n = std::min<std::size_t>(n, 1 + x % 97);
        }
        if (auto r = p.feed(body.substr(0, n)); !r) {
            return r.error();
        }
        body.remove_prefix(n);
    }
    return p.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    // Input: <boundary length 1..70 from byte 0> <chunk seed: 2 bytes> <boundary> <body>.
    if (in.size() < 3) {
        return 0;
    }
    std::size_t blen = 1 + static_cast<unsigned char>(in[0]) % 70;
    std::uint32_t seed = static_cast<unsigned char>(in[1]) << 8 | static_cast<unsigned char>(in[2]);
    in.remove_prefix(3);
    if (in.size() < blen) {
        return 0;
    }
    std::string boundary(in.substr(0, blen));
    in.remove_prefix(blen);

    MultipartLimits limits;
    limits.max_parts = 8;
    limits.max_files = 3;
    limits.max_field_bytes = 512;
    limits.max_file_bytes = 2048;
    limits.max_total_bytes = 3000;
    limits.max_part_header_bytes = 256;

    auto whole = run(boundary, in, limits, 0);
    auto chunked = run(boundary, in, limits, seed);
    if (in.size() > limits.max_total_bytes) {
        return 0;  // the total limit is checked per chunk, so its error may come earlier or later
    }
    if (whole.has_value() != chunked.has_value()) {
        std::abort();  // the outcome must not depend on the chunking
    }
    if (!whole) {
        if (whole.error() != chunked.error()) {
            std::abort();
        }
        return 0;
    }
    const auto& a = whole.value();
    const auto& b = chunked.value();
    std::size_t files = 0;
    if (a.size() != b.size() || a.size() > limits.max_parts) {
        std::abort();
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name || a[i].data != b[i].data || a[i].filename != b[i].filename ||
            a[i].name.empty() || a[i].filename.size() > 200 ||
            a[i].filename.find_first_of("/\\\r\n") != std::string::npos ||
            a[i].data.size() > (a[i].is_file ? limits.max_file_bytes : limits.max_field_bytes)) {
            std::abort();
        }
        files += a[i].is_file ? 1 : 0;
    }
    if (files > limits.max_files) {
        std::abort();
    }
    return 0;
}
