// Line-oriented batch processing behind `segnala url canonicalize|expressions|domain`.
#pragma once

#include <iosfwd>

namespace segnala::url {

enum class BatchMode {
    canonicalize,  // the canonical URL
    expressions,   // the v4 lookup expressions, separated by single spaces
    domain,        // the registrable domain (A-label form) of the URL's or host's host
};

/// Reads one URL (or bare host) a line from `in` and writes one answer a line to `out`, in
/// order. A line with no answer gets `ERROR <reason>` and the batch goes on. Output is
/// buffered and written in large blocks (one flush at the end). Blocks on the streams.
void run_batch(BatchMode mode, std::istream& in, std::ostream& out);

}  // namespace segnala::url
