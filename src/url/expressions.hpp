// Safe Browsing lookup expressions: the host-suffix x path-prefix strings whose SHA-256
// prefixes are looked up in a hash list.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "url/canonicalize.hpp"

namespace segnala::url {

/// Which host rule to apply. v4: the exact host plus up to 4 hosts formed from the last 5
/// labels (never the bare TLD). v5: the exact host plus up to 4 hosts built leftwards from the
/// registrable domain (eTLD+1, Public Suffix List). Both: no parent hosts for an IP address.
enum class HostRule { v4, v5 };

/// The hosts to try, the exact host first. Views into `url.url`.
[[nodiscard]] std::vector<std::string_view> lookup_hosts(const CanonicalUrl& url,
                                                         HostRule rule = HostRule::v4);

/// The paths to try: the exact path with the query (when there is one), the exact path, and
/// up to 4 directory prefixes from "/". No duplicates. Views into `url.url`.
[[nodiscard]] std::vector<std::string_view> lookup_paths(const CanonicalUrl& url);

/// Every `host + path` combination of the two lists above (at most 5 x 6 = 30).
/// Pure and thread-safe; HostRule::v5 reads the public suffix list (see domain.hpp).
[[nodiscard]] std::vector<std::string> lookup_expressions(const CanonicalUrl& url,
                                                          HostRule rule = HostRule::v4);

}  // namespace segnala::url
