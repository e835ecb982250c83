// One connection's life: read with limits and deadlines, route, run the handler (inline or on
// the worker pool), write, repeat while keep-alive. Every limit answers its status and closes.
#include <atomic>
#include <ctime>
#include <limits>
#include <optional>
#include <random>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "http/codec.hpp"
#include "http/server_impl.hpp"

#if defined(__GNUC__) && !defined(__clang__)
// Under ASan, g++ 12 takes Boost.Asio's coroutine frames, allocated and freed by the frame's own
// operator new/delete pair, for a mismatched new/delete at the end of this file.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace segnala::http {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kReadChunk = 4096;
constexpr std::size_t kUnmatchedBodyLimit = 64 * 1024;
constexpr std::chrono::seconds kLingerTime{2};

std::string new_request_id() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return fmt::format("{:016x}", rng());
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return (x | 0x20) == (y | 0x20);
           });
}

// IMF-fixdate, recomputed at most once per second per thread.
const std::string& http_date(const core::Clock& clock) {
    thread_local std::int64_t cached_second = -1;
    thread_local std::string cached;
    std::int64_t now = clock.now_unix();
    if (now != cached_second) {
        std::time_t t = static_cast<std::time_t>(now);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char buf[64];
        std::size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        cached.assign(buf, n);
        cached_second = now;
    }
    return cached;
}

bool header_safe(std::string_view name, std::string_view value) {
    if (name.empty()) {
        return false;
    }
    for (char c : name) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == ':') {
            return false;
        }
    }
    return value.find_first_of("\r\n", 0) == std::string_view::npos &&
           value.find('\0') == std::string_view::npos;
}

// Runs `fn` on the worker pool and resumes the awaiting coroutine on its own executor
// (the connection's strand). The one hop by which blocking work leaves the I/O threads.
template <class Fn, class Token>
auto run_on_workers(asio::thread_pool& pool, Fn fn, Token&& token) {
    return asio::async_initiate<Token, void(std::exception_ptr, Response)>(
        [&pool](auto handler, Fn f) {
            auto home = asio::prefer(asio::get_associated_executor(handler),
                                     asio::execution::outstanding_work.tracked);
            asio::post(pool, [handler = std::move(handler), f = std::move(f),
                              home = std::move(home)]() mutable {
                std::exception_ptr ep;
                Response r;
                try {
                    r = f();
                } catch (...) {
                    ep = std::current_exception();
                }
                asio::post(home, [handler = std::move(handler), ep, r = std::move(r)]() mutable {
                    std::move(handler)(ep, std::move(r));
                });
            });
        },
        token, std::move(fn));
}

// The server's side of a Responder: hands the answer to the connection waiting for it, on the
// connection's own executor, whichever thread answers.
template <class Handler>
class PendingAnswer final : public PendingAnswerBase,
                            public std::enable_shared_from_this<PendingAnswer<Handler>> {
  public:
    PendingAnswer(Handler h, Server::Impl& im, std::string request_id)
        : home_(asio::prefer(asio::get_associated_executor(h),
                             asio::execution::outstanding_work.tracked)),
          handler_(std::move(h)),
          im_(im),
          request_id_(std::move(request_id)) {}

    ~PendingAnswer() override {
        if (!answered_.load()) {
            // Dropped unanswered: the handler's last copy of the Responder is gone, so nothing
            // can answer any more. Resume the connection directly with a 500.
            spdlog::error("http: asynchronous handler dropped request {} unanswered", request_id_);
            answered_.store(true);
            post_home(internal_error());
        }
    }

    void complete(Response r) override {
        if (answered_.exchange(true)) {
            return;
        }
        im_.deliver(this->shared_from_this(), std::move(r));
    }

    void resume(Response r) override { post_home(std::move(r)); }

    void offload(std::function<void()> fn) override {
        asio::post(im_.workers, [self = this->shared_from_this(), fn = std::move(fn)] {
            try {
                fn();
            } catch (const std::exception& e) {
                self->fail(e.what());
            } catch (...) {
                self->fail("unknown exception");
            }
        });
    }

    void fail(std::string_view what) {
        spdlog::error("http: asynchronous handler failed (request {}): {}", request_id_, what);
        complete(internal_error());
    }

  private:
    Response internal_error() const {
        return Response::text(500, "Internal error. Request id: " + request_id_ + "\n");
    }

    void post_home(Response r) {
        asio::post(home_, [h = std::move(*handler_), r = std::move(r)]() mutable {
            std::move(h)(std::move(r));
        });
        handler_.reset();
    }

    using Home = decltype(asio::prefer(asio::get_associated_executor(std::declval<Handler&>()),
                                       asio::execution::outstanding_work.tracked));
    Home home_;
    std::optional<Handler> handler_;
    Server::Impl& im_;
    std::string request_id_;
    std::atomic<bool> answered_{false};
};

