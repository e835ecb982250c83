#include "http/metrics.hpp"

#include <gtest/gtest.h>

namespace segnala::http {
namespace {

using std::chrono::microseconds;

TEST(Metrics, PrometheusText) {
    Metrics m;
    m.observe_request("/segnala/{code}", "GET", 200, microseconds(300));
    m.observe_request("/segnala/{code}", "GET", 200, microseconds(2000));
    m.observe_request("/segnala/{code}", "BREW", 404, microseconds(7'000'000));
    m.connection_opened();
    m.connection_opened();
    m.connection_closed();
    m.add_collector([] { return std::string("segnala_store_up 1"); });
    std::string t = m.render_text();
    EXPECT_NE(t.find("# TYPE segnala_http_requests_total counter\n"), std::string::npos);
    EXPECT_NE(t.find("segnala_http_requests_total{route=\"/segnala/"
                     "{code}\",method=\"GET\",status=\"200\"} 2\n"),
              std::string::npos)
        << t;
    EXPECT_NE(t.find("segnala_http_requests_total{route=\"/segnala/"
                     "{code}\",method=\"OTHER\",status=\"404\"} 1\n"),
              std::string::npos);
    EXPECT_NE(t.find("# TYPE segnala_http_request_duration_seconds histogram\n"),
              std::string::npos);
    EXPECT_NE(t.find("_bucket{route=\"/segnala/{code}\",le=\"0.0005\"} 1\n"), std::string::npos)
        << t;
    EXPECT_NE(t.find("_bucket{route=\"/segnala/{code}\",le=\"0.0025\"} 2\n"), std::string::npos);
    EXPECT_NE(t.find("_bucket{route=\"/segnala/{code}\",le=\"5\"} 2\n"), std::string::npos);
    EXPECT_NE(t.find("_bucket{route=\"/segnala/{code}\",le=\"+Inf\"} 3\n"), std::string::npos);
    EXPECT_NE(t.find("_count{route=\"/segnala/{code}\"} 3\n"), std::string::npos);
    EXPECT_NE(t.find("_sum{route=\"/segnala/{code}\"} 7.0023\n"), std::string::npos) << t;
    EXPECT_NE(t.find("segnala_http_open_connections 1\n"), std::string::npos);
    EXPECT_NE(t.find("segnala_store_up 1\n"), std::string::npos);
    EXPECT_EQ(t.back(), '\n');
}

TEST(Metrics, RenderResponse) {
    Metrics m;
    Response r = m.render();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.headers.get("Content-Type").value(), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace
}  // namespace segnala::http
