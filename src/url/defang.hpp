// Defanged display form of a canonical URL: safe to show and to paste, never a live link.
#pragma once

#include <string>

#include "url/canonicalize.hpp"

namespace segnala::url {

/// `hxxps://example[.]com/path?q`: http -> hxxp, https -> hxxps, ftp -> fxp, every dot of the
/// host bracketed, host kept in A-labels (homographs stay visible; see display_host()).
/// Pure and thread-safe.
[[nodiscard]] std::string defang(const CanonicalUrl& url);

}  // namespace segnala::url
