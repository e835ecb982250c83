// The queue's search-query parser and cursor decoder on arbitrary bytes: every token that can
// reach the database is 1–64 of [a-z0-9], at most kMaxQueryWords groups, and a cursor either
// fails cleanly or round-trips; the filter form's dates parse or fail cleanly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app/queue.hpp"
#include "app/search_terms.hpp"
#include "core/civil_time.hpp"

using namespace segnala;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const app::SearchTerms terms(std::string(32, 'k'));
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto groups = terms.parse_query(input);
    if (groups.size() > app::kMaxQueryWords) {
        std::abort();
    }
    for (const auto& g : groups) {
        if (g.empty() || g.size() > 2) {
            std::abort();
        }
        for (const auto& t : g) {
            if (t.empty() || t.size() > 64) {
                std::abort();
            }
            for (char c : t) {
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                    std::abort();
                }
            }
        }
    }
    const std::string report = terms.report_terms({std::string(input)}, input);
    for (char c : report) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ')) {
            std::abort();
        }
    }
    if (auto c = app::decode_cursor(input)) {
        auto again = app::decode_cursor(app::encode_cursor(c.value()));
        if (!again || !(again.value() == c.value())) {
            std::abort();
        }
    }
    (void)core::rome_midnight(input);
    return 0;
}
