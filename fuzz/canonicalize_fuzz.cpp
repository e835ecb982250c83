// libFuzzer target for the Safe Browsing canonicalizer: canonicalize, lookup expressions and
// defang any bytes, and check the invariants that callers rely on.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "url/canonicalize.hpp"
#include "url/defang.hpp"
#include "url/expressions.hpp"

namespace {

void check(bool condition) {
    if (!condition) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) {
        return 0;
    }
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto url = segnala::url::canonicalize(input);
    if (!url) {
        return 0;
    }
    const auto& c = url.value();
    for (char ch : c.url) {
        auto b = static_cast<unsigned char>(ch);
        check(b > 0x20 && b < 0x7F && ch != '#');
    }
    check(!c.host().empty());
    check(!c.path().empty() && c.path().front() == '/');
    check(c.host_begin >= 3 && c.url.compare(c.host_begin - 3, 3, "://") == 0);
    // Idempotent: the canonical form of a canonical URL is itself.
    auto again = segnala::url::canonicalize(c.url);
    check(again.has_value());
    check(again.value().url == c.url);
    auto expressions = segnala::url::lookup_expressions(c);
    check(!expressions.empty() && expressions.size() <= 30);
    check(expressions.front().size() <= c.url.size());
    auto defanged = segnala::url::defang(c);
    check(defanged.find("://") != std::string::npos);
    return 0;
}
