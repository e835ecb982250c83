#include "http/cookie.hpp"

#include <gtest/gtest.h>

namespace segnala::http {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(Cookies, ParsesLeniently) {
    EXPECT_EQ(parse_cookies("a=1; b=2"), (Pairs{{"a", "1"}, {"b", "2"}}));
    EXPECT_EQ(parse_cookies(" a = 1 ;b=\"q v\";;junk; =x; c="),
              (Pairs{{"a", "1"}, {"b", "q v"}, {"c", ""}}));
    EXPECT_EQ(parse_cookies("sid=abc=def"), (Pairs{{"sid", "abc=def"}}));
    EXPECT_TRUE(parse_cookies("").empty());
    EXPECT_EQ(parse_cookies("a=\""), (Pairs{{"a", "\""}}));
}

TEST(Cookies, BoundedCount) {
    std::string h;
    for (int i = 0; i < 1000; ++i) {
        h.append("c").append(std::to_string(i)).append("=v; ");
    }
    EXPECT_EQ(parse_cookies(h).size(), kMaxCookies);
    EXPECT_EQ(parse_cookies(h, 3).size(), 3u);
}

TEST(Cookies, FindCookie) {
    EXPECT_EQ(find_cookie("a=1; sid=xyz", "sid").value(), "xyz");
    EXPECT_FALSE(find_cookie("a=1", "sid"));
}

TEST(SetCookie, Formats) {
    SetCookie c{.name = "sid", .value = "abc", .path = "/", .max_age = 3600};
    EXPECT_EQ(format_set_cookie(c).value(),
              "sid=abc; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax");
    c.http_only = false;
    c.secure = false;
    c.same_site = SameSite::strict;
    c.max_age.reset();
    EXPECT_EQ(format_set_cookie(c).value(), "sid=abc; Path=/; SameSite=Strict");
    c.same_site = SameSite::none;
    EXPECT_EQ(format_set_cookie(c).value(), "sid=abc; Path=/; Secure; SameSite=None");
}

TEST(SetCookie, RejectsInjection) {
    EXPECT_FALSE(format_set_cookie({.name = "", .value = "x"}));
    EXPECT_FALSE(format_set_cookie({.name = "a b", .value = "x"}));
    EXPECT_FALSE(format_set_cookie({.name = "a", .value = "x;y"}));
    EXPECT_FALSE(format_set_cookie({.name = "a", .value = "x\r\nSet-Cookie: z=1"}));
    EXPECT_FALSE(format_set_cookie({.name = "a", .value = "x", .path = "/;Domain=evil"}));
}

}  // namespace
}  // namespace segnala::http
