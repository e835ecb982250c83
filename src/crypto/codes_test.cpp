#include "crypto/codes.hpp"

#include <set>

#include <gtest/gtest.h>

namespace segnala::crypto {
namespace {

std::string compact(std::string_view code) {
    std::string out;
    for (char c : code) {
        if (c != '-') {
            out.push_back(c);
        }
    }
    return out;
}

TEST(ReportCodes, NewCodesAreCanonicalValidAndUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string code = new_report_code();
        ASSERT_EQ(code.size(), kReportCodeLength);
        EXPECT_EQ(code[4], '-');
        EXPECT_EQ(code[9], '-');
        EXPECT_EQ(code[14], '-');
        for (char c : compact(code)) {
            EXPECT_NE(kReportCodeAlphabet.find(c), std::string_view::npos) << code;
        }
        auto normalized = normalize_report_code(code);
        ASSERT_TRUE(normalized) << code;
        EXPECT_EQ(normalized.value(), code);
        seen.insert(code);
    }
    EXPECT_EQ(seen.size(), 1000u);
}

TEST(ReportCodes, NormalizeIsForgivingAboutFormAndCrockfordLookAlikes) {
    const std::string code = new_report_code();
    std::string lower;
    for (char c : compact(code)) {
        lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        lower.push_back(' ');
    }
    EXPECT_EQ(normalize_report_code(lower).value(), code);
    EXPECT_EQ(normalize_report_code("  " + compact(code) + "\t").value(), code);

    // A code written with 0 and 1 is found when typed with O, I or L.
    std::string symbols =
        "0110"
        "0000"
        "1111"
        "0101";
    symbols.push_back(report_code_check_symbol(symbols));
    const std::string canonical = normalize_report_code(symbols).value();
    std::string typed = symbols;
    for (std::size_t i = 0; i < typed.size(); ++i) {
        if (typed[i] == '0') {
            typed[i] = 'o';
        } else if (typed[i] == '1') {
            typed[i] = i % 2 == 0 ? 'I' : 'l';
        }
    }
    EXPECT_EQ(normalize_report_code(typed).value(), canonical);
}

TEST(ReportCodes, RejectsWrongLengthAndForeignSymbols) {
    const std::string code = new_report_code();
    EXPECT_EQ(normalize_report_code("").error(), core::errc::invalid_argument);
    EXPECT_EQ(normalize_report_code(code.substr(0, code.size() - 1)).error(),
              core::errc::invalid_argument);
    EXPECT_EQ(normalize_report_code(code + "0").error(), core::errc::invalid_argument);
    std::string with_u = code;
    with_u[0] = 'U';
    EXPECT_EQ(normalize_report_code(with_u).error(), core::errc::invalid_argument);
    std::string with_star = code;
    with_star[1] = '*';
    EXPECT_EQ(normalize_report_code(with_star).error(), core::errc::invalid_argument);
    EXPECT_EQ(normalize_report_code(std::string(1000, '0')).error(), core::errc::invalid_argument);
}

// The check symbol must catch every single substitution and every adjacent transposition:
// exhaustively over all positions and symbols, for a sample of codes.
TEST(ReportCodes, CheckCatchesEverySubstitutionAndAdjacentSwap) {
    for (int sample = 0; sample < 200; ++sample) {
        const std::string symbols = compact(new_report_code());
        for (std::size_t pos = 0; pos < symbols.size(); ++pos) {
            for (char c : kReportCodeAlphabet) {
                if (c == symbols[pos]) {
                    continue;
                }
                std::string typo = symbols;
                typo[pos] = c;
                ASSERT_FALSE(normalize_report_code(typo)) << symbols << " at " << pos;
            }
            if (pos + 1 < symbols.size() && symbols[pos] != symbols[pos + 1]) {
                std::string swapped = symbols;
                std::swap(swapped[pos], swapped[pos + 1]);
                ASSERT_FALSE(normalize_report_code(swapped)) << symbols << " swap " << pos;
            }
        }
    }
}

// The same property for every pair of symbols, independent of sampling: for any prefix state,
// swapping any two distinct neighbours changes the check.
TEST(ReportCodes, CheckCatchesEveryAdjacentSwapOfEveryPair) {
    for (char a : kReportCodeAlphabet) {
        for (char b : kReportCodeAlphabet) {
            if (a == b) {
                continue;
            }
            for (char prefix : kReportCodeAlphabet) {
                const std::string ab{prefix, a, b};
                const std::string ba{prefix, b, a};
                ASSERT_NE(report_code_check_symbol(ab), report_code_check_symbol(ba)) << a << b;
            }
        }
    }
}

}  // namespace
}  // namespace segnala::crypto
