#include "url/domain.hpp"

#include <cstdlib>
#include <cstring>

#include <idn2.h>
#include <libpsl.h>

#include "url/host.hpp"

namespace segnala::url {
namespace {

constexpr const char* kSystemList = "/usr/share/publicsuffix/public_suffix_list.dat";

const psl_ctx_t* suffix_list() {
    // Immutable once loaded, and libpsl queries on a shared context are read-only, so one
    // instance for the process is safe; it lives until exit on purpose.
    static const psl_ctx_t* const context = [] {
        const psl_ctx_t* loaded = psl_load_file(kSystemList);
        if (loaded == nullptr) {
            loaded = psl_latest(nullptr);
        }
        if (loaded == nullptr) {
            loaded = psl_builtin();
        }
        return loaded;
    }();
    return context;
}

}  // namespace

core::result<std::string> registrable_domain(std::string_view host) {
    if (host.empty() || host.front() == '.' || host.front() == '[' || host.size() > 253) {
        return core::errc::not_found;
    }
    std::string lowered(host);
    if (lowered.back() == '.') {
        lowered.pop_back();
    }
    for (char& c : lowered) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c | 0x20);
        }
        if (c == '\0') {
            return core::errc::not_found;
        }
    }
    if (lowered.empty() || lowered.find("..") != std::string::npos || parse_ipv4(lowered)) {
        return core::errc::not_found;
    }
    const psl_ctx_t* psl = suffix_list();
    if (psl == nullptr) {
        return core::errc::unavailable;
    }
    const char* domain = psl_registrable_domain(psl, lowered.c_str());
    if (domain == nullptr) {
        return core::errc::not_found;
    }
    return std::string(domain);
}

std::string display_host(std::string_view host) {
    if (host.find("xn--") == std::string_view::npos) {
        return std::string(host);
    }
    std::string input(host);
    char* unicode = nullptr;
    if (idn2_to_unicode_8z8z(input.c_str(), &unicode, 0) != IDN2_OK || unicode == nullptr) {
        return input;
    }
    std::string result(unicode);
    idn2_free(unicode);
    return result;
}

}  // namespace segnala::url
