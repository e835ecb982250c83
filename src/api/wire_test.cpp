// Wire helpers and the embedded OpenAPI document.
#include "api/wire.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace segnala::api {
namespace {

http::Request with_header(const std::string& name, const std::string& value) {
    http::Request r;
    r.headers.add(name, value);
    return r;
}

TEST(Wire, BearerToken) {
    EXPECT_EQ(bearer_token(with_header("Authorization", "Bearer sgn_abc")), "sgn_abc");
    EXPECT_EQ(bearer_token(with_header("authorization", "bearer   sgn_abc  ")), "sgn_abc");
    EXPECT_EQ(bearer_token(with_header("Authorization", "Basic dXNlcjpwYXNz")), "");
    EXPECT_EQ(bearer_token(with_header("Authorization", "Bearer")), "");
    EXPECT_EQ(bearer_token(http::Request{}), "");
}

TEST(Wire, IdempotencyKey) {
    EXPECT_TRUE(is_valid_idempotency_key("a"));
    EXPECT_TRUE(is_valid_idempotency_key("batch 2024-05-01 #1"));
    EXPECT_TRUE(is_valid_idempotency_key(std::string(255, 'k')));
    EXPECT_FALSE(is_valid_idempotency_key(""));
    EXPECT_FALSE(is_valid_idempotency_key(std::string(256, 'k')));
    EXPECT_FALSE(is_valid_idempotency_key("tab\there"));
    EXPECT_FALSE(is_valid_idempotency_key("caf\xc3\xa9"));
}

TEST(Wire, JsonMediaType) {
    EXPECT_TRUE(is_json_media_type("application/json"));
    EXPECT_TRUE(is_json_media_type("Application/JSON; charset=utf-8"));
    EXPECT_TRUE(is_json_media_type(" application/json ;charset=UTF-8"));
    EXPECT_FALSE(is_json_media_type(std::nullopt));
    EXPECT_FALSE(is_json_media_type("text/plain"));
    EXPECT_FALSE(is_json_media_type("application/x-www-form-urlencoded"));
    EXPECT_FALSE(is_json_media_type("application/jsonx"));
}

TEST(Wire, Iso8601) {
    EXPECT_EQ(iso8601_utc(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(iso8601_utc(1'700'000'000), "2023-11-14T22:13:20Z");
}

TEST(Wire, OpenApiDocumentIsEmbeddedAndNamesEveryRoute) {
    auto doc = nlohmann::json::parse(openapi_document());
    EXPECT_EQ(doc["openapi"], "3.1.0");
    for (const char* path : {"/api/v1/reports", "/api/v1/reports/{code}", "/api/v1/openapi.json"}) {
        EXPECT_TRUE(doc["paths"].contains(path)) << path;
    }
    EXPECT_EQ(doc["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
    EXPECT_TRUE(doc["components"]["schemas"].contains("Problem"));
}

}  // namespace
}  // namespace segnala::api
