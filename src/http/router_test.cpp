#include "http/router.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace segnala::http {
namespace {

Handler named(std::string name) {
    return [name](Request&) { return Response::text(200, name); };
}

std::string call(const Router::Match& m) {
    Request r;
    return (*m.handler)(r).body;
}

class RouterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        router.add("GET", "/", named("home"));
        router.add("GET,POST", "/segnala", named("form"));
        router.add("GET", "/segnala/{code}", named("status"));
        router.add("GET", "/segnala/nuova", named("literal"));
        router.add("DELETE", "/api/v1/items/{id}/tags/{tag}", named("tag"));
        router.add("GET", "/static/{path...}", named("static"), {.run_inline = true});
    }
    Router router;
};

TEST_F(RouterTest, MatchesLiteralsAndParams) {
    auto m = router.match("GET", "/segnala/ABC123");
    ASSERT_EQ(m.outcome, Router::Outcome::found);
    EXPECT_EQ(call(m), "status");
    EXPECT_EQ(m.pattern, "/segnala/{code}");
    ASSERT_EQ(m.params.size(), 1u);
    EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>{"code", "ABC123"}));
    EXPECT_EQ(call(router.match("GET", "/")), "home");
    EXPECT_EQ(call(router.match("POST", "/segnala")), "form");
    auto t = router.match("DELETE", "/api/v1/items/7/tags/x y");
    ASSERT_EQ(t.outcome, Router::Outcome::found);
    EXPECT_EQ(t.params[0].second, "7");
    EXPECT_EQ(t.params[1].second, "x y");
}

TEST_F(RouterTest, LiteralBeatsParamRegardlessOfOrder) {
    EXPECT_EQ(call(router.match("GET", "/segnala/nuova")), "literal");
}

TEST_F(RouterTest, TailParam) {
    auto m = router.match("GET", "/static/css/app.css");
    ASSERT_EQ(m.outcome, Router::Outcome::found);
    EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>{"path", "css/app.css"}));
    EXPECT_TRUE(m.options->run_inline);
    EXPECT_EQ(router.match("GET", "/static/").outcome, Router::Outcome::not_found);
    EXPECT_EQ(router.match("GET", "/static").outcome, Router::Outcome::not_found);
}

TEST_F(RouterTest, NotFound) {
    for (std::string_view p : {"/nope", "/segnala/", "/segnala/a/b", "", "/segnala//", "//"}) {
        EXPECT_EQ(router.match("GET", p).outcome, Router::Outcome::not_found) << p;
    }
}

TEST_F(RouterTest, MethodNotAllowedListsAllow) {
    auto m = router.match("PUT", "/segnala");
    EXPECT_EQ(m.outcome, Router::Outcome::method_not_allowed);
    EXPECT_EQ(m.allow, "GET, POST, HEAD");
    EXPECT_EQ(router.match("POST", "/segnala/X").allow, "GET, HEAD");
    EXPECT_EQ(router.match("GET", "/api/v1/items/1/tags/a").allow, "DELETE");
}

TEST_F(RouterTest, HeadServedByGet) {
    auto m = router.match("HEAD", "/segnala/X");
    ASSERT_EQ(m.outcome, Router::Outcome::found);
    EXPECT_EQ(call(m), "status");
    EXPECT_EQ(router.match("HEAD", "/api/v1/items/1/tags/a").outcome,
              Router::Outcome::method_not_allowed);
}

TEST(Router, BodyLimitAndBadPatterns) {
    Router r;
    r.add("POST", "/up", named("up"), {.body_limit = 10 * 1024 * 1024});
    EXPECT_EQ(r.max_body_limit(), 10u * 1024 * 1024);
    EXPECT_EQ(r.match("POST", "/up").options->body_limit, 10u * 1024 * 1024);
    EXPECT_THROW(r.add("GET", "no-slash", named("x")), std::invalid_argument);
    EXPECT_THROW(r.add("GET", "/a/{rest...}/b", named("x")), std::invalid_argument);
    EXPECT_THROW(r.add("GET", "/a/{}", named("x")), std::invalid_argument);
    EXPECT_THROW(r.add("", "/a", named("x")), std::invalid_argument);
}

}  // namespace
}  // namespace segnala::http
