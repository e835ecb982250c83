#include "http/server.hpp"

#include <csignal>
#include <system_error>

#include <spdlog/spdlog.h>

#include "http/server_impl.hpp"

namespace segnala::http {

std::vector<std::pair<std::string, std::string>> default_security_headers() {
    // Fonts may come from data: URLs because Bootstrap Italia's stylesheet embeds one; a font
    // cannot run code, so this does not weaken the no-inline-script rule.
    return {
        {"Content-Security-Policy",
         "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
         "font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
         "frame-ancestors 'none'"},
        {"Referrer-Policy", "no-referrer"},
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
        {"Cross-Origin-Opener-Policy", "same-origin"},
    };
}

void Conn::arm(std::chrono::steady_clock::duration d) {
    timed_out = false;
    timer.expires_after(d);
    timer.async_wait([self = shared_from_this(), g = ++generation](beast::error_code ec) {
        if (!ec && g == self->generation) {
            self->timed_out = true;
            beast::error_code ignored;
            self->socket.cancel(ignored);
        }
    });
}

void Conn::disarm() {
    ++generation;
    timer.cancel();
}

void log_coroutine_end(std::exception_ptr ep) {
    if (!ep) {
        return;
    }
    try {
        std::rethrow_exception(ep);
    } catch (const std::exception& e) {
        spdlog::error("http: connection coroutine ended with an exception: {}", e.what());
    } catch (...) {
        spdlog::error("http: connection coroutine ended with an unknown exception");
    }
}

Server::Impl::Impl(ServerSettings s, const Router& r, Metrics& m, AccessLog* l)
    : settings(std::move(s)),
      router(r),
      metrics(m),
      access_log(l),
      workers(static_cast<std::size_t>(std::max(1, settings.worker_threads))) {}

void Server::Impl::register_conn(const std::shared_ptr<Conn>& c) {
    std::lock_guard lock(mutex);
    conns.emplace(c.get(), c);
}

void Server::Impl::unregister_conn(Conn* c) {
    {
        std::lock_guard lock(mutex);
        conns.erase(c);
        open.fetch_sub(1);
    }
    metrics.connection_closed();
    cv.notify_all();
}

void Server::Impl::deliver(std::shared_ptr<PendingAnswerBase> answer, Response r) {
    bool first = false;
    {
        std::lock_guard lock(answers_mutex);
        first = answers.empty();
        answers.emplace_back(std::move(answer), std::move(r));
    }
    if (first) {
        asio::post(ioc, [this] { drain_answers(); });
    }
}

void Server::Impl::drain_answers() {
    std::vector<std::pair<std::shared_ptr<PendingAnswerBase>, Response>> ready;
    {
        std::lock_guard lock(answers_mutex);
        ready.swap(answers);
    }
    for (auto& [answer, response] : ready) {
        answer->resume(std::move(response));
    }
}

namespace {

asio::awaitable<void> accept_loop(Server::Impl* impl) {
    for (;;) {
        beast::error_code ec;
        tcp::socket socket = co_await impl->acceptor->async_accept(
            asio::make_strand(impl->ioc), asio::redirect_error(asio::use_awaitable, ec));
        if (impl->stopping.load()) {
            co_return;
        }
        if (ec) {
            if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) {
                co_return;
            }
            spdlog::warn("http: accept failed: {}", ec.message());
            // Out of descriptors and the like: back off instead of spinning.
            asio::steady_timer pause(co_await asio::this_coro::executor,
                                     std::chrono::milliseconds(50));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        auto conn = std::make_shared<Conn>(std::move(socket));
        if (auto peer = conn->socket.remote_endpoint(ec); !ec) {
            conn->peer = peer.address().to_string();
        }
        auto ex = conn->socket.get_executor();
        if (impl->open.load() >= impl->settings.max_connections) {
            asio::co_spawn(ex, reject_overloaded(impl, std::move(conn)), log_coroutine_end);
            continue;
        }
        impl->open.fetch_add(1);
        impl->metrics.connection_opened();
        impl->register_conn(conn);
        asio::co_spawn(ex, run_session(impl, std::move(conn)), log_coroutine_end);
    }
}

}  // namespace

Server::Server(ServerSettings settings, const Router& router, Metrics& metrics,
               AccessLog* access_log)
    : impl_(std::make_unique<Impl>(std::move(settings), router, metrics, access_log)) {}

Server::~Server() {
    stop();
}

std::uint16_t Server::start() {
    Impl& im = *impl_;
    auto address = asio::ip::make_address(im.settings.address);
    tcp::endpoint ep(address, im.settings.port);
    im.acceptor.emplace(asio::make_strand(im.ioc));
    im.acceptor->open(ep.protocol());
    im.acceptor->set_option(asio::socket_base::reuse_address(true));
    im.acceptor->bind(ep);
    im.acceptor->listen(asio::socket_base::max_listen_connections);
    std::uint16_t port = im.acceptor->local_endpoint().port();

    im.work.emplace(im.ioc.get_executor());
    asio::co_spawn(im.acceptor->get_executor(), accept_loop(&im), log_coroutine_end);
    int n = im.settings.io_threads > 0
                ? im.settings.io_threads
                : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 0; i < n; ++i) {
        im.threads.emplace_back([&im] { im.ioc.run(); });
    }
    std::lock_guard lock(im.mutex);
    im.started = true;
    return port;
}

