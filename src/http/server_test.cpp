// Real-socket tests: a Server on an ephemeral loopback port, talked to with a plain Beast client.
#include "http/server.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "http/asio.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace segnala::http {
namespace {

using Res = bhttp::response<bhttp::string_body>;

class ServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        router.add("GET", "/hello", [](Request& r) {
            return Response::text(200, "hello " + std::string(r.query_param("name").value_or("")));
        });
        router.add("GET", "/inline", [](Request&) { return Response::text(200, "fast"); },
                   {.run_inline = true});
        router.add("POST", "/echo", [](Request& r) { return Response::text(200, r.body); },
                   {.body_limit = 1024});
        router.add("GET", "/boom", [](Request&) -> Response { throw std::runtime_error("boom"); });
        router.add("GET", "/csp", [](Request&) {
            Response r = Response::text(200, "own");
            r.headers.set("Content-Security-Policy", "default-src 'none'");
            return r;
        });
        router.add("GET", "/slow", [this](Request&) {
            slow_started.set_value();
            std::this_thread::sleep_for(std::chrono::milliseconds(400));
            return Response::text(200, "slow done");
        });
        router.add("GET", "/bad-status", [](Request&) { return Response::text(1000, "x"); });
        // Asynchronous routes: answered later from a thread of the test's own (as a database
        // writer would), inline or offloaded, or never (the dropped Responder answers 500).
        router.add_async("GET", "/later/{word}",
                         [this](Request& r, const Responder& respond) {
                             on_io_thread = true;
                             std::string word(r.param("word"));
                             std::lock_guard lock(later_mutex);
                             later.emplace_back([respond, word] {
                                 respond(Response::text(200, "later " + word));
                             });
                             later_cv.notify_all();
                         },
                         {.run_inline = true});
        router.add_async(
            "GET", "/offload",
            [](Request& r, const Responder& respond) {
                respond.offload([&r, respond] {
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // may block
                    respond(Response::text(200, "offloaded " + r.request_id));
                    respond(Response::text(500, "second answer ignored"));
                });
            },
            {.run_inline = true});
        router.add_async("GET", "/dropped", [](Request&, const Responder&) {},
                         {.run_inline = true});
        router.add_async("GET", "/async-boom",
                         [](Request&, const Responder&) { throw std::runtime_error("boom"); });
        router.add("GET", "/items/{id}", [](Request& r) {
            return Response::text(200, std::string(r.param("id")) + "|" + r.path);
        });
    }

    void start(ServerSettings s = {}) {
        s.port = 0;
        s.io_threads = 1;
        s.worker_threads = 2;
        s.header_timeout = std::chrono::seconds(1);
        server = std::make_unique<Server>(std::move(s), router, metrics);
        port = server->start();
    }

    tcp::socket connect() {
        tcp::socket sock(ioc);
        sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        timeval tv{5, 0};  // a broken server fails the test instead of hanging it
        setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        return sock;
    }

    static Res read_response(tcp::socket& sock, beast::flat_buffer& buf, bool head = false) {
        bhttp::response_parser<bhttp::string_body> p;
        p.skip(head);
        bhttp::read(sock, buf, p);
        return p.release();
    }

    static Res get(tcp::socket& sock, beast::flat_buffer& buf, std::string target,
                   bhttp::verb verb = bhttp::verb::get) {
        bhttp::request<bhttp::string_body> req{verb, target, 11};
        req.set(bhttp::field::host, "localhost");
        bhttp::write(sock, req);
        return read_response(sock, buf, verb == bhttp::verb::head);
    }

    static void send_raw(tcp::socket& sock, std::string_view bytes) {
        asio::write(sock, asio::buffer(bytes));
    }

    static bool closed_by_peer(tcp::socket& sock, beast::flat_buffer& buf) {
        beast::error_code ec;
        if (buf.size() > 0) {
            return false;
        }
        char c;
        sock.read_some(asio::buffer(&c, 1), ec);
        return ec == asio::error::eof || ec == asio::error::connection_reset;
    }

    /// The server closes `sock` within 3 s without writing a byte, and still serves afterwards.
    void expect_closed_without_answer_and_serving(tcp::socket& sock, beast::flat_buffer& buf) {
        const auto t0 = std::chrono::steady_clock::now();
        EXPECT_TRUE(closed_by_peer(sock, buf));
        EXPECT_EQ(buf.size(), 0U);
        EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
        auto next = connect();
        beast::flat_buffer next_buf;
        EXPECT_EQ(get(next, next_buf, "/inline").result_int(), 200);
    }

    asio::io_context ioc;
    Router router;
    Metrics metrics;
    std::unique_ptr<Server> server;
    std::uint16_t port = 0;
    std::promise<void> slow_started;
    std::atomic<bool> on_io_thread{false};
    std::mutex later_mutex;
    std::vector<std::function<void()>> later;  // guarded by later_mutex
    std::condition_variable later_cv;
};

