#include "url/expressions.hpp"

#include "url/domain.hpp"

namespace segnala::url {
namespace {

constexpr std::size_t kMaxParentHosts = 4;
constexpr std::size_t kMaxPathPrefixes = 4;
constexpr std::size_t kMaxLabelsV4 = 5;

}  // namespace

std::vector<std::string_view> lookup_hosts(const CanonicalUrl& url, HostRule rule) {
    std::string_view host = url.host();
    std::vector<std::string_view> hosts;
    hosts.reserve(1 + kMaxParentHosts);
    hosts.push_back(host);
    if (url.host_is_ip) {
        return hosts;
    }
    if (rule == HostRule::v4) {
        // Start positions of every label; keep the suffixes of 5 labels down to 2.
        std::size_t starts[kMaxLabelsV4];
        std::size_t count = 0;
        std::size_t pos = host.size();
        while (count < kMaxLabelsV4) {
            std::size_t dot = host.rfind('.', pos == 0 ? 0 : pos - 1);
            if (pos == 0 || dot == std::string_view::npos) {
                break;
            }
            starts[count++] = dot + 1;
            pos = dot;
        }
        // starts[k] begins a suffix of k + 1 labels; starts[0] is the TLD alone (skipped).
        for (std::size_t k = count; k-- > 1;) {
            if (starts[k] != 0) {
                hosts.push_back(host.substr(starts[k]));
            }
        }
        return hosts;
    }
    auto domain = registrable_domain(host);
    if (!domain || domain.value().size() >= host.size()) {
        return hosts;
    }
    std::size_t start = host.size() - domain.value().size();
    while (hosts.size() < 1 + kMaxParentHosts && start > 0) {
        hosts.push_back(host.substr(start));
        if (start < 2) {
            break;
        }
        std::size_t dot = host.rfind('.', start - 2);
        if (dot == std::string_view::npos) {
            break;
        }
        start = dot + 1;
    }
    return hosts;
}

std::vector<std::string_view> lookup_paths(const CanonicalUrl& url) {
    std::string_view path = url.path();
    std::vector<std::string_view> paths;
    paths.reserve(2 + kMaxPathPrefixes);
    if (url.has_query) {
        paths.push_back(std::string_view(url.url).substr(url.host_end));
    }
    paths.push_back(path);
    std::size_t slash = 0;
    for (std::size_t k = 0; k < kMaxPathPrefixes && slash != std::string_view::npos; ++k) {
        std::string_view prefix = path.substr(0, slash + 1);
        if (prefix.size() != path.size()) {
            paths.push_back(prefix);
        }
        slash = path.find('/', slash + 1);
    }
    return paths;
}

std::vector<std::string> lookup_expressions(const CanonicalUrl& url, HostRule rule) {
    auto hosts = lookup_hosts(url, rule);
    auto paths = lookup_paths(url);
    std::vector<std::string> expressions;
    expressions.reserve(hosts.size() * paths.size());
    for (std::string_view host : hosts) {
        for (std::string_view path : paths) {
            std::string& e = expressions.emplace_back();
            e.reserve(host.size() + path.size());
            e.append(host).append(path);
        }
    }
    return expressions;
}

}  // namespace segnala::url