void Server::run_until_signal() {
    Impl& im = *impl_;
    im.signals.emplace(im.ioc, SIGINT, SIGTERM);
    im.signals->async_wait([&im](beast::error_code ec, int signo) {
        if (ec) {
            return;
        }
        spdlog::info("http: signal {} received, draining", signo);
        std::lock_guard lock(im.mutex);
        im.stop_requested = true;
        im.cv.notify_all();
    });
    {
        std::unique_lock lock(im.mutex);
        im.cv.wait(lock, [&] { return im.stop_requested || im.stopped; });
    }
    stop();
}

void Server::stop() {
    Impl& im = *impl_;
    {
        std::lock_guard lock(im.mutex);
        if (im.stopped) {
            return;
        }
        im.stopped = true;
        im.stop_requested = true;
    }
    im.cv.notify_all();
    im.stopping.store(true);
    bool started = false;
    {
        std::lock_guard lock(im.mutex);
        started = im.started;
    }
    if (!started) {
        return;
    }
    asio::post(im.acceptor->get_executor(), [&im] {
        beast::error_code ignored;
        im.acceptor->close(ignored);
        if (im.signals) {
            im.signals->cancel(ignored);
        }
    });
    // Idle connections go now; busy ones see `stopping` after their response.
    auto for_each_conn = [&im](auto fn) {
        std::vector<std::shared_ptr<Conn>> live;
        {
            std::lock_guard lock(im.mutex);
            for (auto& [ptr, weak] : im.conns) {
                if (auto c = weak.lock()) {
                    live.push_back(std::move(c));
                }
            }
        }
        for (auto& c : live) {
            auto ex = c->socket.get_executor();
            asio::post(ex, [c = std::move(c), fn] { fn(*c); });
        }
    };
    for_each_conn([](Conn& c) {
        if (c.idle) {
            beast::error_code ignored;
            c.socket.cancel(ignored);
        }
    });
    {
        std::unique_lock lock(im.mutex);
        im.cv.wait_for(lock, im.settings.drain_timeout, [&] { return im.open.load() == 0; });
    }
    if (im.open.load() != 0) {
        spdlog::warn("http: drain deadline passed with {} connections open; closing them",
                     im.open.load());
        for_each_conn([](Conn& c) {
            beast::error_code ignored;
            c.socket.close(ignored);
        });
        std::unique_lock lock(im.mutex);
        im.cv.wait_for(lock, std::chrono::milliseconds(500), [&] { return im.open.load() == 0; });
    }
    im.work.reset();
    im.ioc.stop();
    for (auto& t : im.threads) {
        t.join();
    }
    im.threads.clear();
    im.workers.stop();
    im.workers.join();
}

std::size_t Server::open_connections() const {
    return impl_->open.load();
}

}  // namespace segnala::http
