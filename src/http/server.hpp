// The HTTP/1.1 server: Beast sessions on I/O threads, limits and timeouts, routing, a bounded
// worker pool for blocking handlers, security headers, graceful drain. No Beast types here.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/message.hpp"

namespace segnala::core {
class Clock;
}

namespace segnala::http {

class Router;
class Metrics;
class AccessLog;

/// The headers DESIGN.md asks of every page: CSP without inline script, no referrer, nosniff,
/// no framing, no powerful features, same-origin opener. (HSTS is added per request, only
/// when the request is secure.)
std::vector<std::pair<std::string, std::string>> default_security_headers();

/// Sent on secure requests unless the handler set its own.
inline constexpr const char* kStrictTransportSecurity = "max-age=63072000; includeSubDomains";

struct ServerSettings {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;                 ///< 0 = ephemeral (see Server::start)
    int io_threads = 0;                        ///< 0 = one per core
    int worker_threads = 64;                   ///< the blocking pool that runs non-inline handlers
    std::size_t max_header_bytes = 16 * 1024;  ///< beyond → 431
    std::chrono::seconds header_timeout{10};  ///< request line + headers must arrive within → 408
    std::chrono::seconds idle_timeout{30};    ///< keep-alive wait for the next request → close
    std::chrono::seconds body_timeout{30};    ///< body read, and response write → 408 / close
    std::chrono::seconds drain_timeout{5};    ///< stop(): in-flight requests get this long
    std::size_t max_connections = 4096;       ///< beyond → 503 with Retry-After, then close
    bool trust_proxy = false;  ///< honour X-Forwarded-For / X-Forwarded-Proto (behind nginx only)
    /// Added to every response unless the handler set a header of the same name.
    std::vector<std::pair<std::string, std::string>> default_headers = default_security_headers();
    /// Source of the Date header; none → no Date header. Must outlive the server.
    const core::Clock* clock = nullptr;
    /// Renders the answer for a 404 or 405 decided by the router, and for a 413 on a known
    /// route (then only method, route, path = route and request id are set). Runs on the I/O
    /// thread: it must not block. Plain text when unset.
    std::function<Response(Request&, int status)> error_page;
};

/// Serves `router` until stopped. The router, metrics and access log must outlive the server.
/// Thread-safe: start/stop/run_until_signal may be called from any one control thread.
class Server {
  public:
    /// `access_log` null → no access log.
    Server(ServerSettings settings, const Router& router, Metrics& metrics,
           AccessLog* access_log = nullptr);
    ~Server();  ///< stop()s
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds, listens and starts the I/O and worker threads; returns the bound port.
    /// Throws std::system_error when the address cannot be bound (start-up failure).
    std::uint16_t start();

    /// Blocks until SIGINT/SIGTERM (or stop() from another thread), then stop()s.
    void run_until_signal();

    /// Stops accepting, closes idle connections, lets in-flight requests finish for at most
    /// `drain_timeout` (their responses say Connection: close), then cancels the rest and joins
    /// every thread. Blocks; idempotent.
    void stop();

    /// Connections currently open (for tests and the metrics gauge).
    std::size_t open_connections() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace segnala::http
