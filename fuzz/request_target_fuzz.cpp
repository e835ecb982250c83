// Fuzzes request-target parsing and percent-decoding: never crash, and a decoded path never
// holds a NUL or a dot segment.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    std::string_view method = (size > 0 && (data[0] & 1)) ? "OPTIONS" : "GET";
    if (auto t = segnala::http::parse_request_target(in, method)) {
        const std::string& p = t.value().path;
        if (p.find('\0') != std::string::npos || p.find("/../") != std::string::npos ||
            p.ends_with("/..") || p.find("/./") != std::string::npos) {
            std::abort();
        }
        if (p != "*" && (p.empty() || p.front() != '/')) {
            std::abort();
        }
    }
    (void)segnala::http::percent_decode(in, true);
    return 0;
}