// Starts an asynchronous handler (inline on this I/O thread, or on the worker pool) and
// resumes the awaiting coroutine when it answers.
template <class Token>
auto run_async(Server::Impl& im, const AsyncHandler& h, bool run_inline, Request& req,
               Token&& token) {
    return asio::async_initiate<Token, void(Response)>(
        [&im, &h, run_inline, &req](auto handler) {
            auto target = std::make_shared<PendingAnswer<decltype(handler)>>(std::move(handler), im,
                                                                             req.request_id);
            Responder respond(target);
            if (!run_inline) {
                target->offload([&h, &req, respond] { h(req, respond); });
                return;
            }
            try {
                h(req, respond);
            } catch (const std::exception& e) {
                target->fail(e.what());
            } catch (...) {
                target->fail("unknown exception");
            }
        },
        token);
}

struct Exchange {
    std::string method = "-";
    std::string route = "-";
    std::string request_id;
    Clock::time_point started = Clock::now();
};

bhttp::response<bhttp::string_body> to_beast(Server::Impl& im, Response&& r, const Request* req,
                                             bool head, unsigned version, bool keep_alive) {
    bhttp::response<bhttp::string_body> res;
    res.version(version);
    if (r.status < 200 || r.status > 599) {
        // 1xx cannot be a final answer and Beast throws on codes past 999: a handler bug.
        spdlog::error("http: route {} answered status {}; sending 500", req ? req->route : "-",
                      r.status);
        r = Response::text(500, "Internal error.\n");
    }
    res.result(static_cast<unsigned>(r.status));
    for (auto& [n, v] : r.headers.items()) {
        if (header_safe(n, v)) {
            res.insert(n, v);
        } else {
            spdlog::warn("http: dropped an unsafe response header from route {}",
                         req ? req->route : "-");
        }
    }
    for (const auto& [n, v] : im.settings.default_headers) {
        if (!r.headers.contains(n)) {
            res.insert(n, v);
        }
    }
    if (req != nullptr && req->secure && !r.headers.contains("Strict-Transport-Security")) {
        res.insert("Strict-Transport-Security", kStrictTransportSecurity);
    }
    if (im.settings.clock != nullptr) {
        res.set(bhttp::field::date, http_date(*im.settings.clock));
    }
    if (req != nullptr) {
        res.set("X-Request-Id", req->request_id);
    }
    res.keep_alive(keep_alive);
    if (r.status == 204 || r.status == 304) {
        return res;  // no body, no Content-Length
    }
    res.content_length(r.body.size());
    if (!head) {
        res.body() = std::move(r.body);
    }
    return res;
}

void finish(Server::Impl& im, const Exchange& x, int status, std::size_t bytes) {
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - x.started);
    im.metrics.observe_request(x.route == "-" ? "unmatched" : x.route, x.method, status, micros);
    if (im.access_log != nullptr) {
        im.access_log->write({x.method, x.route, status, bytes, micros.count(), x.request_id});
    }
}

// Ends our side of the connection and reads (and drops) what the client still sends, for up to
// kLingerTime, before the caller closes it. Closing a socket with unread bytes makes the kernel
// send a reset, and a reset makes the client throw away an answer it has not read yet (a 413
// while the browser is still uploading, a 503, a 408), as nginx's lingering close avoids.
asio::awaitable<void> linger(std::shared_ptr<Conn> conn) {
    beast::error_code ec;
    conn->socket.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) {
        co_return;
    }
    conn->arm(kLingerTime);
    std::array<char, 4096> sink;
    while (!ec) {
        co_await conn->socket.async_read_some(asio::buffer(sink),
                                              asio::redirect_error(asio::use_awaitable, ec));
    }
    conn->disarm();
}

