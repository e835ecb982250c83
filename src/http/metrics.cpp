#include "http/metrics.hpp"

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include <fmt/format.h>

namespace segnala::http {
namespace {

constexpr std::size_t kBuckets = std::size(kDurationBuckets);

struct Histogram {
    std::array<std::atomic<std::uint64_t>, kBuckets> buckets{};  // non-cumulative
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_micros{0};
};

std::string_view known_method(std::string_view m) {
    static constexpr std::string_view kKnown[] = {"GET",   "HEAD",    "POST",    "PUT",  "DELETE",
                                                  "PATCH", "OPTIONS", "CONNECT", "TRACE"};
    for (auto k : kKnown) {
        if (k == m) {
            return k;
        }
    }
    return "OTHER";
}

// Label values are route patterns we registered, but escape anyway (\\, ", newline).
std::string escape_label(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '"') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace

struct Metrics::Impl {
    mutable std::shared_mutex mutex;
    // key: route '\0' method '\0' status
    std::map<std::string, std::unique_ptr<std::atomic<std::uint64_t>>, std::less<>> requests;
    std::map<std::string, std::unique_ptr<Histogram>, std::less<>> durations;
    std::atomic<std::int64_t> open{0};
    std::vector<std::function<std::string()>> collectors;

    template <class T>
    T& series(std::map<std::string, std::unique_ptr<T>, std::less<>>& map, std::string_view key) {
        {
            std::shared_lock lock(mutex);
            auto it = map.find(key);
            if (it != map.end()) {
                return *it->second;
            }
        }
        std::unique_lock lock(mutex);
        auto [it, inserted] = map.try_emplace(std::string(key), nullptr);
        if (inserted) {
            it->second = std::make_unique<T>();
        }
        return *it->second;
    }
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::observe_request(std::string_view route, std::string_view method, int status,
                              std::chrono::microseconds duration) {
    std::string key;
    key.reserve(route.size() + 16);
    key.append(route).push_back('\0');
    key.append(known_method(method)).push_back('\0');
    key.append(std::to_string(status));
    impl_->series(impl_->requests, key).fetch_add(1, std::memory_order_relaxed);

    Histogram& h = impl_->series(impl_->durations, route);
    double seconds = static_cast<double>(duration.count()) / 1e6;
    for (std::size_t i = 0; i < kBuckets; ++i) {
        if (seconds <= kDurationBuckets[i]) {
            h.buckets[i].fetch_add(1, std::memory_order_relaxed);
            break;
        }
    }
    h.count.fetch_add(1, std::memory_order_relaxed);
    h.sum_micros.fetch_add(static_cast<std::uint64_t>(duration.count()), std::memory_order_relaxed);
}

void Metrics::connection_opened() {
    impl_->open.fetch_add(1, std::memory_order_relaxed);
}
void Metrics::connection_closed() {
    impl_->open.fetch_sub(1, std::memory_order_relaxed);
}
std::int64_t Metrics::open_connections() const {
    return impl_->open.load();
}

void Metrics::add_collector(std::function<std::string()> collector) {
    std::unique_lock lock(impl_->mutex);
    impl_->collectors.push_back(std::move(collector));
}

std::string Metrics::render_text() const {
    std::string out;
    std::vector<std::function<std::string()>> collectors;
    {
        std::shared_lock lock(impl_->mutex);
        out += "# HELP segnala_http_requests_total HTTP requests answered.\n";
        out += "# TYPE segnala_http_requests_total counter\n";
        for (const auto& [key, count] : impl_->requests) {
            std::string_view k = key;
            std::size_t a = k.find('\0');
            std::size_t b = k.find('\0', a + 1);
            out += fmt::format(
                "segnala_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                escape_label(k.substr(0, a)), k.substr(a + 1, b - a - 1), k.substr(b + 1),
                count->load());
        }
        out += "# HELP segnala_http_request_duration_seconds Time to answer a request.\n";
        out += "# TYPE segnala_http_request_duration_seconds histogram\n";
        for (const auto& [route, h] : impl_->durations) {
            std::string r = escape_label(route);
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i < kBuckets; ++i) {
                cumulative += h->buckets[i].load();
                out += fmt::format(
                    "segnala_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                    r, kDurationBuckets[i], cumulative);
            }
            out += fmt::format(
                "segnala_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", r,
                h->count.load());
            out += fmt::format("segnala_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", r,
                               static_cast<double>(h->sum_micros.load()) / 1e6);
            out += fmt::format("segnala_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                               r, h->count.load());
        }
        out += "# HELP segnala_http_open_connections Open client connections.\n";
        out += "# TYPE segnala_http_open_connections gauge\n";
        out += fmt::format("segnala_http_open_connections {}\n", impl_->open.load());
        collectors = impl_->collectors;
    }
    for (const auto& c : collectors) {
        std::string text = c();
        if (!text.empty() && text.back() != '\n') {
            text.push_back('\n');
        }
        out += text;
    }
    return out;
}

Response Metrics::render() const {
    Response r = Response::text(200, render_text());
    r.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.headers.set("Cache-Control", "no-store");
    return r;
}

}  // namespace segnala::http
