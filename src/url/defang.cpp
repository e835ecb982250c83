#include "url/defang.hpp"

namespace segnala::url {

std::string defang(const CanonicalUrl& url) {
    std::string out;
    out.reserve(url.url.size() + 16);
    std::string_view scheme = url.scheme();
    if (scheme == "http") {
        out += "hxxp";
    } else if (scheme == "https") {
        out += "hxxps";
    } else if (scheme == "ftp") {
        out += "fxp";
    } else {
        out += scheme;
    }
    out += "://";
    for (char c : url.host()) {
        if (c == '.') {
            out += "[.]";
        } else {
            out += c;
        }
    }
    out += std::string_view(url.url).substr(url.host_end);
    return out;
}

}  // namespace segnala::url
