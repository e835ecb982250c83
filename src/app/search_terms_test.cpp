#include "app/search_terms.hpp"

#include <gtest/gtest.h>

namespace segnala::app {
namespace {

const std::string kKey(32, 'k');

bool all_tokens_safe(const std::string& s) {
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ')) {
            return false;
        }
    }
    return true;
}

TEST(SearchTerms, Words) {
    EXPECT_EQ(text_words("Ho pagato 50€ su PayPal.com!"),
              (std::vector<std::string>{"ho", "pagato", "50€", "su", "paypal", "com"}));
    EXPECT_EQ(
        url_words("https://Login-PayPal.example/a_b?x=1"),
        (std::vector<std::string>{"https", "login", "paypal", "example", "a", "b", "x", "1"}));
    EXPECT_TRUE(text_words("  ,;\"*^()  ").empty());
}

TEST(SearchTerms, ReportTermsHoldUrlWordsInClearAndDescriptionWordsOnlyHashed) {
    SearchTerms st(kKey);
    const std::string terms =
        st.report_terms({"http://paypal-login.example/verify"}, "Mario Rossi mi ha scritto");
    EXPECT_NE(terms.find("paypal"), std::string::npos);
    EXPECT_NE(terms.find("verify"), std::string::npos);
    EXPECT_EQ(terms.find("mario"), std::string::npos);
    EXPECT_EQ(terms.find("rossi"), std::string::npos);
    EXPECT_NE(terms.find(st.word_token("rossi")), std::string::npos);
    EXPECT_TRUE(all_tokens_safe(terms)) << terms;
    // Deduplicated; the hash depends on the key.
    EXPECT_EQ(st.report_terms({"http://a.example/a"}, "x x X"),
              "http a example " + st.word_token("x"));
    EXPECT_NE(SearchTerms(std::string(32, 'z')).word_token("rossi"), st.word_token("rossi"));
    EXPECT_EQ(st.word_token("rossi").size(), 17u);
}

TEST(SearchTerms, QueryWordsMatchBothIndexForms) {
    SearchTerms st(kKey);
    auto q = st.parse_query("PayPal  rossi");
    ASSERT_EQ(q.size(), 2u);
    EXPECT_EQ(q[0], (std::vector<std::string>{"paypal", st.word_token("paypal")}));
    EXPECT_EQ(q[1], (std::vector<std::string>{"rossi", st.word_token("rossi")}));
    // A non-ASCII word can only be in a description.
    auto u = st.parse_query("città");
    ASSERT_EQ(u.size(), 1u);
    EXPECT_EQ(u[0], std::vector<std::string>{st.word_token("città")});
}

TEST(SearchTerms, HostileQueriesBecomePlainTokens) {
    SearchTerms st(kKey);
    for (const std::string& q :
         {std::string("\"a\" OR \"b\""), std::string("NEAR(a b, 2)"), std::string("pay*"),
          std::string("^start"), std::string("'); DROP TABLE cases; --"), std::string("a:b"),
          std::string("col:term AND -x"), std::string("\xff\xfe\x00zz", 5),
          std::string(10 * 1024, 'a'), std::string(10 * 1024, ' '),
          std::string("<script>alert(1)</script>")}) {
        auto groups = st.parse_query(q);
        EXPECT_LE(groups.size(), kMaxQueryWords);
        for (const auto& g : groups) {
            ASSERT_FALSE(g.empty());
            for (const auto& t : g) {
                EXPECT_FALSE(t.empty());
                EXPECT_LE(t.size(), 64u);
                EXPECT_TRUE(all_tokens_safe(t)) << t;
            }
        }
    }
    EXPECT_TRUE(st.parse_query("").empty());
    EXPECT_TRUE(st.parse_query("\"*^()").empty());
    // "OR" is a word, not an operator: lowercased like any other.
    auto g = st.parse_query("a OR b");
    ASSERT_EQ(g.size(), 3u);
    EXPECT_EQ(g[1][0], "or");
    // A 10 kB word is too long to be a URL word: only its hash remains.
    auto big = st.parse_query(std::string(10 * 1024, 'a'));
    ASSERT_EQ(big.size(), 1u);
    EXPECT_EQ(big[0].size(), 1u);
    EXPECT_EQ(st.parse_query("a b c d e f g h i j k").size(), kMaxQueryWords);
    EXPECT_EQ(st.parse_query("a a A").size(), 1u);
}

}  // namespace
}  // namespace segnala::app
