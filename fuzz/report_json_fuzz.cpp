// Fuzzes the partner API's JSON report parser and the problem+json rendering of what it
// finds: never crash, bounded depth, one flag per report, valid JSON out.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/problem.hpp"
#include "api/report_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    auto parsed = segnala::api::parse_report_request(in, {.max_reports = 50});
    if (!parsed) {
        return 0;
    }
    const auto& p = parsed.value();
    if (p.reports.size() != p.report_has_errors.size() || p.reports.size() > 50 ||
        (!p.is_array && p.reports.size() != 1 && p.errors.empty())) {
        std::abort();
    }
    std::vector<segnala::api::ProblemError> errors;
    for (const auto& e : p.errors) {
        if (!e.pointer.empty() && e.pointer[0] != '/') {
            std::abort();
        }
        errors.push_back({e.pointer, e.code});
    }
    const auto r = segnala::api::problem_response(422, "validation", "Invalid reports", "fuzz",
                                                  std::move(errors));
    if (nlohmann::json::parse(r.body, nullptr, false).is_discarded()) {
        std::abort();
    }
    return 0;
}
