// Method + path-template routing: "/segnala/{code}", "/static/{path...}". 404 and 405 are
// decided here. Built once at start-up, then read concurrently without locks.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"

namespace segnala::http {

struct RouteOptions {
    std::size_t body_limit = 64 * 1024;  ///< larger bodies get 413
    bool run_inline = false;  ///< true: run on the I/O thread (non-blocking, trivial handlers only)
};

class Router {
  public:
    /// Registers `h` for a comma-separated method list ("GET" or "GET,POST") and a pattern of
    /// '/'-separated segments: literals, "{name}" (one non-empty segment) or, last only,
    /// "{name...}" (the non-empty rest of the path). A GET route also answers HEAD.
    /// Throws std::invalid_argument on a malformed pattern (a start-up bug).
    /// Not thread-safe: register every route before serving.
    void add(std::string_view methods, std::string pattern, Handler h, RouteOptions o = {});
    /// The same for a handler that answers through its Responder (message.hpp).
    void add_async(std::string_view methods, std::string pattern, AsyncHandler h,
                   RouteOptions o = {});

    enum class Outcome { found, not_found, method_not_allowed };

    struct Match {
        Outcome outcome = Outcome::not_found;
        const Handler* handler = nullptr;  ///< set when found (null for an asynchronous route)
        const AsyncHandler* async_handler = nullptr;  ///< set when found, for add_async routes
        const RouteOptions* options = nullptr;        ///< set when found
        std::string_view pattern;                     ///< matched pattern, "" when not found
        std::vector<std::pair<std::string, std::string>> params;
        std::string allow;  ///< "GET, HEAD, POST" when the path matched (any outcome but 404)
    };

    /// Matches a decoded path. The most specific pattern wins: at the first segment where two
    /// matching patterns differ, a literal beats "{x}", which beats "{x...}". Thread-safe.
    Match match(std::string_view method, std::string_view decoded_path) const;

    /// Largest body_limit of any route (the server uses it for unmatched requests' bounds).
    std::size_t max_body_limit() const { return max_body_limit_; }

  private:
    struct Segment {
        enum class Kind { literal, param, tail } kind;
        std::string text;  // literal text or parameter name
    };
    struct Route {
        std::string pattern;
        std::vector<Segment> segments;
        std::vector<std::string> methods;
        Handler handler;
        AsyncHandler async_handler;
        RouteOptions options;
    };

    void add_route(std::string_view methods, std::string pattern, Route r);

    bool match_route(const Route& r, std::string_view path,
                     std::vector<std::pair<std::string, std::string>>* params) const;

    std::vector<Route> routes_;
    std::size_t max_body_limit_ = 0;
};

}  // namespace segnala::http