TEST_F(ServerTest, KeepAliveSecurityHeadersAndRequestId) {
    start();
    auto sock = connect();
    beast::flat_buffer buf;
    Res a = get(sock, buf, "/hello?name=Ada%20L");
    EXPECT_EQ(a.result_int(), 200);
    EXPECT_EQ(a.body(), "hello Ada L");
    EXPECT_EQ(a["Content-Security-Policy"].find("frame-ancestors 'none'") != std::string_view::npos,
              true);
    EXPECT_EQ(a["Referrer-Policy"], "no-referrer");
    EXPECT_EQ(a["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(a["X-Frame-Options"], "DENY");
    EXPECT_EQ(a["Cross-Origin-Opener-Policy"], "same-origin");
    EXPECT_FALSE(a["Permissions-Policy"].empty());
    EXPECT_EQ(a.count("Strict-Transport-Security"), 0u);
    EXPECT_EQ(a["X-Request-Id"].size(), 16u);
    Res b = get(sock, buf, "/inline");  // same connection
    EXPECT_EQ(b.body(), "fast");
    EXPECT_NE(a["X-Request-Id"], b["X-Request-Id"]);
    Res c = get(sock, buf, "/csp");
    EXPECT_EQ(c["Content-Security-Policy"], "default-src 'none'");
    EXPECT_EQ(c.count("Content-Security-Policy"), 1u);
}

TEST_F(ServerTest, HstsOnlyWhenSecureBehindTrustedProxy) {
    ServerSettings s;
    s.trust_proxy = true;
    start(s);
    auto sock = connect();
    beast::flat_buffer buf;
    send_raw(sock, "GET /inline HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\n\r\n");
    EXPECT_EQ(read_response(sock, buf)["Strict-Transport-Security"], kStrictTransportSecurity);
}

TEST_F(ServerTest, HeadHasLengthButNoBody) {
    start();
    auto sock = connect();
    beast::flat_buffer buf;
    Res h = get(sock, buf, "/items/42", bhttp::verb::head);
    EXPECT_EQ(h.result_int(), 200);
    EXPECT_EQ(h[bhttp::field::content_length], "12");  // "42|/items/42"
    EXPECT_TRUE(h.body().empty());
    EXPECT_EQ(get(sock, buf, "/items/42").body(), "42|/items/42");  // stream still in sync
}

TEST_F(ServerTest, NotFoundMethodNotAllowedAndBadTarget) {
    start();
    auto sock = connect();
    beast::flat_buffer buf;
    EXPECT_EQ(get(sock, buf, "/nope").result_int(), 404);
    Res r = get(sock, buf, "/hello", bhttp::verb::delete_);
    EXPECT_EQ(r.result_int(), 405);
    EXPECT_EQ(r[bhttp::field::allow], "GET, HEAD");
    EXPECT_EQ(get(sock, buf, "/items/%2e%2e").result_int(), 400);
    auto sock2 = connect();
    beast::flat_buffer buf2;
    EXPECT_EQ(get(sock2, buf2, "/items/%00").result_int(), 400);
}

TEST_F(ServerTest, PipelinedRequestsAnsweredInOrder) {
    start();
    auto sock = connect();
    beast::flat_buffer buf;
    send_raw(sock,
             "GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"
             "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
             "GET /items/3 HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(read_response(sock, buf).body(), "1|/items/1");
    EXPECT_EQ(read_response(sock, buf).body(), "abc");
    EXPECT_EQ(read_response(sock, buf).body(), "3|/items/3");
}

TEST_F(ServerTest, TooLargeByContentLengthWithoutReadingBody) {
    start();
    auto sock = connect();
    beast::flat_buffer buf;
    send_raw(sock, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
    Res r = read_response(sock, buf);
    EXPECT_EQ(r.result_int(), 413);
    EXPECT_FALSE(r.keep_alive());
    EXPECT_TRUE(closed_by_peer(sock, buf));
}

// A browser sends the whole body of an oversized upload before it reads the answer. The server
// keeps reading (and dropping) it for a while after answering, so that closing does not reset
// the connection and destroy the 413 before the client has read it.
TEST_F(ServerTest, TooLargeAnswerSurvivesTheRestOfTheUpload) {
    start();
    auto sock = connect();
    beast::flat_buffer buf;
    const std::string body(256 * 1024, 'x');
    send_raw(sock, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the 413 is on its way
    beast::error_code ec;
    asio::write(sock, asio::buffer(body), ec);
    EXPECT_FALSE(ec) << ec.message();
    Res r = read_response(sock, buf);
    EXPECT_EQ(r.result_int(), 413);
    EXPECT_TRUE(closed_by_peer(sock, buf));
}

TEST_F(ServerTest, TooLargeChunked) {
    start();
    auto sock = connect();
    beast::flat_buffer buf;
    std::string chunk(600, 'x');
    send_raw(sock, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    send_raw(sock, "258\r\n" + chunk + "\r\n");
    send_raw(sock, "258\r\n" + chunk + "\r\n");
    Res r = read_response(sock, buf);
    EXPECT_EQ(r.result_int(), 413);
}

TEST_F(ServerTest, ChunkedWithinLimitIsEchoed) {
    start();
    auto sock = connect();
    beast::flat_buffer buf;
    send_raw(sock,
             "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
             "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    EXPECT_EQ(read_response(sock, buf).body(), "abcde");
}

TEST_F(ServerTest, HeaderTooLarge) {
    ServerSettings s;
    s.max_header_bytes = 1024;
    start(s);
    auto sock = connect();
    beast::flat_buffer buf;
    send_raw(sock,
             "GET /inline HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
    EXPECT_EQ(read_response(sock, buf).result_int(), 431);
}

TEST_F(ServerTest, TricklingClientGets408) {
    start();
    auto sock = connect();
    beast::flat_buffer buf;
    auto t0 = std::chrono::steady_clock::now();
    send_raw(sock, "GET /inline HTTP/1.1\r\n");
    for (int i = 0; i < 4; ++i) {  // 1.6 s of trickling against a 1 s header deadline
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        beast::error_code ec;
        asio::write(sock, asio::buffer(std::string_view("X-A: b\r\n")), ec);
        if (ec) {
            break;
        }
    }
    Res r = read_response(sock, buf);
    EXPECT_EQ(r.result_int(), 408);
    auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_LT(took, std::chrono::seconds(3));
    EXPECT_TRUE(closed_by_peer(sock, buf));
}

// A connection that never sends a byte (a browser's preconnected spare socket, a scanner) is
// closed at the header deadline without an answer, as nginx does: a 408 there would be read by
// a browser as the answer to the request it sends at that moment. The server goes on serving.
TEST_F(ServerTest, SilentConnectionIsClosedWithoutAnswerAtTheHeaderDeadline) {
    start();
    for (int round = 0; round < 3; ++round) {
        SCOPED_TRACE(round);
        auto silent = connect();
        beast::flat_buffer buf;
        expect_closed_without_answer_and_serving(silent, buf);
    }
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedWithoutAnswer) {
    ServerSettings s;
    s.idle_timeout = std::chrono::seconds(1);
    start(s);
    auto sock = connect();
    beast::flat_buffer buf;
    EXPECT_EQ(get(sock, buf, "/inline").result_int(), 200);
    expect_closed_without_answer_and_serving(sock, buf);  // no 408: a request may be on its way
}

TEST_F(ServerTest, BeyondMaxConnectionsGets503) {
    ServerSettings s;
    s.max_connections = 1;
    start(s);
    auto first = connect();
    beast::flat_buffer buf;
    EXPECT_EQ(get(first, buf, "/inline").result_int(), 200);  // accepted and counted
    auto second = connect();
    beast::flat_buffer buf2;
    send_raw(second, "GET /inline HTTP/1.1\r\nHost: x\r\n\r\n");
    Res r = read_response(second, buf2);
    EXPECT_EQ(r.result_int(), 503);
    EXPECT_EQ(r[bhttp::field::retry_after], "1");
    EXPECT_EQ(get(first, buf, "/inline").result_int(), 200);  // the first is unaffected
}

TEST_F(ServerTest, HandlerExceptionIs500AndSessionContinues) {
    start();
    auto sock = connect();
    beast::flat_buffer buf;
    Res r = get(sock, buf, "/boom");
    EXPECT_EQ(r.result_int(), 500);
    EXPECT_NE(r.body().find(std::string(r["X-Request-Id"])), std::string::npos);
    EXPECT_EQ(get(sock, buf, "/inline").result_int(), 200);
}

TEST_F(ServerTest, InvalidHandlerStatusIs500) {
    start();
    auto sock = connect();
    beast::flat_buffer buf;
    EXPECT_EQ(get(sock, buf, "/bad-status").result_int(), 500);
    EXPECT_EQ(get(sock, buf, "/inline").result_int(), 200);
}

TEST_F(ServerTest, GracefulStopFinishesInFlightRequest) {
    start();
    auto idle = connect();  // idle keep-alive connection: closed at once on stop
    auto sock = connect();
    beast::flat_buffer buf;
    send_raw(sock, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    slow_started.get_future().wait();
    auto t0 = std::chrono::steady_clock::now();
    std::thread stopper([this] { server->stop(); });
    Res r = read_response(sock, buf);
    stopper.join();
    EXPECT_EQ(r.result_int(), 200);
    EXPECT_EQ(r.body(), "slow done");
    EXPECT_FALSE(r.keep_alive());
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
    beast::flat_buffer ibuf;
    EXPECT_TRUE(closed_by_peer(idle, ibuf));
    EXPECT_EQ(server->open_connections(), 0u);
    beast::error_code ec;
    tcp::socket again(ioc);
    again.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    EXPECT_TRUE(ec);  // no longer listening
}

TEST_F(ServerTest, AsyncHandlerAnswersFromAnotherThread) {
    start();
    auto a = connect();
    auto b = connect();
    send_raw(a, "GET /later/one HTTP/1.1\r\nHost: x\r\n\r\n");
    send_raw(b, "GET /later/two HTTP/1.1\r\nHost: x\r\n\r\n");
    std::vector<std::function<void()>> pending;
    {
        std::unique_lock lock(later_mutex);
        ASSERT_TRUE(
            later_cv.wait_for(lock, std::chrono::seconds(5), [&] { return later.size() == 2; }));
        pending.swap(later);
    }
    EXPECT_TRUE(on_io_thread.load());
    // Neither connection is answered yet; the I/O thread is free for others meanwhile.
    beast::flat_buffer buf;
    auto c = connect();
    EXPECT_EQ(get(c, buf, "/inline").body(), "fast");
    std::thread answerer([&] {
        for (auto& fn : pending) {
            fn();
        }
    });
    answerer.join();
    beast::flat_buffer abuf;
    beast::flat_buffer bbuf;
    Res ra = read_response(a, abuf);
    Res rb = read_response(b, bbuf);
    EXPECT_EQ(ra.result_int(), 200);
    EXPECT_EQ(ra.body(), "later one");
    EXPECT_EQ(rb.body(), "later two");
    EXPECT_EQ(ra["X-Frame-Options"], "DENY");           // the usual headers, as for any answer
    EXPECT_EQ(get(a, abuf, "/inline").body(), "fast");  // keep-alive goes on
}

// A write that completes while the server shuts down: its answer arrives after the I/O
// threads stopped, is dropped, and nothing freed is touched (ASan runs this too).
TEST_F(ServerTest, AsyncAnswerAfterStopIsDropped) {
    ServerSettings s;
    s.drain_timeout = std::chrono::seconds(1);
    start(std::move(s));
    auto sock = connect();
    send_raw(sock, "GET /later/late HTTP/1.1\r\nHost: x\r\n\r\n");
    std::vector<std::function<void()>> pending;
    {
        std::unique_lock lock(later_mutex);
        ASSERT_TRUE(
            later_cv.wait_for(lock, std::chrono::seconds(5), [&] { return later.size() == 1; }));
        pending.swap(later);
    }
    server->stop();  // the waiting connection is closed at the drain deadline
    pending.front()();
    pending.clear();
    server.reset();
    beast::flat_buffer buf;
    EXPECT_TRUE(closed_by_peer(sock, buf));
}

TEST_F(ServerTest, AsyncHandlerOffloadsAndAnswersOnce) {
    start();
    auto sock = connect();
    beast::flat_buffer buf;
    Res r = get(sock, buf, "/offload");
    EXPECT_EQ(r.result_int(), 200);
    EXPECT_EQ(r.body(), "offloaded " + std::string(r["X-Request-Id"]));
    EXPECT_EQ(get(sock, buf, "/inline").body(), "fast");  // no second answer on the wire
}

TEST_F(ServerTest, AsyncHandlerThatDropsOrThrowsIs500) {
    start();
    auto sock = connect();
    beast::flat_buffer buf;
    Res dropped = get(sock, buf, "/dropped");
    EXPECT_EQ(dropped.result_int(), 500);
    EXPECT_NE(dropped.body().find(std::string(dropped["X-Request-Id"])), std::string::npos);
    EXPECT_EQ(get(sock, buf, "/async-boom").result_int(), 500);
    EXPECT_EQ(get(sock, buf, "/inline").result_int(), 200);
}

TEST_F(ServerTest, MetricsCountRequests) {
    start();
    auto sock = connect();
    beast::flat_buffer buf;
    get(sock, buf, "/items/1");
    get(sock, buf, "/nope");
    std::string t = metrics.render_text();
    EXPECT_NE(
        t.find(
            "segnala_http_requests_total{route=\"/items/{id}\",method=\"GET\",status=\"200\"} 1"),
        std::string::npos)
        << t;
    EXPECT_NE(t.find("route=\"unmatched\",method=\"GET\",status=\"404\"} 1"), std::string::npos);
    EXPECT_NE(t.find("segnala_http_open_connections 1"), std::string::npos);
}

}  // namespace
}  // namespace segnala::http
