// Fuzzes application/x-www-form-urlencoded parsing: bounded field count, never crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    constexpr std::size_t kMax = 32;
    if (auto f = segnala::http::parse_form_urlencoded(in, kMax)) {
        if (f.value().size() > kMax) {
            std::abort();
        }
    }
    return 0;
}
