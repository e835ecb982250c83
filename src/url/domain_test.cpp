#include "url/domain.hpp"

#include <gtest/gtest.h>

#include "url/canonicalize.hpp"
#include "url/defang.hpp"
#include "url/test_vectors.hpp"

namespace segnala::url {
namespace {

// psl-tests.txt lines look like: checkPublicSuffix('a.b.example.com', 'example.com');
// with null for "no registrable domain" (a null input is treated as the empty host).
std::string argument(const std::string& text) {
    if (text == "null") {
        return "";
    }
    return text.substr(1, text.size() - 2);
}

TEST(RegistrableDomain, PublicSuffixListTests) {
    std::string content = testing::read_vector_file("psl-tests.txt");
    std::istringstream lines(content);
    std::string line;
    int checks = 0;
    const std::string call = "checkPublicSuffix(";
    while (std::getline(lines, line)) {
        if (line.rfind(call, 0) != 0) {
            continue;  // comments, including the 4 commented-out checks
        }
        std::string args = line.substr(call.size(), line.rfind(')') - call.size());
        std::size_t comma = args.find(", ");
        ASSERT_NE(comma, std::string::npos) << line;
        std::string input = argument(args.substr(0, comma));
        std::string expected = args.substr(comma + 2);
        auto domain = registrable_domain(input);
        if (expected == "null") {
            EXPECT_FALSE(domain) << line;
            if (!domain) {
                EXPECT_EQ(domain.error(), make_error_code(core::errc::not_found)) << line;
            }
        } else {
            ASSERT_TRUE(domain) << line;
            EXPECT_EQ(domain.value(), argument(expected)) << line;
        }
        ++checks;
    }
    EXPECT_EQ(checks, 78);
}

TEST(RegistrableDomain, PlainFileAgrees) {
    std::string content = testing::read_vector_file("psl-tests-plain.txt");
    std::istringstream lines(content);
    std::string line;
    int checks = 0;
    while (std::getline(lines, line)) {
        if (line.empty() || line.rfind("//", 0) == 0) {
            continue;
        }
        std::size_t space = line.find(' ');
        ASSERT_NE(space, std::string::npos) << line;
        std::string input = line.substr(0, space);
        std::string expected = line.substr(space + 1);
        auto domain = registrable_domain(input == "null" ? "" : input);
        EXPECT_EQ(domain ? domain.value() : std::string("null"), expected) << line;
        ++checks;
    }
    EXPECT_EQ(checks, 78);
}

TEST(RegistrableDomain, IpAddressesHaveNone) {
    EXPECT_FALSE(registrable_domain("192.168.0.1"));
    EXPECT_FALSE(registrable_domain("[2001:db8::1]"));
    EXPECT_FALSE(registrable_domain("a..example.com"));
}

TEST(Defang, BracketsHostDotsAndScheme) {
    auto url = canonicalize("https://www.example.com/a.b/c?d.e");
    ASSERT_TRUE(url);
    EXPECT_EQ(defang(url.value()), "hxxps://www[.]example[.]com/a.b/c?d.e");
    auto plain = canonicalize("example.com");
    ASSERT_TRUE(plain);
    EXPECT_EQ(defang(plain.value()), "hxxp://example[.]com/");
    auto ip = canonicalize("http://3279880203/x");
    ASSERT_TRUE(ip);
    EXPECT_EQ(defang(ip.value()), "hxxp://195[.]127[.]0[.]11/x");
}

TEST(DisplayHost, UnicodeForALabels) {
    EXPECT_EQ(display_host("xn--r8jz45g.xn--zckzah"), "例え.テスト");
    EXPECT_EQ(display_host("www.example.com"), "www.example.com");
    EXPECT_EQ(display_host("xn--zz.com"), "xn--zz.com");  // undecodable: unchanged
}

}  // namespace
}  // namespace segnala::url