// Writes a bare status answer and asks the caller to close (the request was not fully read).
// `body` is always a string literal. No argument of a coroutine here is a temporary: GCC 12
// destroys some of those twice (an `Exchange{}` argument freed an invalid pointer).
asio::awaitable<void> answer_and_close(Server::Impl* im, std::shared_ptr<Conn> conn, Exchange x,
                                       int status, std::string_view body) {
    Response r;
    if (status == 413 && im->settings.error_page && x.route != "-") {
        // The route is known (its body limit was exceeded): let the application answer in its
        // own format (problem+json on the API, an HTML page on the site).
        Request q;
        q.method = x.method;
        q.route = x.route;
        q.path = x.route;
        q.request_id = x.request_id;
        r = im->settings.error_page(q, status);
    } else {
        r = Response::text(status, std::string(body));
    }
    if (status == 503) {
        r.headers.set("Retry-After", "1");
    }
    auto res = to_beast(*im, std::move(r), nullptr, false, 11, false);
    if (!x.request_id.empty()) {
        res.set("X-Request-Id", x.request_id);
    }
    finish(*im, x, status, res.body().size());
    conn->arm(std::chrono::seconds(5));
    beast::error_code ec;
    co_await bhttp::async_write(conn->socket, res, asio::redirect_error(asio::use_awaitable, ec));
    conn->disarm();
    if (!ec) {
        co_await linger(conn);
    }
}

// Fills a Request from the parsed message; 0 on success or the status to answer with.
int build_request(Server::Impl& im, Conn& conn, bhttp::request<bhttp::string_body>& msg,
                  const Router::Match& match, RequestTarget&& target, Request& req) {
    auto query = parse_form_urlencoded(target.raw_query, kMaxQueryFields);
    if (!query) {
        return 400;
    }
    req.query = std::move(query).value();
    req.path = std::move(target.path);
    req.raw_path = std::move(target.raw_path);
    req.raw_query = std::move(target.raw_query);
    req.params = match.params;
    req.route = std::string(match.pattern);
    for (const auto& f : msg) {
        req.headers.add(std::string(f.name_string()), std::string(f.value()));
    }
    req.body = std::move(msg.body());
    req.client_address = conn.peer;
    if (im.settings.trust_proxy) {
        if (auto proto = req.headers.get("X-Forwarded-Proto")) {
            req.secure = iequals(*proto, "https");
        }
        if (auto xff = req.headers.get("X-Forwarded-For")) {
            // The right-most entry is the one our trusted proxy appended.
            std::string_view v = *xff;
            std::size_t comma = v.rfind(',');
            std::string_view last = comma == std::string_view::npos ? v : v.substr(comma + 1);
            while (!last.empty() && last.front() == ' ') {
                last.remove_prefix(1);
            }
            while (!last.empty() && last.back() == ' ') {
                last.remove_suffix(1);
            }
            if (!last.empty()) {
                req.client_address = std::string(last);
            }
        }
    }
    return 0;
}

}  // namespace

asio::awaitable<void> reject_overloaded(Server::Impl* im, std::shared_ptr<Conn> conn) {
    Exchange x;
    co_await answer_and_close(im, conn, std::move(x), 503, "Server busy, retry shortly.\n");
    beast::error_code ec;
    conn->socket.close(ec);
}

