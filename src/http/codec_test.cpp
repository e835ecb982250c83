#include "http/codec.hpp"

#include <gtest/gtest.h>

namespace segnala::http {
namespace {

TEST(PercentDecode, DecodesEscapesAndPlus) {
    EXPECT_EQ(percent_decode("a%20b%2Fc", false).value(), "a b/c");
    EXPECT_EQ(percent_decode("a+b", false).value(), "a+b");
    EXPECT_EQ(percent_decode("a+b%2B", true).value(), "a b+");
    EXPECT_EQ(percent_decode("%C3%A8", false).value(), "\xC3\xA8");
    EXPECT_EQ(percent_decode("", false).value(), "");
}

TEST(PercentDecode, RejectsHostileInput) {
    for (std::string_view bad : {"%", "%2", "a%zz", "%0g", "%00", "x%00y", "%%41"}) {
        EXPECT_FALSE(percent_decode(bad, false)) << bad;
    }
    EXPECT_FALSE(percent_decode(std::string_view("a\0b", 3), false));
}

TEST(RequestTarget, SplitsPathAndQuery) {
    auto t = parse_request_target("/segnala/AB%20CD?lang=en&x=1", "GET").value();
    EXPECT_EQ(t.path, "/segnala/AB CD");
    EXPECT_EQ(t.raw_path, "/segnala/AB%20CD");
    EXPECT_EQ(t.raw_query, "lang=en&x=1");
    EXPECT_EQ(parse_request_target("/", "GET").value().raw_query, "");
    EXPECT_EQ(parse_request_target("/a?", "GET").value().path, "/a");
}

TEST(RequestTarget, AsteriskOnlyForOptions) {
    EXPECT_EQ(parse_request_target("*", "OPTIONS").value().path, "*");
    EXPECT_FALSE(parse_request_target("*", "GET"));
}

TEST(RequestTarget, RejectsNonOriginFormAndTraversal) {
    for (std::string_view bad :
         {"", "http://example.com/", "example.com:443", "a/b", "/a#frag", "/a b", "/%00", "/%zz",
          "/../etc/passwd", "/a/%2e%2e/b", "/a/%2E%2E", "/a/./b", "/..", "/a/.",
          "/static/%2e%2e%2f%2e%2e%2fetc"}) {
        EXPECT_FALSE(parse_request_target(bad, "GET")) << bad;
    }
    EXPECT_TRUE(parse_request_target("/a/..b/.c/...", "GET"));
}

TEST(Form, ParsesFields) {
    auto f = parse_form_urlencoded("a=1&b=x+y&&c&d=%26%3D", 10).value();
    ASSERT_EQ(f.size(), 4u);
    EXPECT_EQ(f[0], (std::pair<std::string, std::string>{"a", "1"}));
    EXPECT_EQ(f[1], (std::pair<std::string, std::string>{"b", "x y"}));
    EXPECT_EQ(f[2], (std::pair<std::string, std::string>{"c", ""}));
    EXPECT_EQ(f[3], (std::pair<std::string, std::string>{"d", "&="}));
    EXPECT_TRUE(parse_form_urlencoded("", 0).value().empty());
}

TEST(Form, BoundsAndErrors) {
    EXPECT_EQ(parse_form_urlencoded("a=1&b=2&c=3", 2).error(), core::errc::too_large);
    EXPECT_EQ(parse_form_urlencoded("a=%zz", 2).error(), core::errc::invalid_argument);
    EXPECT_EQ(parse_form_urlencoded("a=%00", 2).error(), core::errc::invalid_argument);
    EXPECT_TRUE(parse_form_urlencoded("a==b", 2));
    EXPECT_EQ(parse_form_urlencoded("a==b", 2).value()[0].second, "=b");
}

}  // namespace
}  // namespace segnala::http
