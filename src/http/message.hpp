// Transport-neutral request and response values: what web/ and api/ handlers see.
// No Beast types here, so that handler code compiles fast and knows nothing of sockets.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace segnala::http {

/// Header list with case-insensitive lookup (names kept as received).
class Headers {
  public:
    /// First value of a header, or nullopt.
    std::optional<std::string_view> get(std::string_view name) const;
    /// All values of a header (e.g. several Set-Cookie).
    std::vector<std::string_view> get_all(std::string_view name) const;
    void add(std::string name, std::string value);
    /// Replaces every value of `name` with one.
    void set(std::string name, std::string value);
    void erase(std::string_view name);
    bool contains(std::string_view name) const { return get(name).has_value(); }
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

  private:
    std::vector<std::pair<std::string, std::string>> items_;
};

struct Request {
    std::string method;  ///< "GET", "POST", … (HEAD is routed as GET, see `is_head`)
    bool is_head = false;
    std::string path;       ///< percent-decoded once, e.g. "/segnala/ABCD"
    std::string raw_path;   ///< as received, still encoded
    std::string raw_query;  ///< after '?', still encoded; never logged
    std::vector<std::pair<std::string, std::string>> query;   ///< decoded query parameters
    std::vector<std::pair<std::string, std::string>> params;  ///< path parameters by name
    std::string route;  ///< the matched route pattern, e.g. "/segnala/{code}"
    Headers headers;
    std::string body;
    bool secure = false;  ///< arrived over TLS (X-Forwarded-Proto from a trusted proxy)
    std::string
        client_address;      ///< peer IP (or X-Forwarded-For from a trusted proxy); never log it
    std::string request_id;  ///< random id, echoed as X-Request-Id

    /// Path parameter by name ("" when absent).
    std::string_view param(std::string_view name) const;
    /// First query parameter by name.
    std::optional<std::string_view> query_param(std::string_view name) const;
};

struct Response {
    int status = 200;
    Headers headers;
    std::string body;

    static Response text(int status, std::string body);
    static Response html(int status, std::string body);
    static Response json(int status, std::string body,
                         std::string_view content_type = "application/json");
    static Response redirect(std::string location, int status = 303);
};

using Handler = std::function<Response(Request&)>;

/// How an asynchronous handler answers: call it exactly once, from any thread, when the
/// response is ready. The Request stays valid until then (the connection waits for it), and
/// must not be touched after. A Responder whose last copy is dropped unanswered answers 500.
class Responder {
  public:
    /// The server's side of one pending answer (session.cpp).
    class Target {
      public:
        virtual ~Target() = default;
        virtual void complete(Response r) = 0;
        virtual void offload(std::function<void()> fn) = 0;
    };

    explicit Responder(std::shared_ptr<Target> t) : target_(std::move(t)) {}

    /// Sends `r`. Later calls are ignored.
    void operator()(Response r) const { target_->complete(std::move(r)); }

    /// Runs `fn` on the server's worker pool, where blocking is allowed: the way an inline
    /// handler hands over a request that needs the database or much work. An exception
    /// escaping `fn` answers 500.
    void offload(std::function<void()> fn) const { target_->offload(std::move(fn)); }

  private:
    std::shared_ptr<Target> target_;
};

/// A handler that answers later (for example when a queued database write commits), so that
/// no thread waits for it. RouteOptions::run_inline says where it is first called.
using AsyncHandler = std::function<void(Request&, const Responder&)>;

}  // namespace segnala::http