asio::awaitable<void> run_session(Server::Impl* im, std::shared_ptr<Conn> conn) {
    struct Guard {
        Server::Impl* im;
        Conn* c;
        ~Guard() { im->unregister_conn(c); }
    } guard{im, conn.get()};
    const ServerSettings& cfg = im->settings;
    beast::flat_buffer buffer;
    bool first = true;
    for (;;) {
        beast::error_code ec;
        if (buffer.size() == 0) {
            if (im->stopping.load()) {
                break;
            }
            conn->idle = true;
            conn->arm(first ? cfg.header_timeout : cfg.idle_timeout);
            std::size_t n = co_await conn->socket.async_read_some(
                buffer.prepare(kReadChunk), asio::redirect_error(asio::use_awaitable, ec));
            conn->idle = false;
            if (ec) {
                // Not a byte of a request arrived in time (a browser's spare preconnected socket,
                // an idle keep-alive connection): close without an answer, as nginx does. A 408
                // here could be read by the client as the answer to the request it is sending at
                // this very moment.
                break;
            }
            buffer.commit(n);
        }
        first = false;

        Exchange x;
        x.request_id = new_request_id();
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(cfg.max_header_bytes));
        // The real limit is the route's, known only after the header: until then none, so
        // that a large Content-Length is answered 413 below rather than failing the header.
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        conn->arm(cfg.header_timeout);
        co_await bhttp::async_read_header(conn->socket, buffer, parser,
                                          asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (conn->timed_out) {
                co_await answer_and_close(im, conn, std::move(x), 408, "Request timeout.\n");
            } else if (ec == bhttp::error::body_limit) {
                co_await answer_and_close(im, conn, std::move(x), 413, "Payload too large.\n");
            } else if (ec == bhttp::error::header_limit) {
                co_await answer_and_close(im, conn, std::move(x), 431,
                                          "Request header fields too large.\n");
            } else if (ec != bhttp::error::end_of_stream && ec != asio::error::eof &&
                       ec != asio::error::connection_reset &&
                       ec != asio::error::operation_aborted) {
                co_await answer_and_close(im, conn, std::move(x), 400, "Bad request.\n");
            }
            break;
        }
        auto& msg = parser.get();
        x.method = std::string(msg.method_string());

        auto target = parse_request_target(msg.target(), x.method);
        if (!target) {
            co_await answer_and_close(im, conn, std::move(x), 400, "Bad request target.\n");
            break;
        }
        Router::Match match = im->router.match(x.method, target.value().path);
        std::size_t body_limit = kUnmatchedBodyLimit;
        if (match.outcome == Router::Outcome::found) {
            x.route = std::string(match.pattern);
            body_limit = match.options->body_limit;
        }
        if (auto cl = parser.content_length(); cl && *cl > body_limit) {
            co_await answer_and_close(im, conn, std::move(x), 413, "Payload too large.\n");
            break;
        }
        parser.body_limit(body_limit);
        if (!parser.is_done()) {
            if (iequals(msg[bhttp::field::expect], "100-continue")) {
                static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
                conn->arm(cfg.body_timeout);
                co_await asio::async_write(conn->socket, asio::buffer(kContinue),
                                           asio::redirect_error(asio::use_awaitable, ec));
                if (ec) {
                    break;
                }
            }
            conn->arm(cfg.body_timeout);
            co_await bhttp::async_read(conn->socket, buffer, parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (conn->timed_out) {
                    co_await answer_and_close(im, conn, std::move(x), 408, "Request timeout.\n");
                } else if (ec == bhttp::error::body_limit) {
                    co_await answer_and_close(im, conn, std::move(x), 413, "Payload too large.\n");
                } else if (ec != asio::error::eof && ec != bhttp::error::partial_message &&
                           ec != asio::error::connection_reset) {
                    co_await answer_and_close(im, conn, std::move(x), 400, "Bad request.\n");
                }
                break;
            }
        }
        conn->disarm();

        const bool head = x.method == "HEAD";
        const unsigned version = msg.version();
        bool keep_alive = msg.keep_alive();
        Request req;
        req.method = head ? "GET" : x.method;
        req.is_head = head;
        req.request_id = x.request_id;
        Response res;
        if (int status = build_request(*im, *conn, msg, match, std::move(target).value(), req)) {
            res = Response::text(status, "Bad request.\n");
        } else if (match.outcome == Router::Outcome::not_found) {
            res = cfg.error_page ? cfg.error_page(req, 404) : Response::text(404, "Not found.\n");
        } else if (match.outcome == Router::Outcome::method_not_allowed) {
            if (x.method == "OPTIONS") {
                res = Response{204, {}, {}};
            } else {
                res = cfg.error_page ? cfg.error_page(req, 405)
                                     : Response::text(405, "Method not allowed.\n");
            }
            res.headers.set("Allow", match.allow);
        } else {
            bool failed = false;
            std::string what;
            try {
                if (match.async_handler != nullptr) {
                    res = co_await run_async(*im, *match.async_handler, match.options->run_inline,
                                             req, asio::use_awaitable);
                } else if (match.options->run_inline) {
                    res = (*match.handler)(req);
                } else {
                    const Handler* h = match.handler;
                    Request* rp = &req;
                    res = co_await run_on_workers(
                        im->workers, [h, rp] { return (*h)(*rp); }, asio::use_awaitable);
                }
            } catch (const std::exception& e) {
                failed = true;
                what = e.what();
            } catch (...) {
                failed = true;
                what = "unknown exception";
            }
            if (failed) {
                spdlog::error("http: handler for {} {} failed (request {}): {}", x.method, x.route,
                              x.request_id, what);
                res = Response::text(500, "Internal error. Request id: " + x.request_id + "\n");
            }
        }
        keep_alive = keep_alive && !im->stopping.load();
        auto out = to_beast(*im, std::move(res), &req, head, version, keep_alive);
        int status = out.result_int();
        // Counted before the write, so a client that has read the answer sees it counted.
        finish(*im, x, status, head ? 0 : out.body().size());
        conn->arm(cfg.body_timeout);
        co_await bhttp::async_write(conn->socket, out,
                                    asio::redirect_error(asio::use_awaitable, ec));
        conn->disarm();
        if (ec) {
            break;
        }
        if (!keep_alive) {
            conn->socket.shutdown(tcp::socket::shutdown_send, ec);
            break;
        }
    }
    conn->disarm();
    beast::error_code ignored;
    conn->socket.close(ignored);
}

}  // namespace segnala::http
