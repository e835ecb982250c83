#include "crypto/codes.hpp"

#include "crypto/random.hpp"

namespace segnala::crypto {
namespace {

static_assert(kReportCodeAlphabet.size() == 32);
static_assert(kReportCodeLength == kReportCodeRandomSymbols + 1 + 3);

/// Value of a (normalised, uppercase) symbol, or -1.
int symbol_value(char c) {
    const auto pos = kReportCodeAlphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

/// Multiplication by x in GF(2^5) modulo the irreducible x^5 + x^2 + 1.
unsigned times_two(unsigned v) {
    v <<= 1;
    if (v & 0x20) {
        v ^= 0x25;
    }
    return v;
}

/// Damm quasigroup x ∘ y = 2x ⊕ y. Each row and column is a permutation (so any single
/// substitution changes the result), and (c ∘ x) ∘ y = (c ∘ y) ∘ x only if x = y, because
/// 4c ⊕ 2x ⊕ y = 4c ⊕ 2y ⊕ x means 3(x ⊕ y) = 0 (so any adjacent swap changes it).
unsigned damm(unsigned interim, unsigned symbol) {
    return times_two(interim) ^ symbol;
}

/// Damm interim over symbol values; a valid code (check included) ends at 0.
unsigned damm_interim(std::string_view symbols) {
    unsigned interim = 0;
    for (char c : symbols) {
        interim = damm(interim, static_cast<unsigned>(symbol_value(c)));
    }
    return interim;
}

std::string format(std::string_view symbols) {
    std::string out;
    out.reserve(kReportCodeLength);
    for (std::size_t i = 0; i < symbols.size(); ++i) {
        if (i > 0 && i % 4 == 0 && i < kReportCodeRandomSymbols) {
            out.push_back('-');
        }
        out.push_back(symbols[i]);
    }
    return out;
}

}  // namespace

char report_code_check_symbol(std::string_view symbols) {
    // The check c solves interim ∘ c = 0, i.e. c = 2 * interim (⊕ is its own inverse).
    return kReportCodeAlphabet[times_two(damm_interim(symbols))];
}

std::string new_report_code() {
    std::string symbols;
    symbols.reserve(kReportCodeRandomSymbols + 1);
    for (std::size_t i = 0; i < kReportCodeRandomSymbols; ++i) {
        symbols.push_back(kReportCodeAlphabet[uniform(32)]);
    }
    symbols.push_back(report_code_check_symbol(symbols));
    return format(symbols);
}

core::result<std::string> normalize_report_code(std::string_view typed) {
    if (typed.size() > 4 * kReportCodeLength) {
        return core::errc::invalid_argument;
    }
    std::string symbols;
    for (char c : typed) {
        if (c == ' ' || c == '-' || c == '\t') {
            continue;
        }
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
        if (c == 'O') {
            c = '0';
        } else if (c == 'I' || c == 'L') {
            c = '1';
        }
        if (symbol_value(c) < 0) {
            return core::errc::invalid_argument;
        }
        symbols.push_back(c);
    }
    if (symbols.size() != kReportCodeRandomSymbols + 1 || damm_interim(symbols) != 0) {
        return core::errc::invalid_argument;
    }
    return format(symbols);
}

}  // namespace segnala::crypto
