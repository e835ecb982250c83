// Fuzzes Cookie header parsing (bounded, never fails) and the Set-Cookie builder (never lets
// a CR, LF or ';' through the value).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/cookie.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto cookies = segnala::http::parse_cookies(in);
    if (cookies.size() > segnala::http::kMaxCookies) {
        std::abort();
    }
    for (const auto& [name, value] : cookies) {
        if (name.empty() || name.find(';') != std::string::npos) {
            std::abort();
        }
        segnala::http::SetCookie c{.name = name, .value = value};
        if (auto s = segnala::http::format_set_cookie(c)) {
            if (s.value().find_first_of("\r\n") != std::string::npos) {
                std::abort();
            }
        }
    }
    return 0;
}
