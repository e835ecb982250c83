#include "http/static_files.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace segnala::http {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir =
            fs::temp_directory_path() /
            ("segnala_static_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir / "css");
        std::string css;
        for (int i = 0; i < 200; ++i) {
            css += ".a { color: red; }\n";
        }
        std::ofstream(dir / "css" / "app.css") << css;
        std::ofstream(dir / "robots.txt") << "x";
        std::ofstream(dir / "logo.png", std::ios::binary) << std::string(500, '\x89');
        files.mount("/static", dir, true);
    }
    void TearDown() override { fs::remove_all(dir); }

    Response get(std::string path, std::vector<std::pair<std::string, std::string>> headers = {}) {
        Request r;
        r.method = "GET";
        r.path = std::move(path);
        for (auto& [n, v] : headers) {
            r.headers.add(n, v);
        }
        return files.handler()(r);
    }

    fs::path dir;
    StaticFiles files;
};

TEST_F(StaticFilesTest, FingerprintedUrlsAndCaching) {
    EXPECT_EQ(files.size(), 3u);
    std::string url = files.url_for("/static/css/app.css");
    ASSERT_NE(url, "/static/css/app.css");
    EXPECT_TRUE(url.starts_with("/static/css/app."));
    EXPECT_TRUE(url.ends_with(".css"));
    EXPECT_EQ(url.size(), std::string("/static/css/app..css").size() + 8);
    EXPECT_EQ(files.url_for("/static/nope.css"), "/static/nope.css");

    Response fp = get(url);
    EXPECT_EQ(fp.status, 200);
    EXPECT_EQ(fp.headers.get("Cache-Control").value(), "public, max-age=31536000, immutable");
    EXPECT_EQ(fp.headers.get("Content-Type").value(), "text/css; charset=utf-8");
    Response plain = get("/static/css/app.css");
    EXPECT_EQ(plain.headers.get("Cache-Control").value(), "no-cache");
    EXPECT_EQ(plain.body, fp.body);
    EXPECT_EQ(get("/static/missing").status, 404);
}

TEST_F(StaticFilesTest, ETagAndConditionalGet) {
    Response r = get("/static/robots.txt");
    std::string etag(r.headers.get("ETag").value());
    EXPECT_EQ(etag.front(), '"');
    EXPECT_EQ(get("/static/robots.txt", {{"If-None-Match", etag}}).status, 304);
    EXPECT_EQ(get("/static/robots.txt", {{"If-None-Match", "\"other\", " + etag}}).status, 304);
    EXPECT_EQ(get("/static/robots.txt", {{"If-None-Match", "\"other\""}}).status, 200);
    EXPECT_TRUE(get("/static/robots.txt", {{"If-None-Match", etag}}).body.empty());
}

TEST_F(StaticFilesTest, GzipWhenAcceptedAndSmaller) {
    Response plain = get("/static/css/app.css");
    Response gz = get("/static/css/app.css", {{"Accept-Encoding", "br, gzip;q=0.8"}});
    EXPECT_EQ(gz.headers.get("Content-Encoding").value(), "gzip");
    EXPECT_LT(gz.body.size(), plain.body.size());
    EXPECT_EQ(gz.headers.get("Vary").value(), "Accept-Encoding");
    EXPECT_EQ(plain.headers.get("Vary").value(), "Accept-Encoding");
    EXPECT_NE(gz.headers.get("ETag").value(), plain.headers.get("ETag").value());
    EXPECT_FALSE(get("/static/css/app.css", {{"Accept-Encoding", "gzip;q=0"}})
                     .headers.contains("Content-Encoding"));
    // Tiny or incompressible files have no gzip variant.
    Response png = get("/static/logo.png", {{"Accept-Encoding", "gzip"}});
    EXPECT_FALSE(png.headers.contains("Content-Encoding"));
    EXPECT_FALSE(png.headers.contains("Vary"));
    EXPECT_EQ(png.headers.get("Content-Type").value(), "image/png");
}

TEST(StaticFiles, AcceptsGzipParsing) {
    EXPECT_TRUE(accepts_gzip("gzip"));
    EXPECT_TRUE(accepts_gzip("deflate, GZIP"));
    EXPECT_TRUE(accepts_gzip("*"));
    EXPECT_TRUE(accepts_gzip("gzip;q=0.5"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0.000"));
    EXPECT_FALSE(accepts_gzip("br, deflate"));
    EXPECT_FALSE(accepts_gzip(""));
    EXPECT_FALSE(accepts_gzip("gzipx"));
}

TEST(StaticFiles, ContentTypes) {
    EXPECT_EQ(content_type_for("a.woff2"), "font/woff2");
    EXPECT_EQ(content_type_for("a.MJS"), "application/javascript; charset=utf-8");
    EXPECT_EQ(content_type_for("a.svg"), "image/svg+xml");
    EXPECT_EQ(content_type_for("Makefile"), "application/octet-stream");
}

TEST(StaticFiles, MissingDirectoryThrows) {
    StaticFiles f;
    EXPECT_THROW(f.mount("/static", "/nonexistent/segnala", false), std::runtime_error);
}

}  // namespace
}  // namespace segnala::http
