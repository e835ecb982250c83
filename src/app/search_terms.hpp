// Search tokens for the triage queue's full-text index (report_search, migration 3). The
// words of a report's canonical URLs are indexed in clear; the words of its description —
// sealed personal data — only as keyed hashes, so the index never holds them in clear. A
// query is turned into the same tokens, and only tokens of [a-z0-9] ever reach the database.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/hash.hpp"

namespace segnala::app {

/// Words of free text: maximal runs of ASCII letters and digits and of non-ASCII bytes (UTF-8
/// kept as is), ASCII lowercased. "Ho pagato 50€ su PayPal.com" → ho, pagato, 50€, su, paypal,
/// com.
std::vector<std::string> text_words(std::string_view text);
/// Words of a URL or host: maximal runs of [a-z0-9] after ASCII lowercasing.
std::vector<std::string> url_words(std::string_view url);

inline constexpr std::size_t kMaxQueryWords = 8;
inline constexpr std::size_t kMaxReportTokens = 2000;

class SearchTerms {
  public:
    /// `key`: 32 bytes, crypto::Sealer::subkey("search"). Thread-safe after construction.
    explicit SearchTerms(std::string_view key);

    /// "h" + the first 16 hex digits of the keyed BLAKE2b of `word` (already lowercased).
    std::string word_token(std::string_view word) const;

    /// The space-separated, deduplicated tokens of one report: URL and host words in clear,
    /// description words as word_token()s. At most kMaxReportTokens tokens.
    std::string report_terms(const std::vector<std::string>& urls,
                             std::string_view description) const;

    /// Parses what a user typed into AND-ed groups of alternatives: for each of the first
    /// kMaxQueryWords distinct words, {word in clear (when it is 1–64 of [a-z0-9]),
    /// word_token(word)}. No words (empty, punctuation only) gives no groups. Never fails:
    /// quotes, FTS operators and the like are separators, not syntax.
    std::vector<std::vector<std::string>> parse_query(std::string_view query) const;

  private:
    crypto::KeyedHasher hasher_;
};

}  // namespace segnala::app
