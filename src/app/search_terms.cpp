#include "app/search_terms.hpp"

#include <algorithm>
#include <unordered_set>

namespace segnala::app {
namespace {

bool is_ascii_alnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char lower(unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

template <class Keep>
std::vector<std::string> split(std::string_view text, Keep keep) {
    std::vector<std::string> out;
    std::string cur;
    for (unsigned char c : text) {
        if (keep(c)) {
            cur.push_back(lower(c));
        } else if (!cur.empty()) {
            out.push_back(std::move(cur));
            cur.clear();
        }
    }
    if (!cur.empty()) {
        out.push_back(std::move(cur));
    }
    return out;
}

bool clear_token(std::string_view w) {
    return !w.empty() && w.size() <= 64 && std::all_of(w.begin(), w.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    });
}

}  // namespace

std::vector<std::string> text_words(std::string_view text) {
    return split(text, [](unsigned char c) { return is_ascii_alnum(c) || c >= 0x80; });
}

std::vector<std::string> url_words(std::string_view url) {
    return split(url, [](unsigned char c) { return is_ascii_alnum(c); });
}

SearchTerms::SearchTerms(std::string_view key) : hasher_(key) {}

std::string SearchTerms::word_token(std::string_view word) const {
    return "h" + hasher_.hex(word, 16).substr(0, 16);
}

std::string SearchTerms::report_terms(const std::vector<std::string>& urls,
                                      std::string_view description) const {
    std::unordered_set<std::string> seen;
    std::string out;
    auto add = [&](std::string token) {
        if (seen.size() >= kMaxReportTokens || !seen.insert(token).second) {
            return;
        }
        if (!out.empty()) {
            out.push_back(' ');
        }
        out += token;
    };
    for (const auto& u : urls) {
        for (auto& w : url_words(u)) {
            if (clear_token(w)) {
                add(std::move(w));
            }
        }
    }
    for (const auto& w : text_words(description)) {
        add(word_token(w));
    }
    return out;
}

std::vector<std::vector<std::string>> SearchTerms::parse_query(std::string_view query) const {
    std::vector<std::vector<std::string>> groups;
    std::unordered_set<std::string> seen;
    for (auto& w : text_words(query)) {
        if (groups.size() >= kMaxQueryWords) {
            break;
        }
        if (!seen.insert(w).second) {
            continue;
        }
        std::vector<std::string> alt;
        if (clear_token(w)) {
            alt.push_back(w);
        }
        alt.push_back(word_token(w));
        groups.push_back(std::move(alt));
    }
    return groups;
}

}  // namespace segnala::app
