// HTTP metrics in the Prometheus text format, with collectors so the wiring can append other
// modules' metrics (store, jobs) to the same /metrics page.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace segnala::http {

/// Histogram bucket upper bounds, seconds.
inline constexpr double kDurationBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                              0.1,    0.25,  0.5,    1.0,   2.5,  5.0};

/// Thread-safe. Series lookups take a shared lock; counting is atomic.
class Metrics {
  public:
    Metrics();
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    /// Counts one answered request. `route` is the pattern (or "unmatched"), never a raw path.
    /// Unknown methods are counted as "OTHER" to bound the label set.
    void observe_request(std::string_view route, std::string_view method, int status,
                         std::chrono::microseconds duration);
    void connection_opened();
    void connection_closed();
    std::int64_t open_connections() const;

    /// Appends the text a collector returns (whole Prometheus lines) to every render.
    /// Collectors are called on the rendering thread; register them before serving.
    void add_collector(std::function<std::string()> collector);

    /// The exposition text.
    std::string render_text() const;
    /// 200 with the text and "text/plain; version=0.0.4".
    Response render() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace segnala::http
