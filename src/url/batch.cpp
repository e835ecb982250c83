#include "url/batch.hpp"

#include <istream>
#include <ostream>
#include <string>

#include "url/canonicalize.hpp"
#include "url/domain.hpp"
#include "url/expressions.hpp"

namespace segnala::url {
namespace {

constexpr std::size_t kFlushBytes = 1 << 16;
constexpr std::string_view kNoHost = "ERROR no usable host";
constexpr std::string_view kNoDomain = "ERROR no registrable domain";

void answer(BatchMode mode, std::string_view line, CanonicalUrl& url, std::string& out) {
    if (!canonicalize(line, url)) {
        out += kNoHost;
        return;
    }
    switch (mode) {
        case BatchMode::canonicalize:
            out += url.url;
            return;
        case BatchMode::expressions: {
            bool first = true;
            for (std::string_view host : lookup_hosts(url)) {
                for (std::string_view path : lookup_paths(url)) {
                    if (!first) {
                        out += ' ';
                    }
                    first = false;
                    out.append(host).append(path);
                }
            }
            return;
        }
        case BatchMode::domain: {
            auto domain = registrable_domain(url.host());
            out += domain ? std::string_view(domain.value()) : kNoDomain;
            return;
        }
    }
}

}  // namespace

void run_batch(BatchMode mode, std::istream& in, std::ostream& out) {
    std::string line;
    std::string buffer;
    buffer.reserve(kFlushBytes + 4096);
    CanonicalUrl url;
    while (std::getline(in, line)) {
        answer(mode, line, url, buffer);
        buffer += '\n';
        if (buffer.size() >= kFlushBytes) {
            out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
            buffer.clear();
        }
    }
    out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    out.flush();
}

}  // namespace segnala::url
