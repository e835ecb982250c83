// Private to src/http: the server's state shared by the listener (server.cpp) and the
// sessions (session.cpp). Includes Asio/Beast, so never include it from a public header.
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/access_log.hpp"
#include "http/asio.hpp"
#include "http/message.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace segnala::http {

/// One client connection. Lives in a shared_ptr so the deadline timer's handler can outlive a
/// session frame safely. Touched only on its strand.
struct Conn : std::enable_shared_from_this<Conn> {
    explicit Conn(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}

    /// Starts (or restarts) the deadline; on expiry pending socket operations are cancelled
    /// (not closed, so that a 408 can still be written) and `timed_out` is set.
    void arm(std::chrono::steady_clock::duration d);
    void disarm();

    tcp::socket socket;
    asio::steady_timer timer;
    std::uint64_t generation = 0;
    bool timed_out = false;
    bool idle = false;  ///< waiting for the first byte of a request
    std::string peer;   ///< remote address, read once at accept (never logged)
};

/// An answer on its way back to the connection that waits for it (session.cpp).
class PendingAnswerBase : public Responder::Target {
  public:
    /// Resumes the waiting connection with `r`. Called on an I/O thread.
    virtual void resume(Response r) = 0;
};

struct Server::Impl {
    Impl(ServerSettings s, const Router& r, Metrics& m, AccessLog* l);

    /// Hands an answer from any thread to the I/O threads. Answers made together (a database
    /// writer's group commit) cost one wake-up of an I/O thread, not one each.
    void deliver(std::shared_ptr<PendingAnswerBase> answer, Response r);
    void drain_answers();

    void register_conn(const std::shared_ptr<Conn>& c);
    void unregister_conn(Conn* c);  // also decrements the open count

    ServerSettings settings;
    const Router& router;
    Metrics& metrics;
    AccessLog* access_log;

    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> open{0};

    std::mutex mutex;  // guards conns, stop_requested, stopped
    std::condition_variable cv;
    std::unordered_map<Conn*, std::weak_ptr<Conn>> conns;
    bool stop_requested = false;
    bool started = false;
    bool stopped = false;

    // Declared after the state above: destroying the io_context destroys suspended session
    // frames, whose guards still touch that state.
    asio::io_context ioc;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::optional<tcp::acceptor> acceptor;
    std::optional<asio::signal_set> signals;
    asio::thread_pool workers;
    std::vector<std::thread> threads;

    // Declared after the io_context: an answer delivered after the I/O threads stopped (a
    // write that completed during shutdown) still holds work on it and its connection's
    // coroutine, and must be destroyed while the io_context exists.
    std::mutex answers_mutex;
    std::vector<std::pair<std::shared_ptr<PendingAnswerBase>, Response>> answers;
};

/// The session coroutine: one connection's keep-alive loop (session.cpp).
asio::awaitable<void> run_session(Server::Impl* impl, std::shared_ptr<Conn> conn);

/// Answers 503 + Retry-After to a connection beyond the limit, then closes it (session.cpp).
asio::awaitable<void> reject_overloaded(Server::Impl* impl, std::shared_ptr<Conn> conn);

/// Completion handler for co_spawn: logs an escaped exception instead of dropping it.
void log_coroutine_end(std::exception_ptr ep);

}  // namespace segnala::http
