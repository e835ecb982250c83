// Problem details rendering and the errc → status table.
#include "api/problem.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace segnala::api {
namespace {

using core::errc;

TEST(Problem, EveryErrorCodeHasAStatus) {
    // Walks the enum up to its last enumerator; a new one must be added to http_status.
    for (int i = 0; i <= static_cast<int>(errc::version_mismatch); ++i) {
        const int s = http_status(static_cast<errc>(i));
        EXPECT_GE(s, 200) << i;
        EXPECT_LE(s, 599) << i;
        if (i != 0) {
            EXPECT_GE(s, 400) << i;
        }
    }
    EXPECT_EQ(http_status(errc::not_found), 404);
    EXPECT_EQ(http_status(errc::unauthenticated), 401);
    EXPECT_EQ(http_status(errc::permission_denied), 403);
    EXPECT_EQ(http_status(errc::rate_limited), 429);
    EXPECT_EQ(http_status(errc::too_large), 413);
    EXPECT_EQ(http_status(errc::unsupported_media_type), 415);
    EXPECT_EQ(http_status(errc::unavailable), 503);
    EXPECT_EQ(http_status(errc::conflict), 409);
    EXPECT_EQ(http_status(errc::invalid_argument), 422);
}

TEST(Problem, RendersRfc9457) {
    auto r = problem_response(422, "validation", "Invalid reports", "Nothing was stored.",
                              {{"/2/urls/3", "url_invalid"}, {"/category", "no_such_code"}});
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/problem+json");
    EXPECT_EQ(r.headers.get("Cache-Control").value_or(""), "no-store");
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["type"], "/api/v1/problems/validation");
    EXPECT_EQ(j["title"], "Invalid reports");
    EXPECT_EQ(j["status"], 422);
    EXPECT_EQ(j["detail"], "Nothing was stored.");
    ASSERT_EQ(j["errors"].size(), 2u);
    EXPECT_EQ(j["errors"][0]["pointer"], "/2/urls/3");
    EXPECT_EQ(j["errors"][0]["code"], "url_invalid");
    EXPECT_EQ(j["errors"][0]["detail"], "Not a reportable http(s) web address.");
    EXPECT_EQ(j["errors"][1]["detail"], "Invalid value.");
    auto plain = nlohmann::json::parse(problem_response(404, "not-found", "Not found", "x").body);
    EXPECT_FALSE(plain.contains("errors"));
}

TEST(Problem, LongErrorListsAreCut) {
    Problem p{422, "validation", "Invalid reports", "Nothing was stored.", {}};
    for (int i = 0; i < 1000; ++i) {
        p.errors.push_back({"/" + std::to_string(i) + "/urls/0", "url_invalid"});
    }
    auto j = nlohmann::json::parse(problem_response(p).body);
    EXPECT_EQ(j["errors"].size(), kMaxListedErrors);
    EXPECT_NE(j["detail"].get<std::string>().find("1000 errors"), std::string::npos);
}

TEST(Problem, InvalidUtf8InPointersDoesNotThrow) {
    auto r = problem_response(422, "validation", "t", "d", {{"/\xff", "unknown_field"}});
    EXPECT_NO_THROW({
        const auto parsed = nlohmann::json::parse(r.body);
        EXPECT_TRUE(parsed.is_object());
    });
}

}  // namespace
}  // namespace segnala::api
